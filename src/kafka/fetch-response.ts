// Fetch response (versions 0 to 11) decoded down to each partition's raw record set; record sets are
// decoded separately (record-set.ts) without copying.
import { Cursor } from './cursor';

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  /** -1 before Fetch v4. */
  lastStableOffset: number;
  /** -1 before Fetch v5. */
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[];
  records: Buffer | null;
}

export interface FetchResponse {
  errorCode: number;
  throttleTimeMs: number;
  partitions: FetchedPartition[];
}

export function decodeFetchResponse(payload: Buffer, version: number): FetchResponse {
  if (version < 0 || version > 11) throw new Error(`Fetch v${version} is not supported (0 to 11 are)`);
  const c = new Cursor(payload);
  const throttleTimeMs = version >= 1 ? c.int32('throttle time') : 0;
  let errorCode = 0;
  if (version >= 7) {
    errorCode = c.int16('error code');
    c.int32('session id');
  }
  const partitions: FetchedPartition[] = [];
  const topicCount = c.int32('topic count');
  for (let t = 0; t < topicCount; t++) {
    const topic = c.string('topic');
    const partitionCount = c.int32('partition count');
    for (let p = 0; p < partitionCount; p++) {
      const partition = c.int32('partition');
      const partitionError = c.int16('partition error');
      const highWatermark = c.int64('high watermark');
      const lastStableOffset = version >= 4 ? c.int64('last stable offset') : -1;
      const logStartOffset = version >= 5 ? c.int64('log start offset') : -1;
      const abortedCount = version >= 4 ? c.int32('aborted transactions') : 0;
      const abortedTransactions: AbortedTransaction[] = [];
      for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: c.int64('producer id'), firstOffset: c.int64('first offset') });
      if (version >= 11) c.int32('preferred read replica');
      const records = c.bytes('records');
      partitions.push({ topic, partition, errorCode: partitionError, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, records });
    }
  }
  return { errorCode, throttleTimeMs, partitions };
}

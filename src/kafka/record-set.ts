// One partition's fetched record set: v2 record batches and, on topics still in message format v0/v1
// (or upgraded in place, so both appear in one fetch), legacy messages. Every entry's checksum is
// verified before any record of the fetch is handed out; compressed entries are decompressed one at a
// time, only when their records are iterated.
import { decodeLegacyMessages } from './legacy-messages';
import { BATCH_HEADER_BYTES, decodeBatch, type DecodeContext, type RecordBatch } from './record-batch';
import { CorruptBatchError } from './errors';

const LOG_OVERHEAD = 12; // offset int64 + size int32
const MAGIC_POSITION = 16;

export interface DecodedRecordSet {
  /** The complete entries, in offset order. */
  batches: RecordBatch[];
  /**
   * When the set holds no complete entry but starts one (the broker cut it at the fetch size): the
   * bytes that entry needs, so the fetch can grow to it.
   */
  incompleteBytes?: number;
}

export function decodeRecordSet(ctx: DecodeContext, buf: Buffer): DecodedRecordSet {
  const batches: RecordBatch[] = [];
  let pos = 0;
  while (buf.length - pos > MAGIC_POSITION) {
    const magic = buf.readInt8(pos + MAGIC_POSITION);
    if (magic === 2) {
      const end = pos + LOG_OVERHEAD + buf.readInt32BE(pos + 8);
      if (end > buf.length || buf.length - pos < BATCH_HEADER_BYTES) break;
      batches.push(decodeBatch(ctx, buf, pos, end));
      pos = end;
    } else if (magic === 0 || magic === 1) {
      const next = decodeLegacyMessages(ctx, buf, pos, buf.length, batches);
      if (next === pos) break;
      pos = next;
    } else {
      throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: Number(buf.readBigInt64BE(pos)) }, `unknown message format (magic ${magic})`);
    }
  }
  if (batches.length > 0 || buf.length - pos < LOG_OVERHEAD) return { batches };
  // Nothing complete: the first entry is larger than what was fetched.
  return { batches, incompleteBytes: LOG_OVERHEAD + buf.readInt32BE(pos + 8) };
}

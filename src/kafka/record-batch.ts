// Decodes Kafka RecordBatch v2 (the format of every Kafka >= 0.11 log) without copying: keys, values and
// header values are views into the fetched buffer, so `lines` output copies each value exactly once, into
// the upload part. Records are decoded as they are iterated, into one reused object, so a dump at
// hundreds of MB/s allocates almost nothing per record.
import { Cursor, TruncatedError } from './cursor';
import { decompress } from './codecs';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: number;
  /** Epoch ms; -1 when the producer set none. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordBatch {
  baseOffset: number;
  lastOffset: number;
  producerId: number;
  transactional: boolean;
  /** Control batches hold transaction markers, not data; they still use offsets. */
  control: boolean;
  /** For control batches: true when the marker aborts the producer's transaction. */
  abortMarker: boolean;
  count: number;
  /**
   * The batch's records in offset order (none for a control batch). The iterator hands out the same
   * object each time, refilled: use a record before taking the next, and copy it to keep it.
   */
  records: Iterable<KafkaRecord>;
}

const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];
const BATCH_HEADER_BYTES = 61;
const LOG_OVERHEAD = 12; // baseOffset int64 + batchLength int32
const MAGIC_POSITION = 16;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

export class UnsupportedFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedFormatError';
  }
}

/** Decodes the record at the cursor into `into`. */
function decodeRecord(c: Cursor, baseOffset: number, baseTimestamp: number, logAppendTime: number | undefined, into: KafkaRecord): void {
  const length = c.varint('record length');
  const end = c.pos + length;
  if (end > c.end) throw new TruncatedError('record');
  c.skip(1, 'record attributes');
  const timestampDelta = c.varlong('timestamp delta');
  const offsetDelta = c.varint('offset delta');
  into.offset = baseOffset + offsetDelta;
  into.timestamp = logAppendTime ?? (baseTimestamp < 0 ? -1 : baseTimestamp + timestampDelta);
  into.key = c.varBytes('record key');
  into.value = c.varBytes('record value');
  const headerCount = c.varint('header count');
  let headers = NO_HEADERS;
  if (headerCount > 0) {
    headers = new Array<RecordHeader>(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const name = c.varBytes('header key');
      headers[i] = { key: name ? name.toString('utf8') : '', value: c.varBytes('header value') };
    }
  }
  into.headers = headers;
  if (c.pos !== end) throw new TruncatedError(`record at offset ${into.offset} (length mismatch)`);
}

class BatchRecords implements Iterable<KafkaRecord> {
  constructor(
    private readonly body: Buffer,
    private readonly start: number,
    private readonly end: number,
    private readonly count: number,
    private readonly baseOffset: number,
    private readonly baseTimestamp: number,
    private readonly logAppendTime: number | undefined,
  ) {}

  [Symbol.iterator](): Iterator<KafkaRecord> {
    const c = new Cursor(this.body, this.start, this.end);
    const record: KafkaRecord = { offset: 0, timestamp: 0, key: null, value: null, headers: NO_HEADERS };
    // One result object, refilled like the record: a generator would allocate one per record.
    const result: IteratorResult<KafkaRecord> = { done: false, value: record };
    let left = this.count;
    return {
      next: () => {
        if (left <= 0) return { done: true, value: undefined };
        left--;
        decodeRecord(c, this.baseOffset, this.baseTimestamp, this.logAppendTime, record);
        return result;
      },
    };
  }
}

const EMPTY: Iterable<KafkaRecord> = Object.freeze([]);

async function decodeBatch(buf: Buffer, start: number, end: number): Promise<RecordBatch> {
  const c = new Cursor(buf, start, end);
  const baseOffset = c.int64('base offset');
  c.skip(4 + 4 + 1 + 4, 'batch header'); // batchLength, partitionLeaderEpoch, magic, crc
  const attributes = c.int16('attributes');
  const lastOffsetDelta = c.int32('last offset delta');
  const baseTimestamp = c.int64('base timestamp');
  const maxTimestamp = c.int64('max timestamp');
  const producerId = c.int64('producer id');
  c.skip(2 + 4, 'producer epoch and sequence');
  const count = c.int32('record count');
  const control = (attributes & CONTROL) !== 0;
  const logAppendTime = attributes & TIMESTAMP_TYPE_LOG_APPEND ? maxTimestamp : undefined;

  const codec = attributes & COMPRESSION_MASK;
  const body = codec === 0 ? buf : await decompress(codec, buf.subarray(c.pos, end), baseOffset);
  const records = new BatchRecords(body, codec === 0 ? c.pos : 0, codec === 0 ? end : body.length, count, baseOffset, baseTimestamp, logAppendTime);

  let abortMarker = false;
  if (control && count > 0) {
    // A control record's key says which marker it is: version int16, then type int16 (0 abort, 1 commit).
    const first = records[Symbol.iterator]().next().value as KafkaRecord;
    abortMarker = first.key !== null && first.key.length >= 4 && first.key.readInt16BE(2) === 0;
  }
  return { baseOffset, lastOffset: baseOffset + lastOffsetDelta, producerId, transactional: (attributes & TRANSACTIONAL) !== 0, control, abortMarker, count, records: control ? EMPTY : records };
}

/**
 * Decodes the record batches of one partition's fetched record set. A fetch may end with a partial batch
 * (the broker cuts at its size limit); it is left for the next fetch.
 */
export async function decodeRecordSet(buf: Buffer): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const batchEnd = pos + LOG_OVERHEAD + buf.readInt32BE(pos + 8);
    if (batchEnd > buf.length || buf.length - pos < BATCH_HEADER_BYTES) break;
    const magic = buf.readInt8(pos + MAGIC_POSITION);
    if (magic !== 2) {
      const offset = buf.readBigInt64BE(pos);
      throw new UnsupportedFormatError(
        `offset ${offset}: message format v${magic} (Kafka < 0.11) is not supported; only record batch v2. ` +
          'Upgrade the topic with message.format.version >= 0.11 or re-produce the data.',
      );
    }
    batches.push(await decodeBatch(buf, pos, batchEnd));
    pos = batchEnd;
  }
  return batches;
}

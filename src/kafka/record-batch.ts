// Decodes Kafka RecordBatch v2 (the format of every Kafka >= 0.11 log) without copying: keys, values and
// header values are views into the fetched buffer, or into the one reused decompression buffer, so
// `lines` output copies each value exactly once, into the upload part. Records are decoded as they are
// iterated, into one reused object, so a dump at hundreds of MB/s allocates almost nothing per record.
// A compressed batch is decompressed only when its records are iterated: one batch at a time is held.
import { Cursor, TruncatedError } from './cursor';
import { crc32c } from './crc';
import { CorruptDataError, DecompressedSizeError, decompress, type OutputBuffer } from './codecs';
import { BatchTooLargeError, CorruptBatchError } from './errors';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: number;
  /** Epoch ms; -1 when there is none (message format v0, or a producer that set none). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordBatch {
  /** The first offset the batch may hold; for a legacy compressed message, a lower bound. */
  baseOffset: number;
  lastOffset: number;
  producerId: number;
  transactional: boolean;
  /** Control batches hold transaction markers, not data; they still use offsets. */
  control: boolean;
  /** For control batches: true when the marker aborts the producer's transaction. */
  abortMarker: boolean;
  /** Compression codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  codec: number;
  /**
   * The batch's records in offset order (none for a control batch). Iterating decompresses the batch
   * into the shared buffer, replacing the batch before; the iterator hands out the same object each
   * time, refilled: use a record before taking the next, and copy it to keep it.
   */
  records: Iterable<KafkaRecord>;
}

/** Where a record set came from, for errors, and the buffer its batches decompress into. */
export interface DecodeContext {
  topic: string;
  partition: number;
  out: OutputBuffer;
}

export const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];
export const EMPTY_RECORDS: Iterable<KafkaRecord> = Object.freeze([]);
/** Bytes of a v2 batch header, from the base offset to the record count. */
export const BATCH_HEADER_BYTES = 61;
const CRC_POSITION = 17;
const ATTRIBUTES_POSITION = 21;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

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

/** Malformed data as an error that names the batch; other errors as they are. */
export function corruption(ctx: DecodeContext, offset: number, err: unknown): unknown {
  const at = { topic: ctx.topic, partition: ctx.partition, offset };
  if (err instanceof TruncatedError || err instanceof RangeError || err instanceof CorruptDataError) return new CorruptBatchError(at, err.message);
  if (err instanceof DecompressedSizeError) return new BatchTooLargeError(at, err.message, err.limit);
  return err;
}

/** Runs a decoding step, turning malformed data into an error that names the batch. */
export function asCorrupt<T>(ctx: DecodeContext, offset: number, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw corruption(ctx, offset, err);
  }
}

class BatchRecords implements Iterable<KafkaRecord> {
  constructor(
    private readonly ctx: DecodeContext,
    private readonly buf: Buffer,
    /** The records' bytes: buf[start, end), compressed unless codec is 0. */
    private readonly start: number,
    private readonly end: number,
    private readonly codec: number,
    private readonly count: number,
    private readonly baseOffset: number,
    private readonly baseTimestamp: number,
    private readonly logAppendTime: number | undefined,
  ) {}

  [Symbol.iterator](): Iterator<KafkaRecord> {
    const c = this.codec === 0 ? new Cursor(this.buf, this.start, this.end) : this.decompressed();
    const record: KafkaRecord = { offset: 0, timestamp: 0, key: null, value: null, headers: NO_HEADERS };
    // One result object, refilled like the record: a generator would allocate one per record.
    const result: IteratorResult<KafkaRecord> = { done: false, value: record };
    let left = this.count;
    const decode = () => decodeRecord(c, this.baseOffset, this.baseTimestamp, this.logAppendTime, record);
    return {
      next: () => {
        if (left <= 0) return { done: true, value: undefined };
        left--;
        try {
          decode();
        } catch (err) {
          throw corruption(this.ctx, this.baseOffset, err);
        }
        return result;
      },
    };
  }

  private decompressed(): Cursor {
    const body = decompressBatch(this.ctx, this.baseOffset, this.codec, this.buf.subarray(this.start, this.end), false);
    return new Cursor(body, 0, body.length);
  }
}

/** Decompresses a batch's payload, naming the batch in any error. */
export function decompressBatch(ctx: DecodeContext, offset: number, codec: number, payload: Buffer, legacyLz4: boolean): Buffer {
  return asCorrupt(ctx, offset, () => decompress(codec, payload, ctx.out, legacyLz4));
}

/**
 * The v2 batch in buf[start, end), its CRC-32C verified (as the Java consumer does by default); its
 * records are decoded, and decompressed, only when iterated.
 */
export function decodeBatch(ctx: DecodeContext, buf: Buffer, start: number, end: number): RecordBatch {
  const baseOffset = Number(buf.readBigInt64BE(start));
  const stored = buf.readUInt32BE(start + CRC_POSITION);
  const computed = crc32c(buf, start + ATTRIBUTES_POSITION, end);
  if (stored !== computed) {
    throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: baseOffset }, `CRC-32C ${computed.toString(16)} where the batch says ${stored.toString(16)}`);
  }
  return asCorrupt(ctx, baseOffset, () => {
    const c = new Cursor(buf, start + ATTRIBUTES_POSITION, end);
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
    const records = new BatchRecords(ctx, buf, c.pos, end, codec, count, baseOffset, baseTimestamp, logAppendTime);

    let abortMarker = false;
    if (control && count > 0) {
      // A control record's key says which marker it is: version int16, then type int16 (0 abort, 1 commit).
      const first = records[Symbol.iterator]().next().value as KafkaRecord;
      abortMarker = first.key !== null && first.key.length >= 4 && first.key.readInt16BE(2) === 0;
    }
    return { baseOffset, lastOffset: baseOffset + lastOffsetDelta, producerId, transactional: (attributes & TRANSACTIONAL) !== 0, control, abortMarker, codec, records: control ? EMPTY_RECORDS : records };
  });
}

// Message sets of formats v0 and v1 (magic 0 and 1): Kafka before 0.11, and topics kept at
// log.message.format.version < 0.11 on newer brokers. Each message has its own CRC-32; a compressed
// message wraps a whole inner message set in its value. Inner offsets are absolute in v0 and relative in
// v1 (the wrapper carries the last inner offset). Timestamps: none in v0 (-1: records without a usable
// timestamp are filed under the current window); in v1, CreateTime per message, or the wrapper's
// LogAppendTime for all its messages.
import { Cursor } from './cursor';
import { crc32 } from './crc';
import { CorruptBatchError } from './errors';
import { asCorrupt, corruption, decompressBatch, NO_HEADERS, type DecodeContext, type KafkaRecord, type RecordBatch } from './record-batch';

const LOG_OVERHEAD = 12; // offset int64 + size int32
const CRC_START = 16; // fields from the magic byte on are covered by the CRC
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;

/** A message's fields, its CRC verified. */
export interface LegacyMessage {
  offset: number;
  magic: number;
  attributes: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** Reads the message in buf[start, end) into `into`, checking its CRC unless it was checked before. */
function readMessage(ctx: DecodeContext, buf: Buffer, start: number, end: number, offsetForErrors: number, into: LegacyMessage, checkCrc = true): void {
  const stored = checkCrc ? buf.readUInt32BE(start + LOG_OVERHEAD) : 0;
  const computed = checkCrc ? crc32(buf.subarray(start + CRC_START, end)) : 0;
  if (stored !== computed) {
    throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: offsetForErrors }, `message CRC-32 ${computed.toString(16)} where the message says ${stored.toString(16)}`);
  }
  const c = new Cursor(buf, start, end);
  into.offset = c.int64('message offset');
  c.skip(4 + 4, 'message size and crc');
  into.magic = c.int8('magic');
  if (into.magic !== 0 && into.magic !== 1) throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: offsetForErrors }, `message magic ${into.magic} inside a message set`);
  into.attributes = c.int8('attributes');
  into.timestamp = into.magic === 1 ? c.int64('timestamp') : -1;
  into.key = c.bytes('message key');
  into.value = c.bytes('message value');
  if (c.pos !== end) throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: offsetForErrors }, 'message length mismatch');
}

function newMessage(): LegacyMessage {
  return { offset: 0, magic: 0, attributes: 0, timestamp: -1, key: null, value: null };
}

/** End of the message starting at `pos`, or -1 when the set ends before it does. */
export function messageEnd(buf: Buffer, pos: number, end: number): number {
  if (end - pos < LOG_OVERHEAD) return -1;
  const size = buf.readInt32BE(pos + 8);
  if (size < CRC_START - LOG_OVERHEAD + 2) return -1;
  const messageEnd = pos + LOG_OVERHEAD + size;
  return messageEnd <= end ? messageEnd : -1;
}

/**
 * Uncompressed messages in buf[start, end) (their CRCs already verified), yielded as records; offsets are
 * `delta` + each message's own, and `timestamp`, when set, replaces each message's (LogAppendTime).
 */
class MessageRecords implements Iterable<KafkaRecord> {
  constructor(
    private readonly ctx: DecodeContext,
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
    private readonly delta: number,
    private readonly timestamp: number | undefined,
  ) {}

  [Symbol.iterator](): Iterator<KafkaRecord> {
    const record: KafkaRecord = { offset: 0, timestamp: -1, key: null, value: null, headers: NO_HEADERS };
    const result: IteratorResult<KafkaRecord> = { done: false, value: record };
    const message = newMessage();
    let pos = this.start;
    return {
      next: () => {
        if (pos >= this.end) return { done: true, value: undefined };
        const end = messageEnd(this.buf, pos, this.end);
        try {
          if (end < 0) throw new CorruptBatchError({ topic: this.ctx.topic, partition: this.ctx.partition, offset: record.offset }, 'truncated message');
          readMessage(this.ctx, this.buf, pos, end, record.offset, message, false);
        } catch (err) {
          throw corruption(this.ctx, record.offset, err);
        }
        pos = end;
        record.offset = message.offset + this.delta;
        record.timestamp = this.timestamp ?? message.timestamp;
        record.key = message.key;
        record.value = message.value;
        return result;
      },
    };
  }
}

/** The inner messages of a compressed (wrapper) message, decompressed when iterated. */
class WrappedRecords implements Iterable<KafkaRecord> {
  constructor(
    private readonly ctx: DecodeContext,
    private readonly wrapper: LegacyMessage,
    private readonly codec: number,
  ) {}

  [Symbol.iterator](): Iterator<KafkaRecord> {
    const { ctx, wrapper } = this;
    const inner = decompressBatch(ctx, wrapper.offset, this.codec, wrapper.value ?? Buffer.alloc(0), wrapper.magic === 0);
    // Every inner message is checked before the first is handed out, and the last one's offset found.
    let lastInner = -1;
    const message = newMessage();
    asCorrupt(ctx, wrapper.offset, () => {
      for (let pos = 0; pos < inner.length; ) {
        const end = messageEnd(inner, pos, inner.length);
        if (end < 0) throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: wrapper.offset }, 'truncated message inside a compressed message');
        readMessage(ctx, inner, pos, end, wrapper.offset, message);
        if (message.attributes & COMPRESSION_MASK) throw new CorruptBatchError({ topic: ctx.topic, partition: ctx.partition, offset: wrapper.offset }, 'compressed message inside a compressed message');
        lastInner = message.offset;
        pos = end;
      }
    });
    const delta = wrapper.magic === 0 ? 0 : wrapper.offset - lastInner;
    const logAppendTime = wrapper.magic === 1 && wrapper.attributes & TIMESTAMP_TYPE_LOG_APPEND ? wrapper.timestamp : undefined;
    return new MessageRecords(ctx, inner, 0, inner.length, delta, logAppendTime)[Symbol.iterator]();
  }
}

function legacyBatch(baseOffset: number, lastOffset: number, codec: number, records: Iterable<KafkaRecord>): RecordBatch {
  return { baseOffset, lastOffset, producerId: -1, transactional: false, control: false, abortMarker: false, codec, records };
}

/**
 * The legacy messages from `pos` on, up to the first v2 batch or the end of the complete entries:
 * uncompressed runs become one batch each, every compressed message one batch. Returns where it stopped.
 */
export function decodeLegacyMessages(ctx: DecodeContext, buf: Buffer, pos: number, end: number, into: RecordBatch[]): number {
  const message = newMessage();
  let runStart = -1;
  let runFirst = 0;
  let runLast = 0;
  const closeRun = (at: number) => {
    if (runStart >= 0) into.push(legacyBatch(runFirst, runLast, 0, new MessageRecords(ctx, buf, runStart, at, 0, undefined)));
    runStart = -1;
  };
  while (pos < end) {
    const messageEndAt = messageEnd(buf, pos, end);
    if (messageEndAt < 0 || buf.readInt8(pos + CRC_START) > 1) break;
    const offset = Number(buf.readBigInt64BE(pos));
    asCorrupt(ctx, offset, () => readMessage(ctx, buf, pos, messageEndAt, offset, message));
    const codec = message.attributes & COMPRESSION_MASK;
    if (codec === 0) {
      if (runStart < 0) {
        runStart = pos;
        runFirst = offset;
      }
      runLast = offset;
    } else {
      closeRun(pos);
      // The wrapper's offset is its last inner message's; the first is not known before decompressing.
      into.push(legacyBatch(-1, offset, codec, new WrappedRecords(ctx, { ...message }, codec)));
    }
    pos = messageEndAt;
  }
  closeRun(pos);
  return pos;
}

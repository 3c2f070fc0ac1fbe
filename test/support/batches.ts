// Kafka record sets built by independent encoders, for tests of the product's decoders: v2 batches by
// kafkajs's RecordBatch encoder (its own CRC-32C), legacy messages by kafkajs's Message v0/v1 encoders
// (their own CRC-32), compressed by reference or third-party compressors (node:zlib, lz4js, snappyjs and
// the reference zstd library's compressor).
import { gzipSync } from 'node:zlib';
import LZ4 from 'lz4js';
import SnappyJS from 'snappyjs';
import { xxh32 } from '../../src/kafka/codecs/lz4';
import { loadZstd } from '../../src/kafka/codecs/zstd';

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const MessageProtocol = require('kafkajs/src/protocol/message');
const { Codecs } = require('kafkajs/src/protocol/message/compression');
const Long = require('kafkajs/src/utils/long');
const crc32 = require('kafkajs/src/protocol/crc32');

export const GZIP = 1;
export const SNAPPY = 2;
export const LZ4_CODEC = 3;
export const ZSTD = 4;

let zstdCompress: ((data: Buffer, level: number) => Uint8Array) | undefined;

/** The compressors; zstd's needs its WebAssembly module, which the product's loader compiles. */
export async function compressors(): Promise<Record<number, (data: Buffer) => Buffer>> {
  await loadZstd();
  zstdCompress ??= require('@bokuweb/zstd-wasm').compress;
  return {
    [GZIP]: (data) => gzipSync(data),
    [SNAPPY]: (data) => Buffer.from(SnappyJS.compress(data)),
    [LZ4_CODEC]: (data) => independentBlocks(Buffer.from(LZ4.compress(data))),
    [ZSTD]: (data) => Buffer.from(zstdCompress!(data, 3)),
  };
}

/**
 * lz4js leaves the frame's block-independence flag unset, which Kafka refuses; below its 4 MiB block size
 * a frame is one block, so setting the flag (and the header checksum again) describes it truthfully.
 */
export function independentBlocks(frame: Buffer): Buffer {
  if (frame.length > 4 * 1024 * 1024) throw new Error('lz4js frames over one block may link their blocks');
  frame[4] = frame[4]! | 0x20;
  const end = 6 + (frame[4]! & 0x08 ? 8 : 0);
  frame[end] = (xxh32(frame, 4, end) >>> 8) & 0xff;
  return frame;
}

/** Java's snappy framing (xerial): a magic header, then length-prefixed raw blocks of 32 KiB of input. */
export function xerialSnappy(data: Buffer, blockBytes = 32 * 1024): Buffer {
  const parts: Buffer[] = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += blockBytes) {
    const block = Buffer.from(SnappyJS.compress(data.subarray(at, at + blockBytes)));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

export interface TestRecord {
  value: Buffer | string | null;
  key?: Buffer | string | null;
  timestamp?: number;
  headers?: Record<string, Buffer | string>;
}

const bytes = (v: Buffer | string | null | undefined) => (v === undefined || v === null ? null : Buffer.from(v));

/** A v2 batch; `compress` (when given) turns the encoded records into the batch payload. */
export async function v2Batch(firstOffset: number, records: TestRecord[], codec = 0, compress?: (data: Buffer) => Buffer): Promise<Buffer> {
  const base = records[0]?.timestamp ?? 1700000000000;
  if (codec !== 0) Codecs[codec] = () => ({ compress: async (encoder: { buffer: Buffer }) => compress!(encoder.buffer) });
  const encoded = await RecordBatch({
    compression: codec,
    firstOffset: Long.fromNumber(firstOffset),
    firstTimestamp: base,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp ?? base)),
    lastOffsetDelta: records.length - 1,
    records: records.map((r, i) => Record({ offsetDelta: i, timestampDelta: (r.timestamp ?? base) - base, key: bytes(r.key), value: bytes(r.value), headers: r.headers ?? {} })),
  });
  return encoded.buffer;
}

/** One legacy message (magic 0 or 1) with its offset and size framing. */
export function legacyMessage(magic: 0 | 1, offset: number, record: TestRecord, attributes = 0): Buffer {
  const Message = MessageProtocol({ version: magic });
  const message = Message({ compression: attributes, timestamp: record.timestamp ?? 1700000000000, key: bytes(record.key), value: bytes(record.value) }).buffer as Buffer;
  if (attributes & ~0x07) {
    // kafkajs writes the codec bits only: set the timestamp type too, and checksum again.
    message[5] = attributes;
    message.writeUInt32BE(crc32({ buffer: message.subarray(4) }) >>> 0, 0);
  }
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(BigInt(offset));
  head.writeInt32BE(message.length, 8);
  return Buffer.concat([head, message]);
}

/**
 * A compressed legacy message: `records` as an inner message set, compressed, in one wrapper whose offset
 * is the last inner one. Inner offsets are relative (0..n-1) in v1 and absolute in v0, as Kafka writes
 * them; `logAppendTime` sets the wrapper's timestamp type (v1).
 */
export function legacyWrapper(magic: 0 | 1, firstOffset: number, records: TestRecord[], codec: number, compress: (data: Buffer) => Buffer, logAppendTime?: number): Buffer {
  const inner = Buffer.concat(records.map((r, i) => legacyMessage(magic, magic === 1 ? i : firstOffset + i, r)));
  const lastOffset = firstOffset + records.length - 1;
  const timestamp = logAppendTime ?? Math.max(...records.map((r) => r.timestamp ?? 1700000000000));
  return legacyMessage(magic, lastOffset, { value: compress(inner), timestamp }, codec | (logAppendTime !== undefined ? 0x08 : 0));
}

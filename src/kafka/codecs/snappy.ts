// Snappy (https://github.com/google/snappy/blob/main/format_description.txt) decoded into the reused
// output buffer, in both framings Kafka producers use: raw (librdkafka) and xerial's blocks (the Java
// client: a magic header, then length-prefixed raw blocks). Our own decoder, for the reason lz4.ts gives.
import { CorruptDataError, OutputFullError, type OutputBuffer } from './output';

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_BYTES = 16;
const SHORT_COPY = 24;

function isXerial(src: Uint8Array): boolean {
  if (src.length < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (src[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** The uncompressed length a raw block starts with (a varint), and where its data begins. */
function rawLength(src: Uint8Array, start: number, end: number): [length: number, dataStart: number] {
  let length = 0;
  let s = start;
  for (let shift = 0; ; shift += 7) {
    if (s >= end || shift > 28) throw new CorruptDataError('snappy: bad length header');
    const b = src[s++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [length, s];
  }
}

/**
 * Decodes raw snappy data src[start, end) into dst at `at`; returns the end of the output. Copies go 8
 * bytes at a time while there is room to overshoot, as in lz4.ts.
 */
function decodeRaw(src: Uint8Array, start: number, end: number, dst: Buffer, at: number, length: number): number {
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  let s = start;
  let d = at;
  const dstEnd = at + length;
  const room = dst.length;
  const srcEnd = src.length;
  if (dstEnd > room) throw new OutputFullError('snappy');
  while (s < end) {
    const tag = src[s++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        if (s + bytes > end) throw new CorruptDataError('snappy: truncated literal length');
        n = 0;
        for (let i = 0; i < bytes; i++) n += src[s + i]! * 2 ** (8 * i);
        s += bytes;
      }
      n += 1;
      if (s + n > end || d + n > dstEnd) throw new CorruptDataError('snappy: literal runs past the block');
      if (n <= 64 && d + n + 8 <= room && s + n + 8 <= srcEnd) {
        for (let i = 0; i < n; i += 8) {
          dv.setUint32(d + i, sv.getUint32(s + i));
          dv.setUint32(d + i + 4, sv.getUint32(s + i + 4));
        }
      } else if (n < SHORT_COPY) {
        for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
      } else {
        dst.set(src.subarray(s, s + n), d);
      }
      s += n;
      d += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      if (s >= end) throw new CorruptDataError('snappy: truncated copy');
      n = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[s++]!;
    } else if (kind === 2) {
      if (s + 2 > end) throw new CorruptDataError('snappy: truncated copy');
      n = 1 + (tag >>> 2);
      offset = src[s]! | (src[s + 1]! << 8);
      s += 2;
    } else {
      if (s + 4 > end) throw new CorruptDataError('snappy: truncated copy');
      n = 1 + (tag >>> 2);
      offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
      s += 4;
    }
    if (offset === 0 || offset > d - at) throw new CorruptDataError(`snappy: copy offset ${offset} before the start of the block`);
    if (d + n > dstEnd) throw new CorruptDataError('snappy: copy runs past the block');
    const from = d - offset;
    if (offset >= 8 && d + n + 8 <= room) {
      for (let i = 0; i < n; i += 8) {
        dv.setUint32(d + i, dv.getUint32(from + i));
        dv.setUint32(d + i + 4, dv.getUint32(from + i + 4));
      }
    } else {
      for (let i = 0; i < n; i++) dst[d + i] = dst[from + i]!;
    }
    d += n;
  }
  if (d !== dstEnd) throw new CorruptDataError(`snappy: block declares ${length} bytes but holds ${d - at}`);
  return d;
}

/** Decodes a snappy-compressed Kafka payload, raw or xerial-framed, into `out`. */
export function decodeSnappy(src: Uint8Array, out: OutputBuffer): Buffer {
  if (!isXerial(src)) {
    const [length, dataStart] = rawLength(src, 0, src.length);
    const dst = out.reserve(length);
    decodeRaw(src, dataStart, src.length, dst, 0, length);
    return dst.subarray(0, length);
  }
  // Sizes first (each block's varint header), so the output is reserved once.
  let total = 0;
  for (let pos = XERIAL_HEADER_BYTES; pos < src.length; ) {
    const size = blockSize(src, pos);
    total += rawLength(src, pos + 4, pos + 4 + size)[0];
    pos += 4 + size;
  }
  const dst = out.reserve(total);
  let d = 0;
  for (let pos = XERIAL_HEADER_BYTES; pos < src.length; ) {
    const size = blockSize(src, pos);
    const [length, dataStart] = rawLength(src, pos + 4, pos + 4 + size);
    d = decodeRaw(src, dataStart, pos + 4 + size, dst, d, length);
    pos += 4 + size;
  }
  return dst.subarray(0, d);
}

function blockSize(src: Uint8Array, pos: number): number {
  if (pos + 4 > src.length) throw new CorruptDataError('snappy: truncated xerial block header');
  const size = ((src[pos]! << 24) | (src[pos + 1]! << 16) | (src[pos + 2]! << 8) | src[pos + 3]!) >>> 0;
  if (pos + 4 + size > src.length) throw new CorruptDataError('snappy: truncated xerial block');
  return size;
}

// LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) decoded into the reused output
// buffer. Kafka writes one frame per batch; librdkafka links its blocks (a match may reach into the
// previous block), which decoding every block into one contiguous output allows. The block decoder is our
// own: the libraries measured (bench/codec-candidates.ts) either allocate their output per call or decode
// only the block format, and an allocation per batch piles up outside V8's heap.
import { CorruptDataError, DecompressedSizeError, OutputFullError, type OutputBuffer } from './output';

const MAGIC = 0x184d2204;
const BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
/** Below this, a byte loop beats a native copy call. */
const SHORT_COPY = 24;

/**
 * Decodes one LZ4 block from src[start, end) into dst at `at`; returns the new end of the output. The
 * caller has reserved room for a whole block; a block that tries to write past `dst.length` throws
 * OutputFullError. Copies go 8 bytes at a time through DataViews while there is room to overshoot (the
 * next sequence overwrites the excess), the way the reference decoder's wild copies do: a byte loop
 * costs about as much per byte as the whole native decoder.
 */
export function decodeLz4Block(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  let s = start;
  let d = at;
  const dstEnd = dst.length;
  const srcEnd = src.length;
  while (s < end) {
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= end) throw new CorruptDataError('lz4: truncated literal length');
        b = src[s++]!;
        literals += b;
      } while (b === 255);
    }
    if (s + literals > end) throw new CorruptDataError('lz4: literals run past the block');
    if (d + literals > dstEnd) throw new OutputFullError('lz4');
    if (literals > 0) {
      if (d + literals + 8 <= dstEnd && s + literals + 8 <= srcEnd && literals <= 64) {
        for (let i = 0; i < literals; i += 8) {
          dv.setUint32(d + i, sv.getUint32(s + i));
          dv.setUint32(d + i + 4, sv.getUint32(s + i + 4));
        }
      } else if (literals < SHORT_COPY) {
        for (let i = 0; i < literals; i++) dst[d + i] = src[s + i]!;
      } else {
        dst.set(src.subarray(s, s + literals), d);
      }
      s += literals;
      d += literals;
    }
    if (s >= end) break; // the last sequence is literals only
    if (s + 2 > end) throw new CorruptDataError('lz4: truncated match offset');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    let length = (token & 15) + 4;
    if (length === 19) {
      let b: number;
      do {
        if (s >= end) throw new CorruptDataError('lz4: truncated match length');
        b = src[s++]!;
        length += b;
      } while (b === 255);
    }
    if (offset === 0 || offset > d) throw new CorruptDataError(`lz4: match offset ${offset} before the start of the output`);
    if (d + length > dstEnd) throw new OutputFullError('lz4');
    const from = d - offset;
    if (offset >= 8 && d + length + 8 <= dstEnd && length <= 64) {
      // Reads stay 8 bytes behind the writes, so each 8-byte step copies bytes already final.
      for (let i = 0; i < length; i += 8) {
        dv.setUint32(d + i, dv.getUint32(from + i));
        dv.setUint32(d + i + 4, dv.getUint32(from + i + 4));
      }
    } else if (length >= SHORT_COPY && offset >= length) {
      dst.copyWithin(d, from, from + length);
    } else {
      // Overlapping matches repeat the last `offset` bytes: copied byte by byte, in order.
      for (let i = 0; i < length; i++) dst[d + i] = dst[from + i]!;
    }
    d += length;
  }
  return d;
}

/** xxHash32 (seed 0): LZ4 frames check their header with its second byte. */
export function xxh32(data: Uint8Array, start: number, end: number): number {
  const P1 = 2654435761;
  const P2 = 2246822519;
  const P3 = 3266489917;
  const P4 = 668265263;
  const P5 = 374761393;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const read32 = (i: number) => (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
  let i = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (P1 + P2) | 0;
    let v2 = P2;
    let v3 = 0;
    let v4 = -P1 | 0;
    const round = (v: number, x: number) => Math.imul(rotl((v + Math.imul(x, P2)) | 0, 13), P1);
    while (i + 16 <= end) {
      v1 = round(v1, read32(i));
      v2 = round(v2, read32(i + 4));
      v3 = round(v3, read32(i + 8));
      v4 = round(v4, read32(i + 12));
      i += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = P5;
  }
  h = (h + (end - start)) | 0;
  while (i + 4 <= end) {
    h = Math.imul(rotl((h + Math.imul(read32(i), P3)) | 0, 17), P4);
    i += 4;
  }
  while (i < end) {
    h = Math.imul(rotl((h + Math.imul(data[i]!, P5)) | 0, 11), P1);
    i++;
  }
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Decodes a whole LZ4 frame into `out`; returns the decompressed length. `brokenHeaderChecksum`: Kafka
 * before 0.10 computed the header checksum over the magic number too, and Kafka keeps writing it that way
 * for message format v0, so a v0 frame is accepted with either checksum.
 */
export function decodeLz4Frame(src: Uint8Array, out: OutputBuffer, brokenHeaderChecksum: boolean): Buffer {
  const end = src.length;
  if (end < 7 || (src[0]! | (src[1]! << 8) | (src[2]! << 16) | (src[3]! << 24)) >>> 0 !== MAGIC) throw new CorruptDataError('lz4: not an LZ4 frame (bad magic number)');
  const flags = src[4]!;
  if (flags >>> 6 !== 1) throw new CorruptDataError(`lz4: frame version ${flags >>> 6} is not 1`);
  const blockChecksums = (flags & 0x10) !== 0;
  const contentSizePresent = (flags & 0x08) !== 0;
  const dictionaryId = (flags & 0x01) !== 0;
  const blockMax = BLOCK_MAX_BYTES[(src[5]! >>> 4) & 7]!;
  if (blockMax === 0) throw new CorruptDataError('lz4: invalid block maximum size');
  let pos = 6;
  let contentSize = -1;
  if (contentSizePresent) {
    if (pos + 8 > end) throw new CorruptDataError('lz4: truncated frame header');
    contentSize = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + (src[pos + 3]! << 24 >>> 0) + (src[pos + 4]! | (src[pos + 5]! << 8) | (src[pos + 6]! << 16) | (src[pos + 7]! << 24)) * 2 ** 32;
    pos += 8;
  }
  if (dictionaryId) pos += 4;
  if (pos >= end) throw new CorruptDataError('lz4: truncated frame header');
  const checksum = src[pos]!;
  if (((xxh32(src, 4, pos) >>> 8) & 0xff) !== checksum && !(brokenHeaderChecksum && ((xxh32(src, 0, pos) >>> 8) & 0xff) === checksum)) {
    throw new CorruptDataError('lz4: frame header checksum mismatch');
  }
  pos++;
  let dst = out.reserve(contentSize >= 0 ? contentSize : blockMax);
  let d = 0;
  for (;;) {
    if (pos + 4 > end) throw new CorruptDataError('lz4: truncated block size');
    const word = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 0;
    pos += 4;
    if (word === 0) break; // end mark
    const size = word & 0x7fffffff;
    if (size > blockMax || pos + size > end) throw new CorruptDataError('lz4: block larger than the frame allows');
    if (d + blockMax > dst.length) dst = out.reserve(Math.min(d + blockMax, out.limit), d);
    if (word & 0x80000000) {
      if (d + size > dst.length) throw new DecompressedSizeError(Infinity, out.limit);
      dst.set(src.subarray(pos, pos + size), d);
      d += size;
    } else {
      // Decode into a view that ends where this block may end, so a corrupt block cannot run further.
      try {
        d = decodeLz4Block(src, pos, pos + size, dst.length > d + blockMax ? dst.subarray(0, d + blockMax) : dst, d);
      } catch (err) {
        // At the limit, a block that does not fit is a batch too large, not a corrupt one (its CRC passed).
        if (err instanceof OutputFullError && dst.length === out.limit) throw new DecompressedSizeError(Infinity, out.limit);
        throw err;
      }
    }
    pos += size + (blockChecksums ? 4 : 0);
  }
  if (contentSize >= 0 && d !== contentSize) throw new CorruptDataError(`lz4: frame declares ${contentSize} bytes but holds ${d}`);
  return dst.subarray(0, d);
}

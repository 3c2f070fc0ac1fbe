// LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) decoded into the reused output
// buffer. Kafka writes one frame per batch, always with independent blocks (its Java clients refuse any
// other), so each block decodes on its own: the frame is read here, each block by the reference liblz4
// compiled into our native addon (native.ts), which writes straight into the output buffer. Without the
// addon, by lz4-wasm-nodejs (lz4_flex in WebAssembly) through its module's exports (bindgen.ts), copied
// out. On kcat's 1 MiB frames of 64 KiB blocks (Node 18.15): liblz4 2.5 GB/s and 0.40 CPU-s per GiB,
// lz4_flex 1.5-1.6 GB/s and 0.64-0.79; the published native modules allocate their output per call,
// which piles up outside V8's heap (bench/codec-candidates.ts).
import { BindgenBytesFunction, thrownBy, type BindgenExports } from './bindgen';
import { DecoderChoice, nativeCodecs } from './native';
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

const MAGIC = 0x184d2204;
const BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

interface Lz4Glue {
  __wasm: BindgenExports & { decompress(retptr: number, ptr: number, len: number): void };
  decompress(input: Uint8Array): Uint8Array;
}

let wasmDecoder: BindgenBytesFunction | undefined;

/** Decodes the block src[start, end) into dst at `at`, exactly `size` bytes, or throws CorruptDataError. */
type BlockDecoder = (src: Uint8Array, start: number, end: number, size: number, dst: Buffer, at: number) => void;

/** The little-endian uint32 at src[i]: frame fields, block size words and xxHash input all read this way. */
const u32le = (src: Uint8Array, i: number) => (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;

/**
 * The exact decompressed size of the LZ4 block src[start, end), from its sequence headers alone (no bytes
 * copied): lz4_flex decodes a block only when told its size.
 */
export function lz4BlockSize(src: Uint8Array, start: number, end: number): number {
  let s = start;
  let size = 0;
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
    s += literals;
    size += literals;
    if (s >= end) break; // the last sequence is literals only
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
    size += length;
  }
  if (s > end) throw new CorruptDataError('lz4: literals run past the block');
  return size;
}

const nativeBlock: BlockDecoder = (src, start, end, size, dst, at) => {
  // All the room after `at`, not just `size`: given only `size`, liblz4 also holds the block to the
  // encoder's rule that its last match starts 12 bytes or more before the end, which lz4_flex never asked
  // of the blocks it decoded. The block's own count of bytes is checked here instead.
  const written = nativeCodecs()!.lz4DecodeBlock(src, start, end, dst, at, Math.min(dst.length, at + 0x7fffffff));
  if (written !== size) throw new CorruptDataError(written < 0 ? 'lz4: malformed block' : `lz4: a block of ${written} bytes where ${size} were expected`);
};

const wasmBlock: BlockDecoder = (src, start, end, size, dst, at) => {
  if (!wasmDecoder) {
    // Loaded on the first lz4 batch: its WebAssembly module compiles when it is required.
    const glue = require('lz4-wasm-nodejs') as Lz4Glue;
    wasmDecoder = new BindgenBytesFunction(glue.__wasm, (retptr, ptr, len) => glue.__wasm.decompress(retptr, ptr, len), (input) => thrownBy(glue.decompress, input));
  }
  let block: Uint8Array;
  try {
    // lz4_flex's size-prepended block: the size (little-endian uint32), then the block.
    block = wasmDecoder.run(4 + end - start, (memory, p) => {
      memory[p] = size & 0xff;
      memory[p + 1] = (size >>> 8) & 0xff;
      memory[p + 2] = (size >>> 16) & 0xff;
      memory[p + 3] = size >>> 24;
      memory.set(src.subarray(start, end), p + 4);
    });
  } catch (err) {
    throw new CorruptDataError(`lz4: ${(err as Error).message}`);
  }
  if (block.length !== size) throw new CorruptDataError(`lz4: a block of ${block.length} bytes where ${size} were expected`);
  dst.set(block, at);
};

const blockDecoder = new DecoderChoice(nativeBlock, wasmBlock);

/** For tests: decode blocks natively or in WebAssembly; true when the native addon is in use. */
export const useNativeLz4 = (native: boolean): boolean => blockDecoder.use(native);

/** xxHash32 (seed 0): LZ4 frames check their header with its second byte. */
export function xxh32(data: Uint8Array, start: number, end: number): number {
  const P1 = 2654435761;
  const P2 = 2246822519;
  const P3 = 3266489917;
  const P4 = 668265263;
  const P5 = 374761393;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const read32 = (i: number) => u32le(data, i);
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
  if (end < 7 || u32le(src, 0) !== MAGIC) throw new CorruptDataError('lz4: not an LZ4 frame (bad magic number)');
  const flags = src[4]!;
  if (flags >>> 6 !== 1) throw new CorruptDataError(`lz4: frame version ${flags >>> 6} is not 1`);
  if (!(flags & 0x20)) throw new CorruptDataError('lz4: a frame of dependent blocks, which Kafka does not write (its Java clients refuse them)');
  const blockChecksums = (flags & 0x10) !== 0;
  const contentSizePresent = (flags & 0x08) !== 0;
  const dictionaryId = (flags & 0x01) !== 0;
  const blockMax = BLOCK_MAX_BYTES[(src[5]! >>> 4) & 7]!;
  if (blockMax === 0) throw new CorruptDataError('lz4: invalid block maximum size');
  let pos = 6;
  let contentSize = -1;
  if (contentSizePresent) {
    if (pos + 8 > end) throw new CorruptDataError('lz4: truncated frame header');
    contentSize = u32le(src, pos) + u32le(src, pos + 4) * 2 ** 32;
    pos += 8;
  }
  if (dictionaryId) pos += 4;
  if (pos >= end) throw new CorruptDataError('lz4: truncated frame header');
  const checksum = src[pos]!;
  if (((xxh32(src, 4, pos) >>> 8) & 0xff) !== checksum && !(brokenHeaderChecksum && ((xxh32(src, 0, pos) >>> 8) & 0xff) === checksum)) {
    throw new CorruptDataError('lz4: frame header checksum mismatch');
  }
  pos++;
  if (contentSize > out.limit) throw new DecompressedSizeError(contentSize, out.limit);
  let dst = out.reserve(Math.min(out.limit, contentSize >= 0 ? contentSize : blockMax));
  let d = 0;
  for (;;) {
    if (pos + 4 > end) throw new CorruptDataError('lz4: truncated block size');
    const word = u32le(src, pos);
    pos += 4;
    if (word === 0) break; // end mark
    const size = word & 0x7fffffff;
    if (size > blockMax || pos + size > end) throw new CorruptDataError('lz4: block larger than the frame allows');
    const uncompressed = (word & 0x80000000) !== 0;
    const next = pos + size + (blockChecksums ? 4 : 0);
    // Every block but the last holds exactly the frame's block size (compressors fill blocks before they
    // write them); the last one's size is read from its sequences. A wrong guess (a compressor that
    // flushed a block early) makes lz4_flex refuse the block, and the exact size is read then.
    const last = next + 4 <= end && src[next] === 0 && src[next + 1] === 0 && src[next + 2] === 0 && src[next + 3] === 0;
    let blockBytes = uncompressed ? size : last || d + blockMax > out.limit ? lz4BlockSize(src, pos, pos + size) : blockMax;
    if (blockBytes > blockMax) throw new CorruptDataError(`lz4: a block of ${blockBytes} bytes in a frame of ${blockMax}-byte blocks`);
    // The block's size is known before it is decoded: the limit is checked first.
    if (d + blockBytes > out.limit) throw new DecompressedSizeError(Infinity, out.limit);
    if (d + blockBytes > dst.length) dst = out.reserve(Math.min(out.limit, Math.max(d + blockBytes, d + blockMax)), d);
    if (uncompressed) {
      dst.set(src.subarray(pos, pos + size), d);
      d += size;
    } else {
      const decode = blockDecoder.get();
      try {
        decode(src, pos, pos + size, blockBytes, dst, d);
      } catch (err) {
        const exact = lz4BlockSize(src, pos, pos + size);
        if (exact === blockBytes) throw err;
        blockBytes = exact;
        decode(src, pos, pos + size, blockBytes, dst, d);
      }
      d += blockBytes;
    }
    pos = next;
  }
  if (contentSize >= 0 && d !== contentSize) throw new CorruptDataError(`lz4: frame declares ${contentSize} bytes but holds ${d}`);
  return dst.subarray(0, d);
}

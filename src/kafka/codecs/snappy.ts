// Snappy in both framings Kafka producers use: raw (librdkafka) and xerial's blocks (the Java client: a
// magic header, then length-prefixed raw blocks). Blocks are decoded by snappy-wasm (the Rust `snap`
// crate in WebAssembly), through its module's exports (bindgen.ts): no allocation per batch on the
// JavaScript side, one copy into the reader's buffer. About 2.5x the CPU speed of a decoder
// of our own in JavaScript on 1 MB batches of log-like JSON (bench/codec-candidates.ts).
import { BindgenBytesFunction, thrownBy, type BindgenExports } from './bindgen';
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_BYTES = 16;

interface SnappyGlue {
  __wasm: BindgenExports & { decompress_raw(retptr: number, ptr: number, len: number): void };
  decompress_raw(input: Uint8Array): Uint8Array;
}

let decoder: BindgenBytesFunction | undefined;

/** Decodes one raw block; the result is a view into the module's memory, valid until the next call. */
function decodeBlock(src: Uint8Array): Uint8Array {
  if (!decoder) {
    // Loaded on the first snappy batch: its WebAssembly module compiles when it is required.
    const glue = require('snappy-wasm') as SnappyGlue;
    decoder = new BindgenBytesFunction(glue.__wasm, (retptr, ptr, len) => glue.__wasm.decompress_raw(retptr, ptr, len), (input) => thrownBy(glue.decompress_raw, input));
  }
  try {
    return decoder.run(src.length, (memory, at) => memory.set(src, at));
  } catch (err) {
    throw new CorruptDataError(`snappy: ${(err as Error).message}`);
  }
}

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

/** Decodes a snappy-compressed Kafka payload, raw or xerial-framed, into `out`. */
export function decodeSnappy(src: Uint8Array, out: OutputBuffer): Buffer {
  if (!isXerial(src)) {
    // The declared length is checked before the decoder allocates anything for it.
    const [length] = rawLength(src, 0, src.length);
    if (length > out.limit) throw new DecompressedSizeError(length, out.limit);
    const block = decodeBlock(src);
    if (block.length !== length) throw new CorruptDataError(`snappy: block declares ${length} bytes but holds ${block.length}`);
    // Copied out: the module's memory is shared by every reader in the process (see zstd.ts).
    const dst = out.reserve(length);
    dst.set(block);
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
    const block = decodeBlock(src.subarray(pos + 4, pos + 4 + size));
    if (d + block.length > total) throw new CorruptDataError('snappy: a block holds more than it declares');
    dst.set(block, d);
    d += block.length;
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

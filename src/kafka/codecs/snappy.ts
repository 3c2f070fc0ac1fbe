// Snappy in both framings Kafka producers use: raw (librdkafka) and xerial's blocks (the Java client: a
// magic header, then length-prefixed raw blocks). The framing is read here; each raw block is decoded by
// Google's reference snappy compiled into our native addon (native.ts), straight into the output buffer.
// Without the addon, by snappy-wasm (the Rust `snap` crate in WebAssembly) through its module's exports
// (bindgen.ts), copied out. On 1 MiB raw blocks of log-like JSON (Node 18.15): Google's snappy 1.3.1
// 1.8 GB/s and 0.55 CPU-s per GiB, snappy-wasm 1.1 GB/s and 0.95; snappy-wasm was itself 2.5x the CPU
// speed of a decoder of our own in JavaScript (bench/codec-candidates.ts).
import { BindgenBytesFunction, thrownBy, type BindgenExports } from './bindgen';
import { DecoderChoice, nativeCodecs } from './native';
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_BYTES = 16;

interface SnappyGlue {
  __wasm: BindgenExports & { decompress_raw(retptr: number, ptr: number, len: number): void };
  decompress_raw(input: Uint8Array): Uint8Array;
}

/** Decodes the raw block src[start, end) into dst at `at`, exactly `size` bytes, or throws CorruptDataError. */
type BlockDecoder = (src: Uint8Array, start: number, end: number, size: number, dst: Buffer, at: number) => void;

const nativeBlock: BlockDecoder = (src, start, end, size, dst, at) => {
  const written = nativeCodecs()!.snappyDecode(src, start, end, dst, at, at + size);
  if (written !== size) throw new CorruptDataError(written < 0 ? 'snappy: malformed block' : `snappy: a block of ${written} bytes where ${size} were declared`);
};

let wasmDecoder: BindgenBytesFunction | undefined;

const wasmBlock: BlockDecoder = (src, start, end, size, dst, at) => {
  if (!wasmDecoder) {
    // Loaded on the first snappy batch: its WebAssembly module compiles when it is required.
    const glue = require('snappy-wasm') as SnappyGlue;
    wasmDecoder = new BindgenBytesFunction(glue.__wasm, (retptr, ptr, len) => glue.__wasm.decompress_raw(retptr, ptr, len), (input) => thrownBy(glue.decompress_raw, input));
  }
  let block: Uint8Array;
  try {
    block = wasmDecoder.run(end - start, (memory, p) => memory.set(src.subarray(start, end), p));
  } catch (err) {
    throw new CorruptDataError(`snappy: ${(err as Error).message}`);
  }
  if (block.length !== size) throw new CorruptDataError(`snappy: a block of ${block.length} bytes where ${size} were declared`);
  // Copied out: the module's memory is shared by every reader in the process (see zstd.ts).
  dst.set(block, at);
};

const blockDecoder = new DecoderChoice(nativeBlock, wasmBlock);

/** For tests: decode blocks natively or in WebAssembly; true when the native addon is in use. */
export const useNativeSnappy = (native: boolean): boolean => blockDecoder.use(native);

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
  const decode = blockDecoder.get();
  if (!isXerial(src)) {
    // The declared length is checked before anything is reserved for it.
    const [length] = rawLength(src, 0, src.length);
    if (length > out.limit) throw new DecompressedSizeError(length, out.limit);
    const dst = out.reserve(length);
    decode(src, 0, src.length, length, dst, 0);
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
    const length = rawLength(src, pos + 4, pos + 4 + size)[0];
    decode(src, pos + 4, pos + 4 + size, length, dst, d);
    d += length;
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

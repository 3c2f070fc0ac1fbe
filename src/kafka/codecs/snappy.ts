// Snappy in both framings Kafka producers use: raw (librdkafka) and xerial's blocks (the Java client: a
// magic header, then length-prefixed raw blocks). Blocks are decoded by snappy-wasm (the Rust `snap`
// crate in WebAssembly), called through its module's own exports so that the output stays in the
// module's memory: no allocation or copy per batch on the JavaScript side (its public function copies
// every output into a new array). bench/codec-candidates.ts: about 2.5x the CPU speed of our own
// JavaScript decoder on 1 MB batches of log-like JSON.
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_BYTES = 16;

/** The wasm-bindgen exports of snappy-wasm 0.3.0 (pinned): `decompress_raw(&[u8]) -> Result<Vec<u8>>`. */
interface SnappyWasm {
  memory: { buffer: ArrayBuffer };
  decompress_raw(retptr: number, ptr: number, len: number): void;
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
}

interface SnappyGlue {
  __wasm: SnappyWasm;
  decompress_raw(input: Uint8Array): Uint8Array;
}

let glue: SnappyGlue | undefined;
/** The output of the previous call, freed by the next (a view into it is valid until then). */
let held: { ptr: number; len: number } | undefined;

/** Decodes one raw block; the result is a view into the module's memory, valid until the next call. */
function decodeBlock(src: Uint8Array): Uint8Array {
  // Loaded on the first snappy batch: its WebAssembly module compiles when it is required.
  glue ??= require('snappy-wasm') as SnappyGlue;
  const wasm = glue.__wasm;
  if (held) wasm.__wbindgen_free(held.ptr, held.len);
  held = undefined;
  const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
  try {
    // The input allocation passes to the Rust side, which frees it.
    const ptr = wasm.__wbindgen_malloc(src.length);
    new Uint8Array(wasm.memory.buffer).set(src, ptr);
    wasm.decompress_raw(retptr, ptr, src.length);
    const result = new Int32Array(wasm.memory.buffer, retptr, 4);
    const [outPtr, outLen, , failed] = [result[0]!, result[1]!, result[2]!, result[3]!];
    if (failed) throw new CorruptDataError(`snappy: ${failure(src)}`);
    held = { ptr: outPtr, len: outLen };
    return new Uint8Array(wasm.memory.buffer, outPtr, outLen);
  } finally {
    wasm.__wbindgen_add_to_stack_pointer(16);
  }
}

/** The decoder's own message, from its public function (which throws it). */
function failure(src: Uint8Array): string {
  try {
    glue!.decompress_raw(src);
  } catch (err) {
    return (err as Error).message;
  }
  return 'invalid data';
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
    return Buffer.from(block.buffer, block.byteOffset, block.length);
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

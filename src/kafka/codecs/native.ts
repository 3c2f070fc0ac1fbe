// The consumer's own native codecs (native/codecs.c: the decoders of liblz4, Google's snappy and libzstd
// behind N-API), compiled by scripts/build.mjs for linux-x64 with the machine's C and C++ compilers and shipped
// beside the bundle. Where it is absent (a build without compilers, another platform), the codecs decode in
// WebAssembly.
import { locateBuiltFile } from './locate';

export interface NativeCodecs {
  /** Decodes the LZ4 block src[srcStart, srcEnd) into dst[dstStart, dstEnd); the bytes written, or -1. */
  lz4DecodeBlock(src: Uint8Array, srcStart: number, srcEnd: number, dst: Uint8Array, dstStart: number, dstEnd: number): number;
  /** Decodes the raw snappy block src[srcStart, srcEnd) into dst[dstStart, dstEnd); the bytes written, or -1. */
  snappyDecode(src: Uint8Array, srcStart: number, srcEnd: number, dst: Uint8Array, dstStart: number, dstEnd: number): number;
  /** Decodes the zstd frames src[srcStart, srcEnd) into dst[dstStart, dstEnd); the bytes written, or minus libzstd's error code. */
  zstdDecode(src: Uint8Array, srcStart: number, srcEnd: number, dst: Uint8Array, dstStart: number, dstEnd: number): number;
  /** The size the first frame of src[srcStart, srcEnd) declares; -1 when none, -2 when not a frame. */
  zstdFrameContentSize(src: Uint8Array, srcStart: number, srcEnd: number): number;
  /** CRC-32C of src[srcStart, srcEnd); absent where the CPU lacks SSE 4.2. */
  crc32c?(src: Uint8Array, srcStart: number, srcEnd: number): number;
}

export const NATIVE_CODECS_FILE = 'codecs.linux-x64-gnu.node';

let loaded: NativeCodecs | null | undefined;

/** The addon, loaded on first use; undefined where there is none. */
export function nativeCodecs(): NativeCodecs | undefined {
  if (loaded === undefined) {
    const file = process.platform === 'linux' && process.arch === 'x64' ? locateBuiltFile(NATIVE_CODECS_FILE) : undefined;
    loaded = file ? (require(file) as NativeCodecs) : null;
  }
  return loaded ?? undefined;
}

/**
 * A codec's choice between its decoder on the native addon and its WebAssembly one: native wherever the
 * addon is, unless a test asks for the other.
 */
export class DecoderChoice<T> {
  private chosen: T | undefined;

  constructor(
    private readonly native: T,
    private readonly wasm: T,
  ) {}

  get(): T {
    return (this.chosen ??= nativeCodecs() ? this.native : this.wasm);
  }

  /** For tests: decode natively (where the addon is) or in WebAssembly; true when native. */
  use(native: boolean): boolean {
    this.chosen = native && nativeCodecs() ? this.native : this.wasm;
    return this.chosen === this.native;
  }
}

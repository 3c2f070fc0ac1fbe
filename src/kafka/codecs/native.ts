// The consumer's own native codecs (native/codecs.c: liblz4's block decoder behind N-API), compiled by
// scripts/build.mjs for linux-x64 with the machine's C compiler and shipped beside the bundle. Where it
// is absent (a build without a compiler, another platform), the codecs decode in WebAssembly.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeCodecs {
  /** Decodes the LZ4 block src[srcStart, srcEnd) into dst[dstStart, dstEnd); the bytes written, or -1. */
  lz4DecodeBlock(src: Uint8Array, srcStart: number, srcEnd: number, dst: Uint8Array, dstStart: number, dstEnd: number): number;
}

export const NATIVE_CODECS_FILE = 'codecs.linux-x64-gnu.node';

/** Beside the bundle (SCF), else the build's copy in dist/native above this file (tests, the CLI). */
function locate(): string | undefined {
  const beside = join(__dirname, NATIVE_CODECS_FILE);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const built = join(dir, 'dist', 'native', NATIVE_CODECS_FILE);
    if (existsSync(built)) return built;
  }
  return undefined;
}

let loaded: NativeCodecs | null | undefined;

/** The addon, loaded on first use; undefined where there is none. */
export function nativeCodecs(): NativeCodecs | undefined {
  if (loaded === undefined) {
    const file = process.platform === 'linux' && process.arch === 'x64' ? locate() : undefined;
    loaded = file ? (require(file) as NativeCodecs) : null;
  }
  return loaded ?? undefined;
}

// Checksums of record batches (CRC-32C, format v2) and messages (CRC-32, formats v0 and v1). CRC-32C
// comes from our native addon (native/crc32c.c: three streams of the crc32 instruction, 12-17 GB/s here)
// where it is, else from @node-rs/crc32 (one stream, 4-4.6 GB/s: 0.3 CPU-s per GiB of uncompressed
// batches), which also gives CRC-32. In the SCF package the addons lie beside index.js.
import { locateFile } from './codecs/locate';
import { nativeCodecs } from './codecs/native';

interface Crc32Binding {
  crc32(input: Uint8Array, initial?: number | null): number;
  crc32c(input: Uint8Array, initial?: number | null): number;
}

function load(): Crc32Binding {
  const file = process.platform === 'linux' && process.arch === 'x64' ? locateFile('crc32.linux-x64-gnu.node') : undefined;
  return require(file ?? '@node-rs/crc32') as Crc32Binding;
}

/** Loaded on the first checksum: a bundle that never reads records (the scheduler's) ships no addon. */
let binding: Crc32Binding | undefined;

/** The native CRC-32C, else undefined; looked up once. */
let fast: ((src: Uint8Array, start: number, end: number) => number) | null | undefined;

/** CRC-32C of data[start, end). */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  if (fast === undefined) fast = nativeCodecs()?.crc32c ?? null;
  if (fast) return fast(data, start, end);
  return (binding ??= load()).crc32c(data.subarray(start, end)) >>> 0;
}

export function crc32(data: Uint8Array): number {
  return (binding ??= load()).crc32(data) >>> 0;
}

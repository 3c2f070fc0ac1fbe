// Checksums of record batches (CRC-32C, format v2) and messages (CRC-32, formats v0 and v1), from
// @node-rs/crc32 (SIMD, several GB/s: a checksum costs a small fraction of reading the bytes). In the SCF
// package its linux-x64 addon lies beside index.js; elsewhere it comes from the package.
import { locateFile } from './codecs/locate';

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

export function crc32c(data: Uint8Array): number {
  return (binding ??= load()).crc32c(data) >>> 0;
}

export function crc32(data: Uint8Array): number {
  return (binding ??= load()).crc32(data) >>> 0;
}

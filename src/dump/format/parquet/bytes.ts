// Integer encodings written byte by byte into our buffers: cheaper than Buffer's checked writers on the
// per-row path, and shared by the level, snappy and value encoders.

/** Unsigned LEB128 varint of a 32-bit unsigned integer at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/** The low 32 bits of `n`, little-endian, at `at` (sign bits included for a negative int32). */
export function write32(out: Uint8Array, at: number, n: number): void {
  out[at] = n;
  out[at + 1] = n >>> 8;
  out[at + 2] = n >>> 16;
  out[at + 3] = n >>> 24;
}

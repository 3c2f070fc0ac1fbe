// Snappy compression (raw format: https://github.com/google/snappy/blob/main/format_description.txt),
// written straight into the caller's buffer. The algorithm is the reference compressor's: 64 KiB blocks,
// a hash table of 4-byte sequences, and lookups that step further apart the longer nothing matches, so
// incompressible data goes by quickly. Compressing into our own buffer means no allocation per page:
// the packaged codecs return a new buffer per call, which piles up outside V8's heap until a collection.
import { writeVarint } from './bytes';

const BLOCK_BYTES = 1 << 16;
/** The last bytes of a block are left as literals, so that 4-byte loads never read past the block. */
const INPUT_MARGIN = 15;
const MIN_MATCH_BLOCK = INPUT_MARGIN + 1;
const MAX_HASH_BITS = 14;

/** The reference implementation's worst case (MaxCompressedLength). */
export function snappyBound(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

const table = new Uint16Array(1 << MAX_HASH_BITS);



function emitLiteral(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const n = to - from - 1;
  if (n < 60) out[at++] = n << 2;
  else if (n < 0x100) {
    out[at++] = 60 << 2;
    out[at++] = n;
  } else if (n < 0x10000) {
    out[at++] = 61 << 2;
    out[at++] = n;
    out[at++] = n >>> 8;
  } else {
    out[at++] = 62 << 2;
    out[at++] = n;
    out[at++] = n >>> 8;
    out[at++] = n >>> 16;
  }
  if (n < 64) for (let i = from; i < to; i++) out[at++] = src[i]!;
  else {
    out.set(src.subarray(from, to), at);
    at += n + 1;
  }
  return at;
}

/** A copy of `length` bytes from `offset` back (offset < 65536 within a block). */
function emitCopy(offset: number, length: number, out: Uint8Array, at: number): number {
  // Copies longer than 64 are split; keeping each piece at 4 or more allows the 1-byte-offset form.
  while (length >= 68) {
    out[at++] = (63 << 2) | 2;
    out[at++] = offset;
    out[at++] = offset >>> 8;
    length -= 64;
  }
  if (length > 64) {
    out[at++] = (59 << 2) | 2;
    out[at++] = offset;
    out[at++] = offset >>> 8;
    length -= 60;
  }
  if (length < 12 && offset < 2048) {
    out[at++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
    out[at++] = offset;
  } else {
    out[at++] = 2 | ((length - 1) << 2);
    out[at++] = offset;
    out[at++] = offset >>> 8;
  }
  return at;
}

function hashBitsFor(blockLength: number): number {
  let bits = 8;
  while (bits < MAX_HASH_BITS && 1 << bits < blockLength) bits++;
  return bits;
}

/** Compresses src[start, end) (at most one block) into out at `at`; returns the end of the output. */
function compressBlock(src: Uint8Array, view: DataView, start: number, end: number, out: Uint8Array, at: number): number {
  let nextEmit = start;
  if (end - start >= MIN_MATCH_BLOCK) {
    const bits = hashBitsFor(end - start);
    const shift = 32 - bits;
    table.fill(0, 0, 1 << bits);
    const limit = end - INPUT_MARGIN;
    let ip = start + 1;
    let nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      // Look for a 4-byte match, stepping further apart while none is found.
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const hash = nextHash;
        const step = skip >> 5;
        skip += step;
        nextIp = ip + step;
        if (nextIp > limit) break outer;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
        nextHash = Math.imul(view.getInt32(nextIp, true), 0x1e35a7bd) >>> shift;
      } while (view.getInt32(ip, true) !== view.getInt32(candidate, true));

      at = emitLiteral(src, nextEmit, ip, out, at);
      // Emit copies for as long as the bytes right after a copy match again.
      let again: boolean;
      do {
        const from = ip;
        let matched = 4;
        // Four bytes at a time; where they differ, the lowest set bit of the XOR says how many matched.
        for (;;) {
          if (ip + matched + 4 > end) {
            while (ip + matched < end && src[candidate + matched] === src[ip + matched]) matched++;
            break;
          }
          const diff = view.getInt32(candidate + matched, true) ^ view.getInt32(ip + matched, true);
          if (diff !== 0) {
            matched += (31 - Math.clz32(diff & -diff)) >>> 3;
            break;
          }
          matched += 4;
        }
        ip += matched;
        at = emitCopy(from - candidate, matched, out, at);
        nextEmit = ip;
        if (ip >= limit) break outer;
        table[Math.imul(view.getInt32(ip - 1, true), 0x1e35a7bd) >>> shift] = ip - 1 - start;
        const hash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
        again = view.getInt32(ip, true) === view.getInt32(candidate, true);
      } while (again);
      ip++;
      nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < end) at = emitLiteral(src, nextEmit, end, out, at);
  return at;
}

/** Compresses `src` into `out` at `at` (snappyBound(src.length) bytes must be free); returns the compressed length. */
export function snappyCompress(src: Uint8Array, out: Uint8Array, at: number): number {
  const begin = at;
  at = writeVarint(out, at, src.length);
  const view = new DataView(src.buffer, src.byteOffset, src.length);
  for (let start = 0; start < src.length; start += BLOCK_BYTES) {
    at = compressBlock(src, view, start, Math.min(start + BLOCK_BYTES, src.length), out, at);
  }
  return at - begin;
}

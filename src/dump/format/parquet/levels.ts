// Repetition and definition levels as Parquet's RLE / bit-packing hybrid, the encoding V1 data pages
// use for levels (with a 4-byte little-endian length before it). Runs of eight or more equal levels
// (almost every page: keys, values and timestamps are rarely null) become one RLE run; the rest is
// bit-packed in groups of eight.
import { writeVarint } from './bytes';

/** Bit-packed runs are kept to 63 groups, as parquet-mr writes them: the run header stays one byte. */
const MAX_GROUPS = 63;

/**
 * Upper bound of the encoded bytes for `count` levels, length prefix included: an RLE run costs at most
 * 6 bytes for 8 or more values, a bit-packed group at most 1 header byte and 2 bytes for 8 values, and
 * the last, padded group at most 3 bytes for a single value.
 */
export function levelsBound(count: number): number {
  return 4 + count + 8;
}

/** Bits needed for levels up to `max`. */
export function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}


function runAt(levels: Uint8Array, i: number, count: number): number {
  const v = levels[i];
  let j = i + 1;
  while (j < count && levels[j] === v) j++;
  return j - i;
}

/** True when eight equal levels start at `i` (worth ending a bit-packed run for). */
function eightEqualAt(levels: Uint8Array, i: number, count: number): boolean {
  if (i + 8 > count) return false;
  const v = levels[i];
  for (let k = 1; k < 8; k++) if (levels[i + k] !== v) return false;
  return true;
}

/**
 * Writes `count` levels of `width` bits (1 or 2 here; at most 8) at `at` in `out`, length prefix first.
 * `out` must have levelsBound(count) bytes free. Returns the position after the last byte.
 */
export function writeLevels(levels: Uint8Array, count: number, width: number, out: Buffer, at: number): number {
  const start = at;
  at += 4;
  let i = 0;
  while (i < count) {
    const run = runAt(levels, i, count);
    if (run >= 8) {
      at = writeVarint(out, at, run * 2);
      out[at++] = levels[i]!;
      i += run;
      continue;
    }
    let groups = 0;
    do {
      groups++;
      i += 8;
    } while (i < count && groups < MAX_GROUPS && !eightEqualAt(levels, i, count));
    at = writeVarint(out, at, groups * 2 + 1);
    // Values are packed from the least significant bit up; the final group is padded with zeros.
    let acc = 0;
    let bits = 0;
    for (let k = i - groups * 8; k < i; k++) {
      acc |= (k < count ? levels[k]! : 0) << bits;
      bits += width;
      while (bits >= 8) {
        out[at++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  }
  out.writeUInt32LE(at - start - 4, start);
  return at;
}

// JSON text written straight from bytes, with no string in between. A valid UTF-8 value becomes a JSON
// string by escaping '"', '\' and control characters exactly as JSON.stringify escapes the decoded string
// (valid UTF-8 decodes to no lone surrogates, the only other thing JSON.stringify escapes).
import type { ByteSink } from './format';

/** Extra bytes each byte takes once escaped: 1 for `\"`-style escapes, 5 for `\u00XX`, else 0. */
const EXTRA = new Uint8Array(256);
const SHORT: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x08: 0x62, 0x0c: 0x66, 0x0a: 0x6e, 0x0d: 0x72, 0x09: 0x74 };
for (let b = 0; b < 0x20; b++) EXTRA[b] = 5;
for (const b of Object.keys(SHORT)) EXTRA[Number(b)] = 1;
/** The letter after the backslash of a short escape, 0 for the rest. */
const SHORT_OF = new Uint8Array(256);
for (const [b, letter] of Object.entries(SHORT)) SHORT_OF[Number(b)] = letter;
const HEX = Buffer.from('0123456789abcdef');
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** Bytes of the JSON string for `bytes` (valid UTF-8), quotes included. */
export function jsonStringLength(bytes: Uint8Array): number {
  // The length read once: Node 18's V8 (SCF's runtime) re-read it every turn when the loop condition named
  // it, and ran this loop, and the one below, at a tenth of Node 20's speed.
  const n = bytes.length;
  let extra = 0;
  for (let i = 0; i < n; i++) extra += EXTRA[bytes[i]!]!;
  return n + extra + 2;
}

/**
 * Escaped bytes are gathered here and handed to the sink a chunk at a time. Appending each unescaped run
 * as its own view allocated a Buffer per run: JSON values escape a quote every few dozen bytes, and on log
 * lines that was 80 views a record, slowing `jsonl` to a fifth of `lines` and holding their garbage.
 */
const CHUNK_BYTES = 64 * 1024;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES + 6);

/** Writes the JSON string for `bytes` (valid UTF-8); `length` is what jsonStringLength said. */
export function writeJsonString(bytes: Buffer, length: number, sink: ByteSink): void {
  sink.appendByte(QUOTE);
  if (length === bytes.length + 2) {
    sink.append(bytes);
  } else {
    let at = 0;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      // An escape takes at most 6 bytes: flush before one could pass the chunk's end.
      if (at >= CHUNK_BYTES) {
        sink.append(chunk.subarray(0, at));
        at = 0;
      }
      const b = bytes[i]!;
      if (EXTRA[b] === 0) {
        chunk[at++] = b;
        continue;
      }
      chunk[at++] = BACKSLASH;
      const short = SHORT_OF[b]!;
      if (short !== 0) {
        chunk[at++] = short;
      } else {
        chunk[at++] = 0x75; // u
        chunk[at++] = 0x30;
        chunk[at++] = 0x30;
        chunk[at++] = HEX[b >> 4]!;
        chunk[at++] = HEX[b & 15]!;
      }
    }
    if (at > 0) sink.append(chunk.subarray(0, at));
  }
  sink.appendByte(QUOTE);
}

const digits = new Uint8Array(24);

/** Puts the digits of a safe integer, as JSON.stringify writes it, at the end of `digits`; returns where they start. */
function integerDigits(n: number): number {
  let at = digits.length;
  let rest = Math.abs(n);
  do {
    digits[--at] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  if (n < 0) digits[--at] = 0x2d;
  return at;
}

/** Bytes of an integer as JSON.stringify writes it. */
export function integerLength(n: number): number {
  return Number.isSafeInteger(n) ? digits.length - integerDigits(n) : Buffer.byteLength(String(n));
}

/** Writes an integer as JSON.stringify writes it. */
export function writeInteger(n: number, sink: ByteSink): void {
  if (!Number.isSafeInteger(n)) return sink.append(Buffer.from(String(n)));
  for (let i = integerDigits(n); i < digits.length; i++) sink.appendByte(digits[i]!);
}

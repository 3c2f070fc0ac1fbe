// gzip (RFC 1952) through Node's own zlib, inflating straight into the reused output buffer. zlib's
// public sync API allocates a new output buffer per call (and concatenates chunks); those allocations pile
// up outside V8's heap (bench/codec-candidates.ts). So the header and trailer are read here and the
// deflate stream goes through the zlib handle that inflateRawSync itself drives (`_handle.writeSync`, the
// same in Node 18 to 22); where a runtime lacks it, inflateRawSync with the exact output size takes over.
// The gzip CRC-32 of the output is not recomputed: the batch checksum already covers the compressed bytes.
import * as zlib from 'node:zlib';
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const TRAILER_BYTES = 8;

interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

/** Where the deflate data of the gzip member at `start` begins. */
function memberDataStart(src: Uint8Array, start: number): number {
  if (src.length - start < 10 + TRAILER_BYTES || src[start] !== 0x1f || src[start + 1] !== 0x8b) throw new CorruptDataError('gzip: not a gzip stream (bad magic number)');
  if (src[start + 2] !== 8) throw new CorruptDataError(`gzip: compression method ${src[start + 2]} is not deflate`);
  const flags = src[start + 3]!;
  let pos = start + 10;
  if (flags & FEXTRA) pos += 2 + (src[pos]! | (src[pos + 1]! << 8));
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (pos < src.length && src[pos] !== 0) pos++;
    pos++;
  }
  if (flags & FHCRC) pos += 2;
  if (pos > src.length - TRAILER_BYTES) throw new CorruptDataError('gzip: truncated header');
  return pos;
}

class Inflater {
  private readonly stream = new zlib.InflateRaw() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
  private readonly handle: ZlibHandle;
  private readonly state: Uint32Array;
  private failure: string | undefined;

  constructor() {
    // Not instanceof: under a test runner's VM context, Node's own Uint32Array is another realm's.
    const state = this.stream._writeState;
    if (typeof this.stream._handle?.writeSync !== 'function' || !ArrayBuffer.isView(state) || state.length !== 2) throw new Error('zlib handle not available');
    this.handle = this.stream._handle;
    this.state = state;
    this.handle.onerror = (message) => {
      this.failure = message;
    };
  }

  /**
   * Inflates src[start, end) into the output from `at`; returns [end of output, unread input]. The
   * member's trailer follows its deflate data, so input left unread is how the member's end shows.
   */
  inflate(src: Uint8Array, start: number, end: number, out: OutputBuffer, at: number, sizeHint: number): [number, number] {
    this.handle.reset();
    this.failure = undefined;
    // One byte more than the hint: a full output would otherwise look like "more to come".
    let dst = out.reserve(Math.min(out.limit, at + sizeHint + 1), at);
    let d = at;
    let s = start;
    for (;;) {
      this.handle.writeSync(zlib.constants.Z_FINISH, src, s, end - s, dst, d, dst.length - d);
      if (this.failure !== undefined) throw new CorruptDataError(`gzip: ${this.failure}`);
      const [outLeft, inLeft] = [this.state[0]!, this.state[1]!];
      const produced = dst.length - d - outLeft;
      s = end - inLeft;
      d += produced;
      if (outLeft > 0) return [d, inLeft];
      // Output full: more room, unless the limit is reached.
      if (dst.length >= out.limit) throw new DecompressedSizeError(Infinity, out.limit);
      dst = out.reserve(Math.min(out.limit, dst.length * 2), d);
    }
  }
}

let inflater: Inflater | null | undefined;

function inflaterOrNull(): Inflater | null {
  if (inflater === undefined) {
    try {
      inflater = new Inflater();
    } catch {
      inflater = null;
    }
  }
  return inflater;
}

/** For tests: run the portable path (inflateRawSync) instead of the zlib handle; true when the handle is in use. */
export function useZlibHandle(enabled: boolean): boolean {
  inflater = enabled ? undefined : null;
  return inflaterOrNull() !== null;
}

/** Decodes a gzip payload (one member or several, back to back) into `out`. */
export function decodeGzip(src: Uint8Array, out: OutputBuffer): Buffer {
  const fast = inflaterOrNull();
  let d = 0;
  let start = 0;
  while (start < src.length) {
    const dataStart = memberDataStart(src, start);
    // ISIZE, the member's length mod 2^32: the right size for any batch this consumer accepts.
    const isize = (src[src.length - 4]! | (src[src.length - 3]! << 8) | (src[src.length - 2]! << 16) | (src[src.length - 1]! << 24)) >>> 0;
    if (fast) {
      const [end, inLeft] = fast.inflate(src, dataStart, src.length, out, d, isize);
      d = end;
      if (inLeft < TRAILER_BYTES) throw new CorruptDataError('gzip: truncated trailer');
      start = src.length - inLeft + TRAILER_BYTES;
    } else {
      let inflated: Buffer;
      try {
        inflated = zlib.inflateRawSync(src.subarray(dataStart), { chunkSize: Math.max(64, Math.min(out.limit - d, isize) + 1), maxOutputLength: out.limit - d });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedSizeError(Infinity, out.limit);
        throw new CorruptDataError(`gzip: ${(err as Error).message}`);
      }
      out.reserve(d + inflated.length, d).set(inflated, d);
      d += inflated.length;
      // The portable path cannot tell where a member ends: a second member is not supported there.
      start = src.length;
    }
  }
  return out.reserve(d, d).subarray(0, d);
}

// A bounds-checked reader over a Kafka protocol buffer. Offsets are int64 on the wire; they are returned as
// numbers because every offset a partition can reach in practice is far below 2^53, and a larger one is
// refused rather than rounded.
import { viewBaseOf, viewOf, type ViewBase } from '../util/bytes';

export class TruncatedError extends Error {
  constructor(what: string) {
    super(`truncated Kafka data while reading ${what}`);
    this.name = 'TruncatedError';
  }
}

export class Cursor {
  private base: ViewBase | undefined;

  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  /** A view of buf[at, at + length), which need() has checked. */
  private view(at: number, length: number): Buffer {
    return viewOf((this.base ??= viewBaseOf(this.buf)), at, length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(bytes: number, what: string): number {
    const at = this.pos;
    if (bytes < 0 || at + bytes > this.end) throw new TruncatedError(what);
    this.pos = at + bytes;
    return at;
  }

  int8(what = 'int8'): number {
    return this.buf.readInt8(this.need(1, what));
  }

  int16(what = 'int16'): number {
    return this.buf.readInt16BE(this.need(2, what));
  }

  int32(what = 'int32'): number {
    return this.buf.readInt32BE(this.need(4, what));
  }

  uint32(what = 'uint32'): number {
    return this.buf.readUInt32BE(this.need(4, what));
  }

  int64(what = 'int64'): number {
    const value = this.buf.readBigInt64BE(this.need(8, what));
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError(`${what} ${value} is outside the range this consumer handles (±2^53)`);
    }
    return Number(value);
  }

  string(what = 'string'): string {
    const length = this.int16(what);
    if (length < 0) return '';
    const at = this.need(length, what);
    return this.buf.toString('utf8', at, at + length);
  }

  /** int32-length-prefixed bytes, as a view (no copy); null for length -1. */
  bytes(what = 'bytes'): Buffer | null {
    const length = this.int32(what);
    if (length < 0) return null;
    return this.view(this.need(length, what), length);
  }

  skip(bytes: number, what = 'bytes'): void {
    this.need(bytes, what);
  }

  /** Zig-zag varint (record fields). Records never need more than 32 bits here; varlongs use varlong(). */
  varint(what = 'varint'): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new TruncatedError(what);
      const byte = this.buf[this.pos++]!;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new RangeError(`${what}: varint longer than 5 bytes`);
    }
    return (result >>> 1) ^ -(result & 1);
  }

  /** Zig-zag varlong, as a number (timestamp deltas fit easily). */
  varlong(what = 'varlong'): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw new TruncatedError(what);
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
      multiplier *= 128;
      if (i >= 9) throw new RangeError(`${what}: varlong longer than 10 bytes`);
    }
    // Zig-zag without 32-bit operators: even is positive, odd is negative.
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  /** varint-length-prefixed bytes as a view; null for length -1. */
  varBytes(what = 'bytes'): Buffer | null {
    const length = this.varint(what);
    if (length < 0) return null;
    return this.view(this.need(length, what), length);
  }
}

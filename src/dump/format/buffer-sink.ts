// Formatted records collected in memory, in one growing buffer (verify renders whole objects with it).
import type { ByteSink } from './format';

export class BufferSink implements ByteSink {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  append(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  appendByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

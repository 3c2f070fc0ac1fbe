// The one buffer a partition's decompressed batches are written into, reused from batch to batch: every
// decompressed batch used to be a fresh allocation, and those piled up outside V8's heap faster than the
// garbage collector returned them (hundreds of MB on very compressible data). Its size is the consumer's
// bound on decompressed bytes held: a batch that needs more fails instead of growing it.

import { BufferPool } from '../../util/big-buffers';

export class DecompressedSizeError extends Error {
  constructor(
    readonly needed: number,
    readonly limit: number,
  ) {
    super(needed === Infinity ? `decompresses to more than ${limit} bytes` : `decompresses to ${needed} bytes`);
    this.name = 'DecompressedSizeError';
  }
}

/** Compressed data that does not decode: the batch's checksum passed, so it was written that way. */
export class CorruptDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptDataError';
  }
}

/** A decoder ran out of the room reserved for it: corrupt data, or at the limit, a batch too large. */
export class OutputFullError extends CorruptDataError {
  constructor(codec: string) {
    super(`${codec}: output longer than the data declares`);
    this.name = 'OutputFullError';
  }
}

const EMPTY = Buffer.alloc(0);

export class OutputBuffer {
  private buffer: Buffer;
  /** Where a consumer's reader got its buffer (pooled()), and gives it back (shelve()). */
  private pool: BufferPool | undefined;
  /** The most bytes one decompressed batch has needed: what this consumer held at once. */
  highWater = 0;

  /**
   * Reserved at the limit unless told less: pages never written take no memory, so a partition's buffer
   * costs what its largest batch wrote, while one grown step by step left each outgrown buffer resident
   * until a full collection (2, 4 and 8 MiB before a 15 MiB record's 16). A caller that knows the size
   * (verify, reading one object back) asks for it.
   */
  constructor(
    readonly limit: number,
    initialBytes = limit,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * A consumer's reader's buffer, from the process's pool: a reused SCF instance's next invocation takes it
   * back instead of reserving another while this one awaits a full collection.
   */
  static pooled(limit: number): OutputBuffer {
    const out = new OutputBuffer(limit, 0);
    out.pool = BufferPool.shared('decompression', limit, 2);
    out.buffer = out.pool.take();
    return out;
  }

  /** Gives a pooled buffer back once nothing reads from it (no record of it is in use); not used after. */
  shelve(): void {
    if (this.pool && this.buffer.length === this.pool.size) this.pool.give(this.buffer);
    this.buffer = EMPTY;
  }

  /** Bytes the buffer spans now (its pages take memory only once written). */
  get capacity(): number {
    return this.buffer.length;
  }

  /**
   * A buffer of at least `bytes`, keeping the first `keep` bytes already written (a decoder that learns the
   * size as it goes). Throws DecompressedSizeError past the limit.
   */
  reserve(bytes: number, keep = 0): Buffer {
    if (bytes > this.limit) throw new DecompressedSizeError(bytes, this.limit);
    if (bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(bytes, this.buffer.length * 2)));
      if (keep > 0) this.buffer.copy(grown, 0, 0, keep);
      this.buffer = grown;
    }
    return this.buffer;
  }

  /** Records that a batch of `bytes` now occupies the buffer. */
  used(bytes: number): void {
    if (bytes > this.highWater) this.highWater = bytes;
  }
}

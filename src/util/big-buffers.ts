// The large buffers the consumer allocates (part, fetch response, decompression): pooled, and counted by
// kind. They are meant to be few and reused, within an invocation and across the invocations of a reused
// SCF instance; the count is how tests hold that to account.
export type BigBufferKind = 'part' | 'response' | 'decompression';

const allocated: Record<BigBufferKind, number> = { part: 0, response: 0, decompression: 0 };

export function allocateBig(kind: BigBufferKind, bytes: number): Buffer {
  allocated[kind]++;
  return Buffer.allocUnsafe(bytes);
}

/** Large buffers allocated so far in this process, by kind. */
export function bigBuffersAllocated(): Readonly<Record<BigBufferKind, number>> {
  return { ...allocated };
}

/** Reuses buffers of one size: allocating 8 MiB per part would churn the heap at hundreds of MB/s. */
export class BufferPool {
  private static readonly byKindAndSize = new Map<string, BufferPool>();
  private free: Buffer[] = [];

  constructor(
    readonly size: number,
    private keep: number,
    private readonly kind: BigBufferKind = 'part',
  ) {}

  /**
   * The process's pool of `size`-byte buffers of a kind. A reused SCF instance's next invocation takes the
   * buffers the last one gave back, instead of allocating new ones while the old wait for a full collection.
   */
  static shared(kind: BigBufferKind, size: number, keep: number): BufferPool {
    const key = `${kind} ${size}`;
    let pool = BufferPool.byKindAndSize.get(key);
    if (!pool) BufferPool.byKindAndSize.set(key, (pool = new BufferPool(size, keep, kind)));
    pool.keep = Math.max(pool.keep, keep);
    return pool;
  }

  take(): Buffer {
    return this.free.pop() ?? allocateBig(this.kind, this.size);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}

// Counts the large buffers the consumer allocates (part, fetch response, decompression), by kind. They are
// meant to be few and reused, within an invocation and across the invocations of a reused SCF instance;
// the count is how tests hold that to account.
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

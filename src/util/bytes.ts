// The length and copy of byte arrays on the per-record path, through the built-ins themselves.
// TurboFan (V8 10.2 in SCF's Node.js 18, and 11.3 in Node.js 20) compiles `bytes.length` or `bytes.set`
// inside a function inlined into its caller as a generic property load: a call to V8's LoadIC stub per
// access, whatever the feedback says, where the same access in the outermost function is a field load.
// The writer's append path is all inlined functions, and these stubs were 7.5% of a dump's CPU in `perf`
// profiles. A built-in called through Function.prototype.call is lowered like the property itself.
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getter = (name: string) => Object.getOwnPropertyDescriptor(TypedArrayPrototype, name)!.get!;
const typedArrayLength = getter('length');
const typedArrayBuffer = getter('buffer');
const typedArrayByteOffset = getter('byteOffset');
const typedArraySet = Uint8Array.prototype.set;

/**
 * Node.js's own Buffer class (FastBuffer) is not exported, and Buffer#subarray, which makes its views,
 * reads `length`, `buffer` and `byteOffset` through the same LoadIC calls (2% of a dump's CPU in `perf`,
 * one view per record value). Its instances are Uint8Arrays whose prototype is Buffer.prototype; so are
 * this class's, which makes them Buffers in every way that counts (Buffer.isBuffer, every Buffer method).
 */
class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);

/** Where a buffer's bytes live, read once, so that views of it cost only their construction. */
export interface ViewBase {
  arrayBuffer: ArrayBuffer;
  byteOffset: number;
}

export function viewBaseOf(bytes: Uint8Array): ViewBase {
  return { arrayBuffer: typedArrayBuffer.call(bytes) as ArrayBuffer, byteOffset: typedArrayByteOffset.call(bytes) as number };
}

/** `buf.subarray(start, start + length)` for the buffer `base` was read from; the range is the caller's to check. */
export function viewOf(base: ViewBase, start: number, length: number): Buffer {
  return new BufferView(base.arrayBuffer, base.byteOffset + start, length) as unknown as Buffer;
}

/** `bytes.length`. */
export function byteCount(bytes: Uint8Array): number {
  return typedArrayLength.call(bytes) as number;
}

/**
 * Copies as much of `source[from..]` as fits into `target` at `at`, and returns how much that was. A view
 * is made only when `source` does not fit whole.
 */
export function copyFitting(target: Uint8Array, at: number, source: Buffer, from: number): number {
  const sourceBytes = byteCount(source);
  const n = Math.min(sourceBytes - from, byteCount(target) - at);
  typedArraySet.call(target, n === sourceBytes ? source : source.subarray(from, from + n), at);
  return n;
}

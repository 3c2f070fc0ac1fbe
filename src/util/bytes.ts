// The length and copy of byte arrays on the per-record path, through the built-ins themselves.
// TurboFan (V8 10.2 in SCF's Node.js 18, and 11.3 in Node.js 20) compiles `bytes.length` or `bytes.set`
// inside a function inlined into its caller as a generic property load: a call to V8's LoadIC stub per
// access, whatever the feedback says, where the same access in the outermost function is a field load.
// The writer's append path is all inlined functions, and these stubs were 7.5% of a dump's CPU in `perf`
// profiles. A built-in called through Function.prototype.call is lowered like the property itself.
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'length')!.get!;
const typedArraySet = Uint8Array.prototype.set;

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

// Byte-for-byte comparison of large buffers. jest's toEqual walks a Buffer element by element (seconds
// for a few MB); this compares natively and, on a mismatch, says where and shows the bytes around it.
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const show = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 20), at + 20).toString('latin1'));
  throw new Error(`bytes differ at offset ${at} (actual ${actual.length} bytes, expected ${expected.length}):\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
}

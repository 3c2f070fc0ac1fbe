import { byteCount, copyFitting } from '../../src/util/bytes';

describe('bytes', () => {
  it('counts the bytes of buffers, views of them and plain Uint8Arrays', () => {
    const whole = Buffer.from('0123456789');
    expect(byteCount(whole)).toBe(10);
    expect(byteCount(whole.subarray(3, 7))).toBe(4);
    expect(byteCount(Buffer.alloc(0))).toBe(0);
    expect(byteCount(new Uint8Array(new ArrayBuffer(16), 4, 5))).toBe(5);
  });

  it('refuses what is not a typed array, as the length getter does', () => {
    // A TypeError of the realm the built-in lives in, not jest's: compared by its message.
    expect(() => byteCount({ length: 3 } as unknown as Uint8Array)).toThrow(/incompatible receiver/);
  });

  it('copies a source that fits whole, and returns its length', () => {
    const target = Buffer.alloc(8, 0x2e);
    expect(copyFitting(target, 2, Buffer.from('abc'), 0)).toBe(3);
    expect(target.toString()).toBe('..abc...');
  });

  it('copies the part of the source that fits, from `from`, and leaves the rest of the target alone', () => {
    const target = Buffer.alloc(6, 0x2e);
    expect(copyFitting(target, 3, Buffer.from('abcdefgh'), 2)).toBe(3);
    expect(target.toString()).toBe('...cde');
    // The rest of the source, into the next buffer: what a value spanning two parts does.
    const next = Buffer.alloc(6, 0x2e);
    expect(copyFitting(next, 0, Buffer.from('abcdefgh'), 5)).toBe(3);
    expect(next.toString()).toBe('fgh...');
  });

  it('copies nothing into a full target or from a spent source', () => {
    const target = Buffer.alloc(4, 0x2e);
    expect(copyFitting(target, 4, Buffer.from('abc'), 0)).toBe(0);
    expect(copyFitting(target, 0, Buffer.from('abc'), 3)).toBe(0);
    expect(target.toString()).toBe('....');
  });
});

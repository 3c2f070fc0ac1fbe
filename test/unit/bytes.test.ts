import { byteCount, copyFitting, viewBaseOf, viewOf } from '../../src/util/bytes';

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

describe('viewOf', () => {
  it('makes Buffers over the same memory, as subarray does', () => {
    const whole = Buffer.from('..hello, world..').subarray(2, 14);
    const base = viewBaseOf(whole);
    const view = viewOf(base, 7, 5);
    expect(Buffer.isBuffer(view)).toBe(true);
    expect(view.toString('utf8')).toBe('world');
    expect(view.equals(whole.subarray(7, 12))).toBe(true);
    expect(view.readUInt8(0)).toBe(0x77);
    // Shared memory: a write through the view shows in the buffer it was made from.
    view[0] = 0x57;
    expect(whole.toString()).toBe('hello, World');
    expect(viewOf(base, 0, 0).length).toBe(0);
  });

  it('makes views whose own views and copies are ordinary Buffers', () => {
    const view = viewOf(viewBaseOf(Buffer.from('abcdef')), 1, 4);
    expect(view.subarray(1, 3).toString()).toBe('cd');
    expect(Buffer.concat([view, Buffer.from('!')]).toString()).toBe('bcde!');
    expect(JSON.stringify(view)).toBe(JSON.stringify(Buffer.from('bcde')));
  });
});

import { OutputBuffer } from '../../src/kafka/codecs/output';

describe('OutputBuffer across readers', () => {
  it('gives a shelved buffer to the next reader of its size, and never one buffer to two live readers', () => {
    const size = 3 * 1024 * 1024 + 17;
    const first = OutputBuffer.pooled(size);
    const second = OutputBuffer.pooled(size);
    const a = first.reserve(10);
    const b = second.reserve(10);
    expect(a.buffer).not.toBe(b.buffer);

    first.shelve();
    // The shelved reader holds nothing any more: its buffer now belongs to whoever takes it.
    expect(first.capacity).toBe(0);
    const third = OutputBuffer.pooled(size);
    expect(third.reserve(10)).toBe(a);
    // Another size does not take it.
    second.shelve();
    const other = OutputBuffer.pooled(size + 1);
    expect(other.reserve(10)).not.toBe(b);
    expect(OutputBuffer.pooled(size).reserve(10)).toBe(b);
  });
});

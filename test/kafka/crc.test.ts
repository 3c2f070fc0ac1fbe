// CRC-32C, the batch checksum: the addon's three-stream hardware code (native/crc32c.c) against
// @node-rs/crc32 and the published check value, over every length around its block boundaries and at
// every alignment; and the function the batch decoder calls, whichever of the two it picked.
import { randomBytes } from 'node:crypto';
import { crc32c as nodeRs } from '@node-rs/crc32';
import { nativeCodecs } from '../../src/kafka/codecs/native';
import { crc32c } from '../../src/kafka/crc';

const BLOCK = 4096; // native/crc32c.c: bytes per stream
const data = randomBytes(16 * BLOCK);
const reference = (start: number, end: number) => nodeRs(data.subarray(start, end)) >>> 0;

describe('CRC-32C', () => {
  it('gives the check value of "123456789" (0xe3069283)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(nodeRs(Buffer.from('123456789')) >>> 0).toBe(0xe3069283);
  });

  it('matches @node-rs/crc32 on lengths around the three-stream blocks, at every alignment', () => {
    const lengths = [0, 1, 7, 8, 9, 63, 3 * BLOCK - 1, 3 * BLOCK, 3 * BLOCK + 1, 3 * BLOCK + 8, 6 * BLOCK - 3, 6 * BLOCK, 15 * BLOCK + 99];
    for (let offset = 0; offset < 8; offset++) {
      for (const length of lengths) expect([offset, length, crc32c(data, offset, offset + length)]).toEqual([offset, length, reference(offset, offset + length)]);
    }
    for (let i = 0; i < 300; i++) {
      const start = Math.floor(Math.random() * 5000);
      const end = start + Math.floor(Math.random() * (data.length - start));
      expect(crc32c(data, start, end)).toBe(reference(start, end));
    }
  });

  it('is the addon hardware code on linux-x64 (SSE 4.2), which refuses ranges outside its buffer', () => {
    const native = nativeCodecs()?.crc32c;
    expect(native !== undefined).toBe(process.platform === 'linux' && process.arch === 'x64');
    if (!native) return;
    expect(native(data, 3, 3 * BLOCK + 11)).toBe(reference(3, 3 * BLOCK + 11));
    for (const args of [[data, 0, data.length + 1], [data, 9, 8], ['not bytes', 0, 1], [data, 0]]) {
      let thrown: unknown;
      try {
        (native as (...a: unknown[]) => number)(...args);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({ name: 'TypeError', message: 'crc32c(src, srcStart, srcEnd): bad arguments' });
    }
  });
});

// Page compressors checked against Arrow's own codecs (Google's snappy, zlib, zstd): whatever we compress,
// Arrow decompresses to the same bytes, and never beyond the bound rotation relies on.
import { pageCodec, type ParquetCompression } from '../../src/dump/format/parquet/codec';
import { loadZstd } from '../../src/kafka/codecs/zstd';
import { pyarrowDecompress } from '../support/pyarrow';

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Inputs that exercise a compressor's edges: empty, tiny, incompressible, runs, long matches, block boundaries. */
function inputs(): Buffer[] {
  const random = seeded(42);
  const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const text = (n: number) => {
    const words = ['user', 'order', '{"id":', '"status":"ok"', 'checkout', '\n', ' ', '0', '1234'];
    let s = '';
    while (s.length < n) s += words[Math.floor(random() * words.length)];
    return Buffer.from(s.slice(0, n));
  };
  const out = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('abcd'), Buffer.alloc(15, 1), Buffer.alloc(16, 1), Buffer.alloc(17, 2), noise(100), text(1000)];
  for (const n of [65535, 65536, 65537, 3 * 65536 + 5]) out.push(noise(n), text(n), Buffer.alloc(n, 0x61));
  // Matches longer than 64 bytes, at distances past 2 KiB and near 64 KiB.
  const unit = text(3000);
  out.push(Buffer.concat([unit, noise(60000), unit, unit]));
  out.push(Buffer.concat([text(1 << 20), noise(1 << 18), text(1 << 19)]));
  // Random mixtures of noise and repeats.
  for (let i = 0; i < 20; i++) {
    const pieces: Buffer[] = [];
    const size = Math.floor(random() * 200_000);
    let length = 0;
    while (length < size) {
      const r = random();
      const piece = r < 0.3 ? noise(1 + Math.floor(random() * 300)) : r < 0.6 && pieces.length > 0 ? pieces[Math.floor(random() * pieces.length)]! : text(1 + Math.floor(random() * 2000));
      pieces.push(piece);
      length += piece.length;
    }
    out.push(Buffer.concat(pieces));
  }
  return out;
}

beforeAll(() => loadZstd());

describe.each(['snappy', 'gzip', 'zstd'] as ParquetCompression[])('%s', (name) => {
  const codec = pageCodec(name);

  test('Arrow decompresses our output to the input, and the output stays within the bound', () => {
    const cases = inputs();
    const compressed = cases.map((input) => {
      const out = Buffer.alloc(codec.bound(input.length) + 16, 0xee);
      const length = codec.compress(input, out, 16);
      expect(length).toBeLessThanOrEqual(codec.bound(input.length));
      // Nothing is written outside [at, at + length).
      expect(out.subarray(0, 16).every((b) => b === 0xee)).toBe(true);
      expect(out.subarray(16 + length).every((b) => b === 0xee)).toBe(true);
      return { data: out.subarray(16, 16 + length), size: input.length };
    });
    const back = pyarrowDecompress(name, compressed);
    expect(back).toHaveLength(cases.length);
    cases.forEach((input, i) => {
      if (!back[i]!.equals(input)) throw new Error(`case ${i} (${input.length} bytes) did not round-trip`);
    });
  });

  test('growth() bounds how much bound() can grow, from any size', () => {
    const random = seeded(7);
    for (let i = 0; i < 10_000; i++) {
      const n = Math.floor(random() * 2 ** (1 + Math.floor(random() * 30)));
      const delta = Math.floor(random() * 2 ** (1 + Math.floor(random() * 26)));
      expect(codec.bound(n + delta) - codec.bound(n)).toBeLessThanOrEqual(codec.growth(delta));
    }
  });
});

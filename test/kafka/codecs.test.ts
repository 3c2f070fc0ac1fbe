// The codec decoders against independent compressors: every codec, both snappy framings, LZ4's linked
// blocks and old Kafka's broken header checksum, the decompression limit, and corrupt input.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CorruptDataError, DecompressedSizeError, decompress, OutputBuffer, prepareCodec } from '../../src/kafka/codecs';
import { useZlibHandle } from '../../src/kafka/codecs/gzip';
import { useNativeLz4, xxh32 } from '../../src/kafka/codecs/lz4';
import { useNativeSnappy } from '../../src/kafka/codecs/snappy';
import { nativeCodecs } from '../../src/kafka/codecs/native';
import { decodeZstd, loadZstd, useNativeZstd } from '../../src/kafka/codecs/zstd';
import { compressors, GZIP, LZ4_CODEC, SNAPPY, xerialSnappy, ZSTD } from '../support/batches';

const MiB = 1024 * 1024;

/** Log-like text (compresses a few times) followed by random bytes (does not). */
function sample(bytes: number, seed = 1): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `{"ts":${1700000000000 + i * seed},"level":"${['INFO', 'WARN'][i % 2]}","msg":"request ${i} took ${(i * 7919) % 1000} ms","trace":"${((i * 2654435761) >>> 0).toString(16)}"}\n`;
    lines.push(line);
    size += line.length;
  }
  const text = Buffer.from(lines.join('')).subarray(0, Math.floor(bytes * 0.9));
  return Buffer.concat([text, randomBytes(bytes - text.length)]);
}

let compress: Awaited<ReturnType<typeof compressors>>;
beforeAll(async () => {
  compress = await compressors();
  await prepareCodec(ZSTD);
  // The WebAssembly decoder too, which the native addon otherwise spares a reader.
  await loadZstd();
});

/** A codec's switch between the native addon's decoder and WebAssembly's; true when native. */
type UseNative = (enabled: boolean) => boolean;

/** Runs `tests` with a codec's native decoder and with its WebAssembly one (%s in the title names which). */
function onBothPaths(title: string, useNative: UseNative, tests: () => void): void {
  describe.each([
    ['native', true],
    ['WebAssembly', false],
  ])(title, (_name, native) => {
    beforeAll(() => expect(useNative(native)).toBe(native));
    afterAll(() => useNative(true));
    tests();
  });
}

// lz4 and snappy blocks and zstd frames decode through the native addon the build makes (dist/native) and
// through WebAssembly, their fallback: both are run.
describe.each<[string, number, [UseNative, boolean] | undefined]>([
  ['gzip', GZIP, undefined],
  ['snappy (raw), native blocks', SNAPPY, [useNativeSnappy, true]],
  ['snappy (raw), WebAssembly blocks', SNAPPY, [useNativeSnappy, false]],
  ['lz4, native blocks', LZ4_CODEC, [useNativeLz4, true]],
  ['lz4, WebAssembly blocks', LZ4_CODEC, [useNativeLz4, false]],
  ['zstd, native', ZSTD, [useNativeZstd, true]],
  ['zstd, WebAssembly', ZSTD, [useNativeZstd, false]],
])('%s', (_name, codec, blocks) => {
  beforeAll(() => {
    if (blocks) expect(blocks[0](blocks[1])).toBe(blocks[1]);
  });
  afterAll(() => blocks?.[0](true));

  it.each([0, 1, 100, 65536, 300_000, 3 * MiB])('gives back %d bytes exactly', (size) => {
    const data = sample(size, size + 1);
    const out = new OutputBuffer(16 * MiB);
    expect(decompress(codec, compress[codec]!(data), out).equals(data)).toBe(true);
  });

  it('gives back runs with short periods (overlapping copies) and long literals exactly', () => {
    const parts: Buffer[] = [];
    for (let period = 1; period <= 40; period++) {
      const unit = randomBytes(period);
      parts.push(Buffer.concat(Array.from({ length: Math.ceil(300 / period) + (period % 7) }, () => unit)), randomBytes(period * 13));
    }
    const data = Buffer.concat(parts);
    expect(decompress(codec, compress[codec]!(data), new OutputBuffer(16 * MiB)).equals(data)).toBe(true);
  });

  it('reuses one buffer: the second batch overwrites the first, and the high-water mark is the larger batch', () => {
    const out = new OutputBuffer(16 * MiB);
    const small = sample(10_000, 3);
    const large = sample(2 * MiB, 4);
    const first = decompress(codec, compress[codec]!(large), out);
    expect(first.equals(large)).toBe(true);
    const second = decompress(codec, compress[codec]!(small), out);
    expect(second.equals(small)).toBe(true);
    expect(out.highWater).toBe(large.length);
  });

  it('refuses a batch that decompresses past the limit, naming the limit', () => {
    const out = new OutputBuffer(1 * MiB);
    const data = Buffer.alloc(1 * MiB + 1, 'a');
    const err = (() => {
      try {
        decompress(codec, compress[codec]!(data), out);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DecompressedSizeError);
    expect((err as DecompressedSizeError).limit).toBe(MiB);
    expect(out.capacity).toBeLessThanOrEqual(MiB);
  });

  it('reports damaged data as corrupt, never as data', () => {
    const data = sample(200_000, 9);
    const compressed = compress[codec]!(data);
    const damaged = Buffer.from(compressed);
    // Truncation breaks every format's structure.
    expect(() => decompress(codec, damaged.subarray(0, Math.floor(damaged.length / 2)), new OutputBuffer(16 * MiB))).toThrow(CorruptDataError);
  });
});

describe('gzip', () => {
  it('decodes through the portable path too (where the zlib handle is missing)', () => {
    expect(useZlibHandle(false)).toBe(false);
    try {
      const data = sample(500_000, 5);
      expect(decompress(GZIP, gzipSync(data), new OutputBuffer(16 * MiB)).equals(data)).toBe(true);
    } finally {
      expect(useZlibHandle(true)).toBe(true);
    }
  });

  it('decodes several members back to back, and headers with a file name', () => {
    const a = sample(70_000, 6);
    const b = sample(30_000, 7);
    const named = gzipSync(b);
    // FNAME: set the flag and insert a zero-terminated name after the 10-byte header.
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([named[3]! | 0x08]), named.subarray(4, 10), Buffer.from('batch.txt\0'), named.subarray(10)]);
    expect(decompress(GZIP, Buffer.concat([gzipSync(a), withName]), new OutputBuffer(16 * MiB)).equals(Buffer.concat([a, b]))).toBe(true);
  });
});

onBothPaths('snappy in xerial framing (the Java client), %s blocks', useNativeSnappy, () => {

  it.each([1000, 32 * 1024, 100_000, 2 * MiB])('gives back %d bytes exactly', (size) => {
    const data = sample(size, size);
    expect(decompress(SNAPPY, xerialSnappy(data), new OutputBuffer(16 * MiB)).equals(data)).toBe(true);
  });

  it('refuses a block that holds fewer bytes than its header declares', () => {
    const framed = xerialSnappy(sample(1000, 2));
    // The block's varint length header (after the 16-byte stream header and the 4-byte block size):
    // 1000 is 0xe8 0x07; declaring 1001 leaves the block one byte short.
    expect([framed[20], framed[21]]).toEqual([0xe8, 0x07]);
    framed[20] = 0xe9;
    expect(() => decompress(SNAPPY, framed, new OutputBuffer(MiB))).toThrow(CorruptDataError);
  });

  it('refuses a stream whose blocks together pass the limit, before decoding them', () => {
    const framed = xerialSnappy(Buffer.alloc(3 * 32 * 1024, 'a'));
    expect(() => decompress(SNAPPY, framed, new OutputBuffer(2 * 32 * 1024))).toThrow(DecompressedSizeError);
  });
});

/**
 * The same frame without its content size, as streaming compressors (the Java client's) write it: the
 * header's size field goes, and a window descriptor of 1 MiB takes its place.
 */
function withoutContentSize(frame: Buffer): Buffer {
  const descriptor = frame[4]!;
  const singleSegment = (descriptor & 0x20) !== 0;
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
  const headerEnd = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + sizeBytes;
  // Frame_Header_Descriptor: no size field, not single-segment; checksum and dictionary flags kept.
  const header = Buffer.from([...frame.subarray(0, 4), descriptor & 0x07, (20 - 10) << 3]);
  return Buffer.concat([header, frame.subarray(5 + (singleSegment ? 0 : 1), 5 + (singleSegment ? 0 : 1) + dictionaryBytes), frame.subarray(headerEnd)]);
}

onBothPaths('zstd frames, %s decoder', useNativeZstd, () => {

  it('decodes a frame that does not declare its size, with room for the whole limit', () => {
    const data = sample(300_000, 11);
    const streamed = withoutContentSize(compress[ZSTD]!(data));
    // libzstd reads the rewritten header as a frame of unknown size.
    expect(nativeCodecs()?.zstdFrameContentSize(streamed, 0, streamed.length)).toBe(-1);
    const out = new OutputBuffer(MiB);
    expect(decompress(ZSTD, streamed, out).equals(data)).toBe(true);
    // Past the limit, such a frame is too large, not corrupt.
    expect(() => decompress(ZSTD, withoutContentSize(compress[ZSTD]!(sample(MiB + 1, 12))), new OutputBuffer(MiB))).toThrow(DecompressedSizeError);
  });

  it('decodes frames back to back in one pass when told their total size, and grows the room when not', () => {
    const a = sample(200_000, 13);
    const b = sample(100_000, 14);
    const frames = Buffer.concat([compress[ZSTD]!(a), compress[ZSTD]!(b)]);
    expect(decodeZstd(frames, new OutputBuffer(MiB, 1), a.length + b.length).equals(Buffer.concat([a, b]))).toBe(true);
    // Each frame declares only its own size: the room doubles until both fit.
    expect(decodeZstd(frames, new OutputBuffer(MiB, 1)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('decodes an empty frame followed by others (the first declares 0 bytes, the room still grows)', () => {
    const data = sample(100_000, 15);
    const frames = Buffer.concat([compress[ZSTD]!(Buffer.alloc(0)), compress[ZSTD]!(data)]);
    expect(decompress(ZSTD, frames, new OutputBuffer(MiB)).equals(data)).toBe(true);
  });

  it('refuses bytes that are not a zstd frame', () => {
    expect(() => decompress(ZSTD, Buffer.from('not a frame at all'), new OutputBuffer(MiB))).toThrow(/not a zstd frame/);
  });
});

describe('the native addon', () => {
  it.each(['lz4DecodeBlock', 'snappyDecode', 'zstdDecode'] as const)('%s refuses ranges outside its buffers with a TypeError, writing nothing', (name) => {
    const codecs = nativeCodecs();
    expect(codecs !== undefined).toBe(process.platform === 'linux' && process.arch === 'x64');
    if (!codecs) return;
    const src = Buffer.alloc(16, 1);
    const dst = Buffer.alloc(16, 7);
    for (const args of [
      [src, 0, 17, dst, 0, 16],
      [src, 8, 4, dst, 0, 16],
      [src, 0, 16, dst, 0, 17],
      [src, 0, 16, dst, -1, 16],
      [src, 0, 16, 'not bytes', 0, 16],
      [src, 0, 16, dst, 0],
    ]) {
      let thrown: unknown;
      try {
        (codecs[name] as (...a: unknown[]) => number)(...args);
      } catch (err) {
        thrown = err;
      }
      // Thrown by N-API in the addon's realm, not jest's: compared by name and message.
      expect(thrown).toMatchObject({ name: 'TypeError', message: `${name}(src, srcStart, srcEnd, dst, dstStart, dstEnd): bad arguments` });
    }
    expect(dst.equals(Buffer.alloc(16, 7))).toBe(true);
  });
});

describe.each<[string, UseNative]>([
  ['lz4', useNativeLz4],
  ['snappy', useNativeSnappy],
  ['zstd', useNativeZstd],
])('%s', (_name, useNative) => {
  it('decodes blocks with the native addon where the build made it (linux-x64)', () => {
    expect(useNative(true)).toBe(process.platform === 'linux' && process.arch === 'x64');
  });
});

onBothPaths('lz4 frames, %s blocks', useNativeLz4, () => {

  /** A frame header (64 KiB blocks, given flags) with its checksum computed the right or the broken way. */
  function header(flags: number, broken: boolean): Buffer {
    const h = Buffer.from([0x04, 0x22, 0x4d, 0x18, flags, 0x40, 0]);
    h[6] = (xxh32(h, broken ? 0 : 4, 6) >>> 8) & 0xff;
    return h;
  }
  const block = (bytes: number[], uncompressed = false) => {
    const size = Buffer.alloc(4);
    size.writeUInt32LE((bytes.length | (uncompressed ? 0x80000000 : 0)) >>> 0);
    return Buffer.concat([size, Buffer.from(bytes)]);
  };
  const END = Buffer.alloc(4);
  const INDEPENDENT = 0x60;
  // A stored block, then a compressed one: 'xyz', a match of 4 three bytes back, then the literals 'qrstu'
  // (the block format ends every block with at least 5 literals, and the reference decoder holds blocks to
  // it). Its match starts 9 bytes before the end, which liblz4's own encoder never writes: still decoded.
  const blocks = [block([...Buffer.from('abcdefgh')], true), block([0x30, ...Buffer.from('xyz'), 0x03, 0x00, 0x50, ...Buffer.from('qrstu')])];

  it('decodes a frame of several independent blocks, stored and compressed', () => {
    const frame = Buffer.concat([header(INDEPENDENT, false), ...blocks, END]);
    expect(decompress(LZ4_CODEC, frame, new OutputBuffer(MiB)).toString()).toBe('abcdefghxyzxyzxqrstu');
  });

  it('decodes a block flushed before it was full (not the last one, yet smaller than the block size)', () => {
    const frame = Buffer.concat([header(INDEPENDENT, false), blocks[1]!, blocks[0]!, blocks[1]!, END]);
    expect(decompress(LZ4_CODEC, frame, new OutputBuffer(MiB)).toString()).toBe('xyzxyzxqrstuabcdefghxyzxyzxqrstu');
  });

  it('refuses a frame of dependent blocks, which Kafka never writes', () => {
    const frame = Buffer.concat([header(0x40, false), ...blocks, END]);
    expect(() => decompress(LZ4_CODEC, frame, new OutputBuffer(MiB))).toThrow(/dependent blocks/);
  });

  it("accepts old Kafka's broken header checksum only for message format v0", () => {
    const frame = Buffer.concat([header(INDEPENDENT, true), ...blocks, END]);
    expect(decompress(LZ4_CODEC, frame, new OutputBuffer(MiB), true).toString()).toBe('abcdefghxyzxyzxqrstu');
    expect(() => decompress(LZ4_CODEC, frame, new OutputBuffer(MiB), false)).toThrow(/header checksum/);
  });

  it('refuses a match that points before the start of its block', () => {
    const frame = Buffer.concat([header(INDEPENDENT, false), block([0x14, 0x61, 0x09, 0x00, 0x50, ...Buffer.from('bcdef')]), END]);
    expect(() => decompress(LZ4_CODEC, frame, new OutputBuffer(MiB))).toThrow(CorruptDataError);
  });

  it('skips block checksums and checks the declared content size', () => {
    const withChecksums = Buffer.concat([header(INDEPENDENT | 0x10, false), block([...Buffer.from('abcd')], true), Buffer.alloc(4), END]);
    expect(decompress(LZ4_CODEC, withChecksums, new OutputBuffer(MiB)).toString()).toBe('abcd');
    const sized = Buffer.from([0x04, 0x22, 0x4d, 0x18, INDEPENDENT | 0x08, 0x40, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
    sized[14] = (xxh32(sized, 4, 14) >>> 8) & 0xff;
    expect(() => decompress(LZ4_CODEC, Buffer.concat([sized, block([...Buffer.from('abcd')], true), END]), new OutputBuffer(MiB))).toThrow(/declares 5 bytes but holds 4/);
  });
});

describe('xxHash32', () => {
  it('matches the reference values', () => {
    // Published test vectors of xxHash32 with seed 0.
    expect(xxh32(Buffer.from(''), 0, 0)).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'), 0, 1)).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'), 0, 3)).toBe(0x32d153ff);
    const long = Buffer.from('Nobody inspects the spammish repetition');
    expect(xxh32(long, 0, long.length)).toBe(0xe2293b2f);
  });
});

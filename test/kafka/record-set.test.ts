// Record sets as brokers return them: v2 batches in every codec, message formats v0 and v1 (plain and
// compressed wrappers), both in one fetch, damaged data, and batches over the decompression limit. The
// bytes come from independent encoders (test/support/batches.ts).
import { OutputBuffer } from '../../src/kafka/codecs';
import { xxh32 } from '../../src/kafka/codecs/lz4';
import { BatchTooLargeError, CorruptBatchError } from '../../src/kafka/errors';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { decodeRecordSet } from '../../src/kafka/record-set';
import { compressors, GZIP, legacyMessage, legacyWrapper, LZ4_CODEC, SNAPPY, v2Batch, xerialSnappy, ZSTD, type TestRecord } from '../support/batches';
import LZ4 from 'lz4js';

const MiB = 1024 * 1024;
const where = { topic: 'events', partition: 3 };

interface Plain {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

const plain = (r: KafkaRecord): Plain => ({
  offset: r.offset,
  timestamp: r.timestamp,
  key: r.key && r.key.toString('latin1'),
  value: r.value && r.value.toString('latin1'),
  headers: r.headers.map((h) => [h.key, h.value && h.value.toString('latin1')]),
});

function decodeAll(buf: Buffer, limit = 16 * MiB): Array<{ lastOffset: number; records: Plain[] }> {
  const { batches } = decodeRecordSet({ ...where, out: new OutputBuffer(limit) }, buf);
  // Records are one reused object, refilled: map each as it comes.
  return batches.map((b) => ({ lastOffset: b.lastOffset, records: Array.from(b.records, plain) }));
}

function records(count: number, base: number, timestamp = 1700000000000): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: i % 3 === 0 ? null : `k${base + i}`, value: i % 5 === 4 ? null : `value ${base + i} `.repeat(1 + (i % 7)), timestamp: timestamp + i * 10 }));
}

function expected(list: TestRecord[], firstOffset: number, timestamp?: (r: TestRecord) => number): Plain[] {
  return list.map((r, i) => ({ offset: firstOffset + i, timestamp: timestamp ? timestamp(r) : r.timestamp!, key: r.key === undefined ? null : (r.key as string | null), value: r.value as string | null, headers: [] }));
}

let compress: Awaited<ReturnType<typeof compressors>>;
beforeAll(async () => {
  compress = await compressors();
});

describe('record batches v2', () => {
  it.each([
    ['none', 0],
    ['gzip', GZIP],
    ['snappy', SNAPPY],
    ['lz4', LZ4_CODEC],
    ['zstd', ZSTD],
  ])('%s: every record, header and timestamp as encoded, batch after batch', async (_name, codec) => {
    const first = records(40, 100);
    const second = records(25, 140);
    second[2] = { ...second[2]!, headers: { trace: 'abc', bin: Buffer.from([0xff, 0]) } };
    const buf = Buffer.concat([await v2Batch(100, first, codec, compress[codec]), await v2Batch(140, second, codec, compress[codec])]);
    const got = decodeAll(buf);
    expect(got.map((b) => b.lastOffset)).toEqual([139, 164]);
    const want = [...expected(first, 100), ...expected(second, 140)];
    want[42]!.headers = [
      ['trace', 'abc'],
      ['bin', '\xff\x00'],
    ];
    expect(got.flatMap((b) => b.records)).toEqual(want);
  });

  it('snappy in xerial framing, as the Java client writes it', async () => {
    const list = records(300, 0);
    const got = decodeAll(await v2Batch(0, list, SNAPPY, (data) => xerialSnappy(data, 1024)));
    expect(got[0]!.records).toEqual(expected(list, 0));
  });

  it('fails on a damaged batch before handing out any record of the fetch, naming topic, partition and offset', async () => {
    const good = await v2Batch(7, records(3, 7));
    const bad = await v2Batch(10, records(3, 10), LZ4_CODEC, compress[LZ4_CODEC]);
    bad[bad.length - 5] = bad[bad.length - 5]! ^ 0x01;
    const decode = () => decodeRecordSet({ ...where, out: new OutputBuffer(MiB) }, Buffer.concat([good, bad]));
    expect(decode).toThrow(CorruptBatchError);
    expect(decode).toThrow(/the record batch at offset 10 of events\/3 is corrupt \(CRC-32C [0-9a-f]+ where the batch says [0-9a-f]+\); nothing from it was written or committed/);
  });

  it('fails on a batch that decompresses past the limit when its records are read, naming it', async () => {
    const big = [{ value: 'x'.repeat(3 * MiB), timestamp: 1700000000000 }];
    const buf = Buffer.concat([await v2Batch(0, records(2, 0), ZSTD, compress[ZSTD]), await v2Batch(2, big, ZSTD, compress[ZSTD])]);
    const { batches } = decodeRecordSet({ ...where, out: new OutputBuffer(2 * MiB) }, buf);
    expect([...batches[0]!.records]).toHaveLength(2);
    expect(() => [...batches[1]!.records]).toThrow(BatchTooLargeError);
    expect(() => [...batches[1]!.records]).toThrow(/the compressed record batch at offset 2 of events\/3 decompresses to \d+ bytes, more than DECOMPRESSED_BATCH_MAX_BYTES=2097152 allows/);
  });

  it('leaves a trailing partial batch for the next fetch, and says how large a lone partial batch is', async () => {
    const a = await v2Batch(0, records(5, 0));
    const b = await v2Batch(5, records(5, 5));
    expect(decodeAll(Buffer.concat([a, b.subarray(0, 30)])).map((x) => x.lastOffset)).toEqual([4]);
    const lone = decodeRecordSet({ ...where, out: new OutputBuffer(MiB) }, b.subarray(0, 40));
    expect(lone).toEqual({ batches: [], incompleteBytes: b.length });
  });
});

describe('message formats v0 and v1', () => {
  it('v0: offsets as stored, no timestamps (-1)', () => {
    const list = records(4, 20);
    const buf = Buffer.concat(list.map((r, i) => legacyMessage(0, 20 + i, r)));
    const got = decodeAll(buf);
    expect(got.map((b) => b.lastOffset)).toEqual([23]);
    expect(got[0]!.records).toEqual(expected(list, 20, () => -1));
  });

  it('v1: CreateTime per message', () => {
    const list = records(4, 20);
    expect(decodeAll(Buffer.concat(list.map((r, i) => legacyMessage(1, 20 + i, r))))[0]!.records).toEqual(expected(list, 20));
  });

  it.each([
    ['gzip', GZIP],
    ['snappy', SNAPPY],
    ['lz4', LZ4_CODEC],
  ])('%s wrappers: v1 inner offsets are relative, v0 absolute; a wrapper is one batch ending at its offset', (_name, codec) => {
    const list = records(6, 50);
    const v1 = decodeAll(legacyWrapper(1, 50, list, codec, compress[codec]!));
    expect(v1.map((b) => b.lastOffset)).toEqual([55]);
    expect(v1[0]!.records).toEqual(expected(list, 50));
    const v0 = decodeAll(legacyWrapper(0, 50, list, codec, compress[codec]!));
    expect(v0[0]!.records).toEqual(expected(list, 50, () => -1));
  });

  it('snappy wrappers in xerial framing (the Java client before 0.11)', () => {
    const list = records(6, 0);
    expect(decodeAll(legacyWrapper(1, 0, list, SNAPPY, (d) => xerialSnappy(d)))[0]!.records).toEqual(expected(list, 0));
  });

  it("lz4 wrappers of v0 with Kafka's broken frame header checksum", () => {
    const broken = (data: Buffer) => {
      const frame = Buffer.from(LZ4.compress(data));
      frame[4] = frame[4]! | 0x20; // independent blocks, as Kafka writes them
      const descriptorEnd = 6 + (frame[4]! & 0x08 ? 8 : 0);
      frame[descriptorEnd] = (xxh32(frame, 0, descriptorEnd) >>> 8) & 0xff;
      return frame;
    };
    const list = records(5, 9);
    expect(decodeAll(legacyWrapper(0, 9, list, LZ4_CODEC, broken))[0]!.records).toEqual(expected(list, 9, () => -1));
    // In v1 the checksum is right, so the broken one is corruption there.
    expect(() => decodeAll(legacyWrapper(1, 9, list, LZ4_CODEC, broken))).toThrow(CorruptBatchError);
  });

  it("v1 LogAppendTime: every inner message carries the wrapper's timestamp", () => {
    const list = records(3, 0);
    expect(decodeAll(legacyWrapper(1, 0, list, GZIP, compress[GZIP]!, 1800000000000))[0]!.records).toEqual(expected(list, 0, () => 1800000000000));
  });

  it('a topic upgraded in place: v1 messages, a v1 wrapper and v2 batches in one fetch', async () => {
    const a = records(3, 0);
    const b = records(4, 3);
    const c = records(5, 7);
    const buf = Buffer.concat([...a.map((r, i) => legacyMessage(1, i, r)), legacyWrapper(1, 3, b, SNAPPY, compress[SNAPPY]!), await v2Batch(7, c, LZ4_CODEC, compress[LZ4_CODEC])]);
    const got = decodeAll(buf);
    expect(got.map((x) => x.lastOffset)).toEqual([2, 6, 11]);
    expect(got.flatMap((x) => x.records)).toEqual([...expected(a, 0), ...expected(b, 3), ...expected(c, 7)]);
  });

  it('fails on a message whose CRC-32 does not match, naming its offset', () => {
    const buf = Buffer.concat(records(3, 0).map((r, i) => legacyMessage(1, 30 + i, r)));
    buf[buf.length - 1] = buf[buf.length - 1]! ^ 0x20;
    expect(() => decodeAll(buf)).toThrow(/the record batch at offset 32 of events\/3 is corrupt \(message CRC-32/);
  });
});

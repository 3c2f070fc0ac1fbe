// The Parquet encoder's own promises, without a reader: the size bounds rotation relies on, row groups
// that stay within their size, the level encoding, the counts for manifests, and clear input errors.
// (That readers read the files back exactly is test/parquet/readers.test.ts.)
import { BufferSink } from '../../src/dump/format/buffer-sink';
import { PARQUET_FORMAT, ParquetObjectWriter, type ParquetCompression } from '../../src/dump/format/parquet';
import { levelsBound, writeLevels } from '../../src/dump/format/parquet/levels';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { feedReused, generateRecords } from '../support/parquet-rows';

const KiB = 1024;

describe.each([
  ['none', 64 * KiB],
  ['gzip', 64 * KiB],
  ['snappy', 64 * KiB],
  ['snappy', 1024 * KiB],
] as Array<[ParquetCompression, number]>)('%s, row groups of %d bytes', (compression, rowGroupBytes) => {
  test('the stored size never passes the bound: bytesEmitted + pendingBound grows by at most rowBound per row, and emitBound tells what add() emits', () => {
    const records = generateRecords(rowGroupBytes + compression.length, 3000, { bigValues: true });
    const sink = new BufferSink();
    const writer = new ParquetObjectWriter({ partition: 1, rowGroupBytes, compression });
    let flushes = 0;
    let bound = writer.bytesEmitted + writer.pendingBound;
    let rowsInGroup = 0;
    feedReused(records, (record) => {
      const rowBound = writer.rowBound(record);
      const emitBound = writer.emitBound(record);
      const emittedBefore = writer.bytesEmitted;
      writer.add(record, sink);
      const emitted = writer.bytesEmitted - emittedBefore;
      if (emitBound === 0) expect(emitted).toBe(0);
      else {
        expect(emitted).toBeGreaterThan(0);
        expect(emitted).toBeLessThanOrEqual(emitBound);
        // A row group stays within its size unless it is a single (oversized) row.
        if (rowsInGroup > 1) expect(emitted - (flushes === 0 ? 4 : 0)).toBeLessThanOrEqual(rowGroupBytes);
        flushes++;
        rowsInGroup = 0;
      }
      rowsInGroup++;
      const next = writer.bytesEmitted + writer.pendingBound;
      expect(next).toBeLessThanOrEqual(bound + rowBound);
      bound = next;
    });
    const size = writer.finish(sink);
    expect(size).toBeLessThanOrEqual(bound);
    expect(size).toBe(sink.bytes().length);
    expect(flushes).toBeGreaterThan(2);
  });
});

test('the bound is tight enough to rotate on: off by no more than the pages still open and the footer', () => {
  const records = generateRecords(5, 20_000);
  const sink = new BufferSink();
  const writer = new ParquetObjectWriter({ partition: 0, rowGroupBytes: 256 * KiB, compression: 'snappy' });
  feedReused(records, (record) => writer.add(record, sink));
  const bound = writer.bytesEmitted + writer.pendingBound;
  const size = writer.finish(sink);
  // Open pages count at their raw size plus the codec's worst case: at most a page (64 KiB here, a
  // quarter of the row group) in each of the two columns that carry the data.
  expect(bound - size).toBeLessThan(2 * 64 * KiB * (7 / 6) + 16 * KiB);
});

/** An independent reading of the RLE / bit-packing hybrid, straight from the format's description. */
function readLevels(buf: Buffer, count: number, width: number): number[] {
  const length = buf.readUInt32LE(0);
  const out: number[] = [];
  let at = 4;
  const end = 4 + length;
  const varint = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  while (at < end) {
    const header = varint();
    if (header & 1) {
      const values = (header >>> 1) * 8;
      let bit = 0;
      for (let i = 0; i < values; i++) {
        let v = 0;
        for (let k = 0; k < width; k++, bit++) v |= ((buf[at + (bit >> 3)]! >> (bit & 7)) & 1) << k;
        out.push(v);
      }
      at += (header >>> 1) * width;
    } else {
      const v = buf[at++]!;
      for (let i = 0; i < header >>> 1; i++) out.push(v);
    }
  }
  expect(at).toBe(end);
  return out.slice(0, count);
}

test('levels: any sequence round-trips through the hybrid encoding, within levelsBound', () => {
  let seed = 3;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let round = 0; round < 1000; round++) {
    const width = 1 + Math.floor(random() * 2);
    const count = Math.floor(random() * (round % 10 === 0 ? 5000 : 100));
    const levels = new Uint8Array(count);
    // Runs of random lengths, some shorter than 8 and some longer, of random values.
    for (let i = 0; i < count; ) {
      const run = random() < 0.5 ? 1 + Math.floor(random() * 7) : 1 + Math.floor(random() * 40);
      const value = Math.floor(random() * (1 << width));
      for (let k = 0; k < run && i < count; k++) levels[i++] = random() < 0.05 ? Math.floor(random() * (1 << width)) : value;
    }
    const out = Buffer.alloc(levelsBound(count) + 8, 0xee);
    const end = writeLevels(levels, count, width, out, 0);
    expect(end).toBeLessThanOrEqual(levelsBound(count));
    expect(readLevels(out, count, width)).toEqual(Array.from(levels));
  }
});

test('a reset writer writes the same bytes as a new one: after a finished file, and after an abandoned one', () => {
  const write = (writer: ParquetObjectWriter, records: KafkaRecord[]) => {
    const sink = new BufferSink();
    feedReused(records, (record) => writer.add(record, sink));
    writer.finish(sink);
    return Buffer.from(sink.bytes());
  };
  const options = { partition: 2, rowGroupBytes: 64 * KiB, compression: 'snappy' } as const;
  const first = generateRecords(1, 800, { bigValues: true });
  const second = generateRecords(2, 900);
  const reused = new ParquetObjectWriter(options);
  write(reused, first);
  reused.reset();
  expect(write(reused, second).equals(write(new ParquetObjectWriter(options), second))).toBe(true);
  // Abandoned halfway (an object aborted), with a row group already out and rows buffered.
  const sink = new BufferSink();
  reused.reset();
  feedReused(first.slice(0, 500), (record) => reused.add(record, sink));
  expect(reused.bytesEmitted).toBeGreaterThan(0);
  reused.reset();
  expect(reused.counts).toEqual({ tombstones: 0, invalidUtf8: 0 });
  expect(write(reused, second).equals(write(new ParquetObjectWriter(options), second))).toBe(true);
});

test('counts for the manifest: tombstones, and keys, values and header values that are not valid UTF-8', () => {
  const writer = new ParquetObjectWriter({ partition: 0, rowGroupBytes: 1024 * KiB, compression: 'none' });
  const sink = new BufferSink();
  const bad = Buffer.from([0xff, 0xfe]);
  const rows: KafkaRecord[] = [
    { offset: 0, timestamp: -1, key: null, value: null, headers: [] },
    { offset: 1, timestamp: 5, key: bad, value: Buffer.from('ok'), headers: [{ key: 'h', value: bad }] },
    { offset: 2, timestamp: 5, key: Buffer.from('k'), value: bad, headers: [{ key: 'h', value: null }] },
    { offset: 3, timestamp: 5, key: Buffer.alloc(0), value: Buffer.alloc(0), headers: [] },
    { offset: 4, timestamp: 5, key: null, value: null, headers: [] },
  ];
  for (const row of rows) writer.add(row, sink);
  expect(writer.counts).toEqual({ tombstones: 2, invalidUtf8: 3 });
});

test('invalid input is refused with a message that names it', () => {
  expect(() => new ParquetObjectWriter({ partition: -1, rowGroupBytes: 1024 * KiB, compression: 'none' })).toThrow(/partition must be an integer from 0/);
  expect(() => new ParquetObjectWriter({ partition: 0, rowGroupBytes: 100, compression: 'none' })).toThrow(/rowGroupBytes must be an integer of at least 65536, got 100/);
  expect(() => new ParquetObjectWriter({ partition: 0, rowGroupBytes: 1024 * KiB, compression: 'lzo' as ParquetCompression })).toThrow(/lzo/);
  const writer = new ParquetObjectWriter({ partition: 0, rowGroupBytes: 1024 * KiB, compression: 'none' });
  const sink = new BufferSink();
  const record: KafkaRecord = { offset: 2 ** 60, timestamp: 0, key: null, value: null, headers: [] };
  expect(() => writer.add(record, sink)).toThrow(`offset ${2 ** 60} is not a non-negative safe integer`);
  expect(() => writer.add({ ...record, offset: 9, timestamp: 2 ** 60 }, sink)).toThrow(`offset 9: timestamp ${2 ** 60} is not an integer`);
  writer.add({ ...record, offset: 10 }, sink);
  writer.finish(sink);
  expect(() => writer.add({ ...record, offset: 11 }, sink)).toThrow('add() after finish() (reset() starts a new file)');
  expect(() => writer.finish(sink)).toThrow(/twice/);
});

describe('PARQUET_FORMAT, the record-format contract', () => {
  const settingsOf = (env: Record<string, string | undefined>) =>
    Object.fromEntries(PARQUET_FORMAT.variables!.map((v) => [v.name, v.schema.parse(env[v.name])]));

  test('its variables: snappy and 2 MiB row groups by default, unknown codecs refused', () => {
    expect(settingsOf({})).toEqual({ PARQUET_COMPRESSION: 'snappy', PARQUET_ROW_GROUP_BYTES: 2 * 1024 * KiB });
    expect(settingsOf({ PARQUET_COMPRESSION: 'gzip', PARQUET_ROW_GROUP_BYTES: '1048576' })).toEqual({ PARQUET_COMPRESSION: 'gzip', PARQUET_ROW_GROUP_BYTES: 1024 * KiB });
    expect(() => settingsOf({ PARQUET_COMPRESSION: 'lzo' })).toThrow(/must be snappy, gzip, zstd, none/);
    expect(PARQUET_FORMAT.check!(settingsOf({ PARQUET_ROW_GROUP_BYTES: String(16 * 1024 * KiB) }), 8 * 1024 * KiB)).toEqual([
      'PARQUET_ROW_GROUP_BYTES: 16777216 is more than PART_SIZE_BYTES 8388608; a row group going up would hold more than one part buffer at once',
    ]);
    expect(PARQUET_FORMAT.check!(settingsOf({}), 8 * 1024 * KiB)).toEqual([]);
    expect(PARQUET_FORMAT.memoryMiB(settingsOf({}))).toBe(5);
  });

  test('objects written through it are the writer\'s files, one after another, tallied per object', () => {
    const settings = settingsOf({ PARQUET_ROW_GROUP_BYTES: '65536' });
    const format = PARQUET_FORMAT.create(3, settings);
    const objects = [generateRecords(11, 700), generateRecords(12, 300)];
    for (const records of objects) {
      const sink = new BufferSink();
      const tally = { tombstones: 0, invalidUtf8: 0 };
      feedReused(records, (record) => {
        expect(format.measure(record)).toBeGreaterThan(0);
        format.write(record, sink, tally);
      });
      format.finish!(sink);
      const reference = new ParquetObjectWriter({ partition: 3, rowGroupBytes: 65536, compression: 'snappy' });
      const expected = new BufferSink();
      feedReused(records, (record) => reference.add(record, expected));
      reference.finish(expected);
      expect(sink.bytes().equals(expected.bytes())).toBe(true);
      expect(tally).toEqual(reference.counts);
      expect(tally.tombstones).toBe(records.filter((r) => r.value === null).length);
      format.reset!();
    }
  });
});

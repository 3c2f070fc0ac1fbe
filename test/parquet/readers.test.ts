// Files written by our Parquet encoder, read back by two independent readers (DuckDB and Arrow's C++
// reader through pyarrow): every row exactly, in order, for every compression; footers that place every
// column chunk where it lies; statistics that match the rows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferSink } from '../../src/dump/format/buffer-sink';
import { ParquetObjectWriter, PARQUET_COMPRESSIONS, type ParquetCompression } from '../../src/dump/format/parquet';
import { loadZstd } from '../../src/kafka/codecs/zstd';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { duckdbRows, queryRows, withDuckDB } from '../support/duckdb';
import { expectedRow, feedReused, generateRecords, type ReadRow } from '../support/parquet-rows';
import { pyarrowMetadata, pyarrowRows } from '../support/pyarrow';

const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PARTITION = 7;
const ARROW_CODEC: Record<ParquetCompression, string> = { none: 'UNCOMPRESSED', gzip: 'GZIP', snappy: 'SNAPPY', zstd: 'ZSTD' };

function writeFile(name: string, records: readonly KafkaRecord[], compression: ParquetCompression, rowGroupBytes: number): { file: string; flushes: number[] } {
  const sink = new BufferSink();
  const writer = new ParquetObjectWriter({ partition: PARTITION, rowGroupBytes, compression });
  const flushes: number[] = [];
  let rows = 0;
  feedReused(records, (record) => {
    const before = writer.bytesEmitted;
    writer.add(record, sink);
    if (writer.bytesEmitted !== before) flushes.push(rows);
    rows++;
  });
  const size = writer.finish(sink);
  expect(size).toBe(sink.bytes().length);
  const file = join(dir, `${name}.parquet`);
  writeFileSync(file, sink.bytes());
  return { file, flushes };
}

/** jest's diff of thousands of rows is unreadable: name the first row that differs. */
function expectRows(actual: ReadRow[], expected: ReadRow[], reader: string): void {
  const at = expected.findIndex((row, i) => JSON.stringify(actual[i]) !== JSON.stringify(row));
  if (at >= 0) throw new Error(`${reader}: row ${at} differs\n  read:     ${JSON.stringify(actual[at])?.slice(0, 600)}\n  expected: ${JSON.stringify(expected[at]).slice(0, 600)}`);
  expect(actual).toHaveLength(expected.length);
}

beforeAll(() => loadZstd());

describe.each([...PARQUET_COMPRESSIONS])('parquet %s', (compression) => {
  const records = generateRecords(17 + compression.length, 6000, { bigValues: true });
  const expected = records.map((r) => expectedRow(PARTITION, r));
  let file: string;
  let flushes: number[];

  beforeAll(() => {
    ({ file, flushes } = writeFile(`mixed-${compression}`, records, compression, 256 * 1024));
  });

  test('the data covers what the test claims: tombstones, invalid UTF-8, empty values, headers, big values, many row groups', () => {
    expect(records.filter((r) => r.value === null).length).toBeGreaterThan(50);
    expect(expected.filter((r) => r.value_bytes !== null).length).toBeGreaterThan(50);
    expect(expected.filter((r) => r.key_bytes !== null).length).toBeGreaterThan(50);
    expect(records.filter((r) => r.value?.length === 0).length).toBeGreaterThan(50);
    expect(records.filter((r) => r.key?.length === 0).length).toBeGreaterThan(50);
    expect(records.filter((r) => r.headers.length > 1).length).toBeGreaterThan(500);
    expect(records.filter((r) => r.headers.some((h) => h.value === null)).length).toBeGreaterThan(100);
    expect(records.filter((r) => r.timestamp === -1).length).toBeGreaterThan(100);
    expect(records.filter((r) => (r.value?.length ?? 0) > 2 * 1024 * 1024).length).toBeGreaterThan(5);
    expect(flushes.length).toBeGreaterThan(10);
  });

  test('DuckDB reads every row exactly, in order', async () => {
    const rows = await withDuckDB((c) => duckdbRows(c, file));
    expectRows(rows, expected, 'DuckDB');
  });

  test('pyarrow reads every row exactly, in order', () => {
    expectRows(pyarrowRows(file), expected, 'pyarrow');
  });

  test('the footer places every column chunk where it lies, with the configured codec and exact statistics', () => {
    const meta = pyarrowMetadata(file);
    const size = readFileSync(file).length;
    expect(meta.numRows).toBe(records.length);
    expect(meta.createdBy).toBe('ckafka-to-cos');
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual([...flushes, records.length].map((end, i, ends) => end - (i === 0 ? 0 : ends[i - 1]!)));
    // Column chunks lie back to back from the leading magic to the footer.
    let next = 4;
    let first = 0;
    for (const group of meta.rowGroups) {
      const rows = records.slice(first, first + group.numRows);
      first += group.numRows;
      for (const chunk of group.columns) {
        expect(chunk.dataPageOffset).toBe(next);
        expect(chunk.compression).toBe(ARROW_CODEC[compression]);
        next += chunk.compressedBytes;
      }
      const column = (path: string) => group.columns.find((c) => c.path === path)!;
      const timestamps = rows.map((r) => r.timestamp).filter((t) => t !== -1);
      expect(column('partition')).toMatchObject({ min: PARTITION, max: PARTITION, nullCount: 0 });
      expect(column('offset')).toMatchObject({ min: rows[0]!.offset, max: rows.at(-1)!.offset, nullCount: 0 });
      const [min, max] = timestamps.length > 0 ? [Math.min(...timestamps), Math.max(...timestamps)] : [null, null];
      expect(column('timestamp')).toMatchObject({ min, max, nullCount: rows.length - timestamps.length });
      expect(column('value').nullCount).toBe(rows.filter((r) => r.value === null || expectedRow(0, r).value === null).length);
    }
    const footerLength = readFileSync(file).readUInt32LE(size - 8);
    expect(next).toBe(size - 8 - footerLength);
  });
});

test('the schema as Arrow sees it: the envelope columns, headers as a list of key/value structs', () => {
  const { file } = writeFile('schema', generateRecords(3, 10), 'snappy', 1024 * 1024);
  expect(pyarrowMetadata(file).schema.split('\n').slice(0, 11)).toEqual([
    'partition: int32 not null',
    'offset: int64 not null',
    'timestamp: timestamp[ms, tz=UTC]',
    'key: string',
    'key_bytes: binary',
    'value: string',
    'value_bytes: binary',
    'headers: list<element: struct<key: string not null, value: binary> not null>',
    '  child 0, element: struct<key: string not null, value: binary> not null',
    '      child 0, key: string not null',
    '      child 1, value: binary',
  ]);
});

test('a file finished at any row-group boundary is whole: cut just before, at and after each boundary', async () => {
  const records = generateRecords(99, 3000);
  const { flushes } = writeFile('boundaries', records, 'snappy', 64 * 1024);
  expect(flushes.length).toBeGreaterThan(5);
  const cuts = [...new Set([1, ...flushes.slice(0, 4).flatMap((b) => [b - 1, b, b + 1]), flushes.at(-1)!, records.length])].filter((n) => n > 0);
  await withDuckDB(async (c) => {
    for (const cut of cuts) {
      const part = records.slice(0, cut);
      const { file } = writeFile(`cut-${cut}`, part, 'snappy', 64 * 1024);
      expectRows(await duckdbRows(c, file), part.map((r) => expectedRow(PARTITION, r)), `DuckDB, ${cut} rows`);
    }
  });
});

test('an empty file (no rows) is valid and reads as empty', async () => {
  const { file } = writeFile('empty', [], 'snappy', 1024 * 1024);
  expect(pyarrowRows(file)).toEqual([]);
  const rows = await withDuckDB((c) => queryRows(c, `SELECT count(*) AS n FROM read_parquet('${file}')`));
  expect(Number(rows[0]!.n)).toBe(0);
});

test('a range query on offset over many row groups (which their statistics let DuckDB skip) returns exactly the rows in range', async () => {
  const records = generateRecords(5, 4000);
  const { file } = writeFile('ranges', records, 'snappy', 64 * 1024);
  const from = records[1234]!.offset;
  const to = records[2345]!.offset;
  const rows = await withDuckDB((c) => queryRows(c, `SELECT "offset" FROM read_parquet('${file}') WHERE "offset" BETWEEN ${from} AND ${to} ORDER BY "offset"`));
  expect(rows.map((r) => Number(r.offset))).toEqual(records.slice(1234, 2346).map((r) => r.offset));
});

// What `ckafka-cos ddl --engine duckdb` prints, run in DuckDB against objects stored in the local COS
// server and read straight from its files: every record exactly once, in offset order, with the dt and
// hour of its object's window; for Parquet and JSON lines (plain and gzip) in the hive layout, and
// Parquet and lines in the original layout.
import { gzipSync } from 'node:zlib';
import { BufferSink } from '../../src/dump/format/buffer-sink';
import { FORMATS } from '../../src/dump/format/registry';
import { ParquetObjectWriter } from '../../src/dump/format/parquet';
import { extensionFor, padOffset } from '../../src/dump/keys';
import { utcDate, windowStartOf } from '../../src/dump/window';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { tableDdl, topicFolder, type ArchiveTable } from '../../src/query/ddl';
import { TEST_BUCKET, TEST_REGION, useTestCos } from '../support/cos';
import { queryRows, rowFrom, withDuckDB, ENVELOPE_SELECT } from '../support/duckdb';
import { expectedRow, generateRecords, type ReadRow } from '../support/parquet-rows';

const cos = useTestCos();
const WINDOW_MINUTES = 5;

/** Records of one partition spread over three hours of two days, with a few missing timestamps. */
function partitionRecords(partition: number): KafkaRecord[] {
  const start = Date.UTC(2026, 10, 29, 23, 0, 0);
  return generateRecords(100 + partition, 1500).map((r, i) => ({ ...r, timestamp: r.timestamp === -1 ? -1 : start + Math.floor((i / 1500) * 3 * 3_600_000) }));
}

interface StoredObject {
  key: string;
  windowStartMs: number;
  records: KafkaRecord[];
}

/** Objects as the dump cuts them: one per partition and window, a record without timestamp joining the current window. */
function objectsOf(table: ArchiveTable, partition: number, records: KafkaRecord[], extension: string): StoredObject[] {
  const objects: StoredObject[] = [];
  for (const record of records) {
    const current = objects.at(-1);
    const window = record.timestamp === -1 ? current!.windowStartMs : windowStartOf(record.timestamp, WINDOW_MINUTES);
    if (current?.windowStartMs === window) current.records.push(record);
    else {
      const hour = new Date(window).toISOString().slice(11, 13);
      const folder = table.keyLayout === 'hive' ? `dt=${utcDate(window)}/hour=${hour}/` : `${utcDate(window)}/`;
      objects.push({ key: `${topicFolder(table)}${folder}${window}_${partition}_${padOffset(record.offset)}${extension}`, windowStartMs: window, records: [record] });
    }
  }
  return objects;
}

function body(table: ArchiveTable, partition: number, records: KafkaRecord[]): Buffer {
  const sink = new BufferSink();
  if (table.format === 'parquet') {
    const writer = new ParquetObjectWriter({ partition, rowGroupBytes: 64 * 1024, compression: 'snappy' });
    for (const record of records) writer.add(record, sink);
    writer.finish(sink);
    return Buffer.from(sink.bytes());
  }
  const format = FORMATS[table.format].create(partition);
  const tally = { tombstones: 0, invalidUtf8: 0 };
  for (const record of records) if (format.measure(record) >= 0) format.write(record, sink, tally);
  return table.compression === 'gzip' ? gzipSync(sink.bytes()) : Buffer.from(sink.bytes());
}

const extensionOf = (table: ArchiveTable) => (table.format === 'parquet' ? '.parquet' : extensionFor(table.format, table.compression));

/** Stores two partitions' objects in the COS server; returns the records by partition and each record's window. */
async function store(table: ArchiveTable): Promise<Array<{ partition: number; record: KafkaRecord; windowStartMs: number }>> {
  const stored: Array<{ partition: number; record: KafkaRecord; windowStartMs: number }> = [];
  const extension = extensionOf(table);
  for (const partition of [0, 1]) {
    for (const object of objectsOf(table, partition, partitionRecords(partition), extension)) {
      await cos.store.putObject(object.key, body(table, partition, object.records));
      for (const record of object.records) stored.push({ partition, record, windowStartMs: object.windowStartMs });
    }
  }
  // Bookkeeping beside the data, as the dump leaves it: outside the topic's folder, so never read.
  await cos.store.putObject(`${table.prefix}_ckafka-cos/manifests/${table.instanceId}/${table.topicId}/0/x.json`, Buffer.from('{}'));
  return stored;
}

/** Runs each statement the generator printed (its example query included), then `query`. */
async function queryView(table: ArchiveTable, query: string): Promise<Array<Record<string, unknown>>> {
  const ddl = tableDdl(table, 'duckdb', { exampleDate: '2026-11-30', duckdbRoot: `${cos.dir}/${TEST_BUCKET}/` });
  return withDuckDB(async (connection) => {
    for (const statement of ddl.split(/;\n/).filter((s) => s.replace(/--.*$/gm, '').trim() !== '')) await connection.run(statement);
    return queryRows(connection, query);
  });
}

const viewRows = (table: ArchiveTable, select: string) => queryView(table, `SELECT ${select} FROM "${table.table}" ORDER BY "partition", "offset"`);

const base = (over: Partial<ArchiveTable>): ArchiveTable => ({
  bucket: TEST_BUCKET,
  region: TEST_REGION,
  prefix: 'archive/',
  instanceId: 'ckafka-test',
  topicId: 'topic-x',
  format: 'parquet',
  compression: 'none',
  keyLayout: 'hive',
  table: 't',
  ...over,
});

const hourOf = (ms: number) => new Date(ms).toISOString().slice(11, 13);

test('parquet, hive layout: every record once, in offset order, with the dt and hour of its window', async () => {
  const table = base({ topicId: 'topic-parquet-hive' });
  const stored = await store(table);
  expect(new Set(stored.map((s) => hourOf(s.windowStartMs))).size).toBe(3);
  const rows = await viewRows(table, `${ENVELOPE_SELECT}, dt, hour`);
  const expected = stored.map((s) => ({ ...expectedRow(s.partition, s.record), dt: utcDate(s.windowStartMs), hour: hourOf(s.windowStartMs) }));
  expect(rows.map((r) => ({ ...rowFrom(r as never), dt: r.dt, hour: r.hour }))).toEqual(expected);
});

test('parquet, original layout: dt comes from the date folder', async () => {
  const table = base({ topicId: 'topic-parquet-original', keyLayout: 'original' });
  const stored = await store(table);
  const rows = await viewRows(table, `${ENVELOPE_SELECT}, dt`);
  expect(rows.map((r) => ({ ...rowFrom(r as never), dt: r.dt }))).toEqual(stored.map((s) => ({ ...expectedRow(s.partition, s.record), dt: utcDate(s.windowStartMs) })));
});

/** The jsonl view's columns with strings as their UTF-8 bytes (the client's string decoding drops a leading BOM). */
const JSONL_SELECT = `"partition", "offset", "timestamp", encode("key") AS "key", keyEncoding, encode("value") AS "value", valueEncoding,
  list_transform(headers, h -> {'key': encode(h."key"), 'value': encode(h."value"), 'valueEncoding': h.valueEncoding}) AS headers, dt, hour`;

/** What a jsonl line says of a record, decoded back to bytes: the oracle is the record itself. */
function jsonlRow(r: Record<string, unknown>): ReadRow {
  const text = (v: unknown) => Buffer.from((v as { bytes: Uint8Array }).bytes).toString('latin1');
  const bytes = (v: unknown, encoding: unknown) => (v === null ? null : encoding === 'base64' ? Buffer.from(text(v), 'base64') : Buffer.from((v as { bytes: Uint8Array }).bytes));
  const headers = (r.headers as { items: Array<{ entries: Record<string, unknown> }> }).items.map((h) => ({ key: bytes(h.entries.key, null)!.toString('utf8'), value: bytes(h.entries.value, h.entries.valueEncoding) }));
  const timestamp = Number(r.timestamp as bigint);
  return expectedRow(Number(r.partition), { offset: Number(r.offset as bigint), timestamp, key: bytes(r.key, r.keyEncoding), value: bytes(r.value, r.valueEncoding), headers });
}

test.each(['none', 'gzip'] as const)('jsonl (%s), hive layout: every record once, in offset order, bytes intact, with dt and hour', async (compression) => {
  const table = base({ topicId: `topic-jsonl-${compression}`, format: 'jsonl', compression });
  const stored = await store(table);
  const rows = await viewRows(table, JSONL_SELECT);
  expect(rows.map((r) => ({ ...jsonlRow(r), dt: r.dt, hour: r.hour }))).toEqual(
    stored.map((s) => ({ ...expectedRow(s.partition, s.record), dt: utcDate(s.windowStartMs), hour: hourOf(s.windowStartMs) })),
  );
});

test('lines, original layout: every value that is text, one row per line, with dt', async () => {
  const table = base({ topicId: 'topic-lines', format: 'lines', keyLayout: 'original' });
  // Lines are values only: keep to text without line breaks or NUL, which the lines format cannot frame,
  // and without a leading byte order mark, which DuckDB's CSV reader drops at the start of a file.
  const clean = (records: KafkaRecord[]) =>
    records.filter((r) => r.value !== null && !r.value.includes(0x0a) && !r.value.includes(0) && !r.value.toString('utf8').startsWith('\ufeff') && expectedRow(0, r).value !== null);
  const stored: Array<{ value: string; dt: string }> = [];
  for (const partition of [0, 1]) {
    for (const object of objectsOf(table, partition, clean(partitionRecords(partition)), extensionOf(table))) {
      await cos.store.putObject(object.key, body(table, partition, object.records));
      for (const record of object.records) stored.push({ value: record.value!.toString('utf8'), dt: utcDate(object.windowStartMs) });
    }
  }
  // Lines carry no offset: compare as sorted multisets.
  const rows = await queryView(table, `SELECT encode(value) AS value, dt FROM "t"`);
  const sorted = <T extends { value: string; dt: string }>(items: T[]) => items.map((i) => `${i.dt} ${i.value}`).sort();
  expect(sorted(rows.map((r) => ({ value: Buffer.from((r.value as { bytes: Uint8Array }).bytes).toString('utf8'), dt: String(r.dt) })))).toEqual(sorted(stored));
});

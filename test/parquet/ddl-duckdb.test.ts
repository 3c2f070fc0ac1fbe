// What `ckafka-cos ddl --engine duckdb` prints, run in DuckDB against objects stored in the local COS
// server and read straight from its files: every record exactly once, in offset order, with the dt and
// hour of its object's window; for Parquet and JSON lines (plain and gzip) in the hive layout, and
// Parquet and lines in the original layout.
import { utcDate } from '../../src/dump/window';
import { tableDdl, type ArchiveTable } from '../../src/query/ddl';
import { archiveObjects, hourOf, partitionRecords, type ArchivedRecord } from '../support/archive';
import { TEST_BUCKET, TEST_REGION, useTestCos } from '../support/cos';
import { queryRows, rowFrom, withDuckDB, ENVELOPE_SELECT } from '../support/duckdb';
import { expectedRow, type ReadRow } from '../support/parquet-rows';

const cos = useTestCos();

/** Stores two partitions' objects in the COS server; returns every record with its partition and window. */
async function store(table: ArchiveTable, records = partitionRecords): Promise<ArchivedRecord[]> {
  const stored: ArchivedRecord[] = [];
  for (const partition of [0, 1]) {
    for (const object of archiveObjects(table, partition, records(partition))) {
      await cos.store.putObject(object.key, object.body);
      stored.push(...object.records);
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
  const clean = (partition: number) =>
    partitionRecords(partition).filter((r) => r.value !== null && !r.value.includes(0x0a) && !r.value.includes(0) && !r.value.toString('utf8').startsWith('\ufeff') && expectedRow(0, r).value !== null);
  const stored = (await store(table, clean)).map((s) => ({ value: s.record.value!.toString('utf8'), dt: utcDate(s.windowStartMs) }));
  // Lines carry no offset: compare as sorted multisets.
  const rows = await queryView(table, `SELECT encode(value) AS value, dt FROM "t"`);
  const sorted = <T extends { value: string; dt: string }>(items: T[]) => items.map((i) => `${i.dt} ${i.value}`).sort();
  expect(sorted(rows.map((r) => ({ value: Buffer.from((r.value as { bytes: Uint8Array }).bytes).toString('utf8'), dt: String(r.dt) })))).toEqual(sorted(stored));
});

// The DLC and Hive definitions `ckafka-cos ddl` prints, run in Apache Spark 3.5 (the engine DLC runs)
// over objects in the hive layout: Parquet through Spark's own reader (the DLC table) and through Hive
// 2.3's ParquetHiveSerDe (the Hive table), and gzip JSON lines through the DLC table. Each returns every
// record exactly, with its dt and hour.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { utcDate } from '../../src/dump/window';
import { tableDdl, type ArchiveTable } from '../../src/query/ddl';
import { archiveObjects, hourOf, partitionRecords, type ArchivedRecord } from '../support/archive';
import { expectedRow, type ReadRow } from '../support/parquet-rows';
import { runSpark, sparkPython, statementsOf } from '../support/spark';

const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-spark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const table: ArchiveTable = {
  bucket: 'archive-1250000000',
  region: 'ap-guangzhou',
  prefix: 'kafka/',
  instanceId: 'ckafka-test',
  topicId: 'topic-spark',
  format: 'parquet',
  compression: 'none',
  keyLayout: 'hive',
  table: 'orders',
};

const jsonlTable: ArchiveTable = { ...table, topicId: 'topic-spark-jsonl', format: 'jsonl', compression: 'gzip', table: 'orders_jsonl' };
const byOffset = (a: ArchivedRecord, b: ArchivedRecord) => a.partition - b.partition || a.record.offset - b.record.offset;

let stored: ArchivedRecord[] = [];
let storedJsonl: ArchivedRecord[] = [];
let results: Record<string, Array<Record<string, unknown>>>;

/** Every column as bytes, so that the comparison is byte for byte. */
const select = (timestamp: string) =>
  `SELECT \`partition\`, \`offset\`, ${timestamp} AS \`timestamp\`, CAST(\`key\` AS BINARY) AS \`key\`, key_bytes, CAST(\`value\` AS BINARY) AS \`value\`, value_bytes,
   transform(headers, h -> named_struct('key', CAST(h.key AS BINARY), 'value', h.value)) AS headers, dt, hour`;

beforeAll(() => {
  sparkPython();
  const root = join(dir, 'bucket');
  const lay = (t: ArchiveTable) => {
    const records: ArchivedRecord[] = [];
    for (const partition of [0, 1]) {
      for (const object of archiveObjects(t, partition, partitionRecords(partition, 800))) {
        mkdirSync(dirname(join(root, object.key)), { recursive: true });
        writeFileSync(join(root, object.key), object.body);
        records.push(...object.records);
      }
    }
    return records.sort(byOffset);
  };
  stored = lay(table);
  storedJsonl = lay(jsonlTable);
  // The printed definitions, with the bucket's location pointed at the local copy.
  const local = (ddl: string) => statementsOf(ddl.replaceAll(`cosn://${table.bucket}/`, `file://${root}/`));
  const options = { exampleDate: '2026-11-30' };
  const statements = [...local(tableDdl(table, 'dlc', options)), ...local(tableDdl({ ...table, table: 'orders_hive' }, 'hive', options)), ...local(tableDdl(jsonlTable, 'dlc', options))];
  const warehouse = join(dir, 'warehouse');
  mkdirSync(warehouse);
  results = runSpark({
    warehouse,
    hiveSerde: true,
    statements,
    queries: {
      dlc: `${select('unix_millis(`timestamp`)')} FROM orders ORDER BY \`partition\`, \`offset\``,
      hive: `${select('`timestamp`')} FROM orders_hive ORDER BY \`partition\`, \`offset\``,
      hiveReader: `EXPLAIN SELECT * FROM orders_hive`,
      jsonl: `SELECT \`partition\`, \`offset\`, \`timestamp\`, CAST(\`key\` AS BINARY) AS \`key\`, keyEncoding, CAST(\`value\` AS BINARY) AS \`value\`, valueEncoding,
        transform(headers, h -> named_struct('key', CAST(h.key AS BINARY), 'value', CAST(h.value AS BINARY), 'valueEncoding', h.valueEncoding)) AS headers, dt, hour
        FROM orders_jsonl ORDER BY \`partition\`, \`offset\``,
    },
  });
}, 900_000);

function read(row: Record<string, unknown>): ReadRow & { dt: unknown; hour: unknown } {
  const text = (v: unknown) => (v === null ? null : (v as string));
  const headers = row.headers as Array<{ key: string; value: string | null }> | null;
  return {
    partition: row.partition as number,
    offset: row.offset as number,
    timestamp: row.timestamp as number | null,
    key: text(row.key),
    key_bytes: text(row.key_bytes),
    value: text(row.value),
    value_bytes: text(row.value_bytes),
    headers: headers === null ? null : headers.map((h) => [Buffer.from(h.key, 'base64').toString('utf8'), h.value]),
    dt: row.dt,
    hour: row.hour,
  };
}

/** A JSON line's fields back to the record's bytes (text as its UTF-8, or base64 when the encoding says so). */
function readJsonl(row: Record<string, unknown>): ReadRow & { dt: unknown; hour: unknown } {
  const bytes = (v: unknown, encoding: unknown) => {
    if (v === null) return null;
    const text = Buffer.from(v as string, 'base64');
    return encoding === 'base64' ? Buffer.from(text.toString('latin1'), 'base64') : text;
  };
  const headers = (row.headers as Array<{ key: string; value: string | null; valueEncoding: string | null }>).map((h) => ({ key: bytes(h.key, null)!.toString('utf8'), value: bytes(h.value, h.valueEncoding) }));
  const record = { offset: row.offset as number, timestamp: row.timestamp as number, key: bytes(row.key, row.keyEncoding), value: bytes(row.value, row.valueEncoding), headers };
  return { ...expectedRow(row.partition as number, record), dt: row.dt, hour: row.hour };
}

const expected = (records = stored) => records.map((s) => ({ ...expectedRow(s.partition, s.record), dt: utcDate(s.windowStartMs), hour: hourOf(s.windowStartMs) }));

test('DLC definition for gzip JSON lines (USING JSON): every record exactly, bytes intact through base64, with dt and hour', () => {
  expect(results.jsonl!.map(readJsonl)).toEqual(expected(storedJsonl));
});

test('the data spans hours, partitions and the hard cases', () => {
  expect(new Set(stored.map((s) => `${s.partition} ${hourOf(s.windowStartMs)}`)).size).toBe(6);
  expect(stored.filter((s) => s.record.value === null).length).toBeGreaterThan(20);
  expect(stored.filter((s) => (s.record.value?.length ?? 0) > 2 * 1024 * 1024).length).toBeGreaterThan(0);
});

test('DLC definition in Spark 3.5 (CREATE EXTERNAL TABLE USING PARQUET, MSCK REPAIR TABLE): every record exactly, with dt and hour', () => {
  expect(results.dlc!.map(read)).toEqual(expected());
});

test("Hive definition through Hive 2.3's ParquetHiveSerDe (STORED AS PARQUET, timestamp as epoch ms): every record exactly, with dt and hour", () => {
  expect(JSON.stringify(results.hiveReader)).toContain('Scan hive');
  expect(results.hive!.map(read)).toEqual(expected());
});

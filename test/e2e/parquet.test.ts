// FORMAT=parquet end to end: the real consumer dumps a real broker's partitions into the COS server in the
// hive layout, and DuckDB, through the view `ckafka-cos ddl --engine duckdb` prints, reads the stored
// files back: every record once, in offset order, with the dt and hour of its object's window.
// Tombstones, invalid UTF-8, empty values, keys and headers included.
import { tableDdl } from '../../src/query/ddl';
import { utcDate } from '../../src/dump/window';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { TEST_BUCKET, TEST_REGION, useTestCos } from '../support/cos';
import { consumerEnv, dumpPartition, INSTANCE_ID, readBack, TOPIC_ID } from '../support/dump';
import { ENVELOPE_SELECT, queryRows, rowFrom, withDuckDB } from '../support/duckdb';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';
import { KafkaClient } from '../../src/kafka/client';
import { verifyTopic } from '../../src/verify/verify';
import { expectedRow } from '../support/parquet-rows';

const cos = useTestCos();
const T0 = Date.UTC(2026, 0, 1, 9, 55);

function records(partition: number): Array<KafkaRecord & { partition: number }> {
  return Array.from({ length: 1200 }, (_, i) => ({
    partition,
    offset: i,
    // Three hours of windows: the hive folders hold several hours.
    timestamp: T0 + i * 9000,
    key: i % 11 === 0 ? null : Buffer.from(i % 13 === 0 ? [0xff, 0xfe, i & 0xff] : `key-${i}`),
    value: i % 17 === 0 ? null : i % 19 === 0 ? Buffer.alloc(0) : i % 23 === 0 ? Buffer.from([0xc3, 0x28, i & 0xff]) : Buffer.from(JSON.stringify({ i, p: partition, msg: `event ${i}`.padEnd(100 + (i % 50), '.') })),
    // A repeated key and a binary value (kafkajs sends an array as repeated headers, in order).
    headers: i % 7 === 0 ? [{ key: 'trace', value: Buffer.from(`t${i}`) }, { key: 'trace', value: Buffer.from('again') }, { key: 'bin', value: Buffer.from([0, 0xff]) }] : [],
  }));
}

function kafkajsHeaders(headers: KafkaRecord['headers']): Record<string, Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  for (const h of headers) (out[h.key] ??= []).push(h.value!);
  return out;
}

it.each(['snappy', 'zstd'])('dumps partitions as parquet (%s pages) in the hive layout that DuckDB reads back exactly through the printed view', async (compression) => {
  const topic = uniqueTopic(`parquet-${compression}`);
  await createTopic(topic, 2);
  const all = [...records(0), ...records(1)];
  await produce(
    topic,
    all.map((r) => ({ partition: r.partition, key: r.key, value: r.value, timestamp: String(r.timestamp), headers: kafkajsHeaders(r.headers) })),
  );
  const env = consumerEnv(cos, topic, { FORMAT: 'parquet', KEY_LAYOUT: 'hive', PARQUET_COMPRESSION: compression, MAX_OBJECT_BYTES: String(64 * 1024), PARQUET_ROW_GROUP_BYTES: String(64 * 1024) });
  for (const partition of [0, 1]) expect(await dumpPartition(env, partition)).toMatchObject({ status: 'dumped', records: 1200 });
  const stored = await readBack(cos, `${topic}/`, 0);
  expect(stored.keys.length).toBeGreaterThan(3);
  expect(stored.keys.every((key) => /\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d+_0_\d{20}\.parquet$/.test(key))).toBe(true);

  const ddl = tableDdl({ bucket: TEST_BUCKET, region: TEST_REGION, prefix: `${topic}/`, instanceId: INSTANCE_ID, topicId: TOPIC_ID, format: 'parquet', compression: 'none', keyLayout: 'hive', table: 't' }, 'duckdb', { exampleDate: '2026-01-01', duckdbRoot: `${cos.dir}/${TEST_BUCKET}/` });
  const rows = await withDuckDB(async (connection) => {
    for (const statement of ddl.split(/;\n/).filter((s) => s.replace(/--.*$/gm, '').trim() !== '')) await connection.run(statement);
    return queryRows(connection, `SELECT ${ENVELOPE_SELECT}, dt, hour FROM t ORDER BY "partition", "offset"`);
  });
  // verify --deep renders each object again from Kafka with the settings its manifest keeps: the same bytes.
  const kafka = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
  try {
    const verdict = await verifyTopic({ store: cos.store, layout: { prefix: `${topic}/`, instanceId: INSTANCE_ID, topicId: TOPIC_ID, keys: 'hive' }, topic, groupId: env.KAFKA_GROUP_ID!, kafka, deep: true });
    expect(verdict.partitions.map((p) => [p.ok, p.content?.recordsChecked, p.content?.mismatches])).toEqual([
      [true, 1200, []],
      [true, 1200, []],
    ]);
  } finally {
    await kafka.close();
  }
  const windowOf = (ms: number) => Math.floor(ms / 300_000) * 300_000;
  expect(rows.map((r) => ({ ...rowFrom(r as never), dt: r.dt, hour: r.hour }))).toEqual(
    all.map((r) => ({ ...expectedRow(r.partition, r), dt: utcDate(windowOf(r.timestamp)), hour: new Date(windowOf(r.timestamp)).toISOString().slice(11, 13) })),
  );
});

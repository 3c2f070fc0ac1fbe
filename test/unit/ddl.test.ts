// The DLC and Hive table definitions `ckafka-cos ddl` prints (DuckDB's is run for real in
// test/parquet/ddl-duckdb.test.ts): the exact text for the main case, the parts that change with format
// and layout, and refusals that name the setting at fault.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { defaultTableName, tableDdl, type ArchiveTable } from '../../src/query/ddl';

const table = (over: Partial<ArchiveTable> = {}): ArchiveTable => ({
  bucket: 'archive-1250000000',
  region: 'ap-guangzhou',
  prefix: 'kafka',
  instanceId: 'ckafka-abc123',
  topicId: 'topic-def456',
  format: 'parquet',
  compression: 'none',
  keyLayout: 'hive',
  table: 'ckafka_orders',
  ...over,
});
const options = { exampleDate: '2026-11-30' };

/** What follows the table in both engines' definitions, for the hive layout. */
const HIVE_LAYOUT_STEPS = `
-- Discover every dt=/hour= folder (again whenever new hours arrive):
MSCK REPAIR TABLE \`ckafka_orders\`;

-- Or register new hours one at a time, without listing the whole location:
-- ALTER TABLE \`ckafka_orders\` ADD IF NOT EXISTS PARTITION (dt = '2026-11-30', hour = '00');

-- Example:
-- SELECT \`partition\`, \`offset\`, \`timestamp\`, \`key\`, \`value\` FROM \`ckafka_orders\` WHERE dt = '2026-11-30' ORDER BY \`partition\`, \`offset\` LIMIT 10;
`;

test('DLC, parquet, hive layout: Spark SQL USING PARQUET partitioned by dt and hour at the topic folder, then MSCK REPAIR', () => {
  expect(tableDdl(table(), 'dlc', options)).toBe(`-- DLC (Spark SQL): parquet objects, hive key layout, under cosn://archive-1250000000/kafka/ckafka-abc123/topic-def456/

CREATE EXTERNAL TABLE IF NOT EXISTS \`ckafka_orders\` (
  \`partition\` INT,
  \`offset\` BIGINT,
  \`timestamp\` TIMESTAMP,
  \`key\` STRING,
  \`key_bytes\` BINARY,
  \`value\` STRING,
  \`value_bytes\` BINARY,
  \`headers\` ARRAY<STRUCT<key: STRING, value: BINARY>>,
  \`dt\` STRING,
  \`hour\` STRING
)
USING PARQUET
PARTITIONED BY (\`dt\`, \`hour\`)
LOCATION 'cosn://archive-1250000000/kafka/ckafka-abc123/topic-def456/';
${HIVE_LAYOUT_STEPS}`);
});

test('Hive, parquet, hive layout: STORED AS PARQUET with the partition columns apart, timestamp as epoch ms', () => {
  expect(tableDdl(table(), 'hive', options)).toBe(`-- Hive: parquet objects, hive key layout, under cosn://archive-1250000000/kafka/ckafka-abc123/topic-def456/

-- \`timestamp\` is epoch milliseconds (NULL when none): Hive before 4.0 reads no Parquet INT64 timestamp as TIMESTAMP.
-- Its time: CAST(from_unixtime(\`timestamp\` DIV 1000) AS TIMESTAMP).

CREATE EXTERNAL TABLE IF NOT EXISTS \`ckafka_orders\` (
  \`partition\` INT,
  \`offset\` BIGINT,
  \`timestamp\` BIGINT,
  \`key\` STRING,
  \`key_bytes\` BINARY,
  \`value\` STRING,
  \`value_bytes\` BINARY,
  \`headers\` ARRAY<STRUCT<key:STRING, value:BINARY>>
)
PARTITIONED BY (\`dt\` STRING, \`hour\` STRING)
STORED AS PARQUET
LOCATION 'cosn://archive-1250000000/kafka/ckafka-abc123/topic-def456/';
${HIVE_LAYOUT_STEPS}`);
});

test('jsonl: DLC reads JSON, Hive the JSON SerDe; the columns are the JSON fields, timestamp as epoch ms', () => {
  const dlc = tableDdl(table({ format: 'jsonl', compression: 'gzip' }), 'dlc', options);
  expect(dlc).toContain('USING JSON\n');
  expect(dlc).toContain('jsonl (gzip) objects');
  expect(dlc).toContain('  `timestamp` BIGINT,\n  `key` STRING,\n  `keyEncoding` STRING,\n  `headers` ARRAY<STRUCT<key: STRING, value: STRING, valueEncoding: STRING>>,\n  `value` STRING,\n  `valueEncoding` STRING,\n');
  const hive = tableDdl(table({ format: 'jsonl' }), 'hive', options);
  expect(hive).toContain("PARTITIONED BY (`dt` STRING, `hour` STRING)\nROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS TEXTFILE\nLOCATION");
});

test('lines: one STRING column, the whole line (Spark TEXT; in Hive a regex that takes the line whole)', () => {
  const dlc = tableDdl(table({ format: 'lines' }), 'dlc', options);
  expect(dlc).toContain('(\n  `value` STRING,\n  `dt` STRING,\n  `hour` STRING\n)\nUSING TEXT\n');
  const hive = tableDdl(table({ format: 'lines' }), 'hive', options);
  expect(hive).toContain("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'\nWITH SERDEPROPERTIES ('input.regex' = '^(.*)$')\nSTORED AS TEXTFILE");
  expect(hive).toContain('-- SELECT value FROM `ckafka_orders`');
});

test('original layout: partitioned by dt alone, each date folder added with its location', () => {
  for (const engine of ['dlc', 'hive'] as const) {
    const ddl = tableDdl(table({ keyLayout: 'original', prefix: '' }), engine, options);
    expect(ddl).toContain(engine === 'dlc' ? 'PARTITIONED BY (`dt`)\n' : 'PARTITIONED BY (`dt` STRING)\n');
    expect(ddl).not.toContain('hour');
    expect(ddl).not.toContain('MSCK REPAIR TABLE `');
    expect(ddl).toContain("ALTER TABLE `ckafka_orders` ADD IF NOT EXISTS PARTITION (dt = '2026-11-30') LOCATION 'cosn://archive-1250000000/ckafka-abc123/topic-def456/2026-11-30/';");
  }
});

test('qualified table names are quoted part by part', () => {
  expect(tableDdl(table({ table: 'DataLakeCatalog.kafka.orders' }), 'dlc', options)).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `DataLakeCatalog`.`kafka`.`orders` (');
  expect(tableDdl(table({ table: 'kafka.orders' }), 'duckdb', { ...options, duckdbRoot: '/data/' })).toContain('CREATE OR REPLACE VIEW "kafka"."orders" AS');
});

test('DuckDB reads COS through its S3-compatible endpoint unless given a folder', () => {
  const ddl = tableDdl(table(), 'duckdb', options);
  expect(ddl).toContain("ENDPOINT 'cos.ap-guangzhou.myqcloud.com', URL_STYLE 'vhost'");
  expect(ddl).toContain("read_parquet('s3://archive-1250000000/kafka/ckafka-abc123/topic-def456/dt=*/hour=*/*.parquet', hive_partitioning = true");
  expect(tableDdl(table(), 'duckdb', { ...options, duckdbRoot: '/mnt/cos/' })).not.toContain('SECRET');
});

test('table names from topic names', () => {
  expect(defaultTableName('orders')).toBe('ckafka_orders');
  expect(defaultTableName('Orders.v1-eu')).toBe('ckafka_orders_v1_eu');
});

test('what cannot make a table is refused, naming the setting', () => {
  expect(() => tableDdl(table({ table: 'drop table x; --' }), 'dlc', options)).toThrow('table name "drop table x; --"');
  expect(() => tableDdl(table({ prefix: "it's/" }), 'dlc', options)).toThrow('COS_PREFIX "it\'s/"');
  expect(() => tableDdl(table({ instanceId: 'a/b' }), 'hive', options)).toThrow('CKAFKA_INSTANCE_ID "a/b"');
  expect(() => tableDdl(table({ topicId: '..' }), 'hive', options)).toThrow('topic id ".."');
  expect(() => tableDdl(table({ bucket: 'Bad_Bucket' }), 'dlc', options)).toThrow('COS_BUCKET "Bad_Bucket"');
  expect(() => tableDdl(table(), 'dlc', { exampleDate: '30/11/2026' })).toThrow('example date "30/11/2026"');
  expect(() => tableDdl(table(), 'duckdb', { ...options, duckdbRoot: '/no/slash' })).toThrow('must end with "/"');
});

describe('ckafka-cos ddl (the built CLI)', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [resolve(__dirname, '../../bin/ckafka-cos.js'), 'ddl', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
  const env = {
    COS_BUCKET: 'archive-1250000000',
    COS_REGION: 'ap-guangzhou',
    COS_PREFIX: 'kafka',
    CKAFKA_INSTANCE_ID: 'ckafka-abc123',
    CKAFKA_TOPIC_ID: 'topic-def456',
    KAFKA_TOPIC: 'orders',
    KEY_LAYOUT: 'hive',
  };

  test('prints the definition of the configured topic, format and layout', () => {
    const run = cli(['--engine', 'hive', '--date', '2026-11-30'], { ...env, FORMAT: 'jsonl', COMPRESSION: 'gzip' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${tableDdl(table({ format: 'jsonl', compression: 'gzip' }), 'hive', options)}\n`);
  });

  test('refuses an unknown engine and a configuration without the bucket, naming them', () => {
    const engine = cli(['--engine', 'presto'], env);
    expect(engine.status).toBe(2);
    expect(engine.stderr).toContain('--engine must be one of dlc, hive, duckdb, got "presto"');
    const { COS_BUCKET: _bucket, ...withoutBucket } = env;
    const missing = cli([], { ...withoutBucket, KAFKA_BROKERS: '127.0.0.1:9' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('needs COS_BUCKET');
  });
});

// The table definition that lets an engine query a topic's archive where it lies: DLC (Spark SQL on
// COS), Hive, or a DuckDB view. Pure text from the configuration; `ckafka-cos ddl` prints it.
//
// The topic's folder `{prefix}{instanceId}/{topicId}/` holds only data objects (bookkeeping lives under
// `{prefix}_ckafka-cos/`), so it is the table's location. With KEY_LAYOUT=hive its sub-folders are
// `dt=YYYY-MM-DD/hour=HH/`, partitions every engine discovers; with the original layout they are
// `YYYY-MM-DD/`, added as `dt` partitions one date at a time.
import type { CompressionName } from '../dump/compression';
import type { FormatName } from '../dump/format/registry';
import { dataFolder, extensionFor, type KeyLayout } from '../dump/keys';

export const QUERY_ENGINES = ['dlc', 'hive', 'duckdb'] as const;
export type QueryEngine = (typeof QUERY_ENGINES)[number];
/** The formats a table can read: the registry's. */
export type ArchiveFormat = FormatName;

export interface ArchiveTable {
  /** `name-appid`. */
  bucket: string;
  region: string;
  prefix: string;
  instanceId: string;
  topicId: string;
  format: ArchiveFormat;
  /** Object compression of lines and jsonl (`.gz`); Parquet compresses inside the file. */
  compression: CompressionName;
  keyLayout: KeyLayout;
  /** Table name, optionally qualified (`db.table`, `catalog.db.table`). */
  table: string;
}

export interface DdlOptions {
  /** The date of the example partition statement for the original layout (YYYY-MM-DD). */
  exampleDate: string;
  /**
   * DuckDB only: read from this folder (or URL) instead of COS, where the bucket's keys are files, e.g.
   * a synced copy or the local COS server's data folder. Ends with "/".
   */
  duckdbRoot?: string;
}

export class DdlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DdlError';
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** A table name from a topic name: `ckafka_` and the topic with anything but letters, digits and `_` as `_`. */
export function defaultTableName(topic: string): string {
  return `ckafka_${topic.replace(/[^A-Za-z0-9_]/g, '_')}`.toLowerCase();
}

function check(t: ArchiveTable, options: DdlOptions): void {
  const parts = t.table.split('.');
  if (parts.length > 3 || !parts.every((p) => IDENTIFIER.test(p))) throw new DdlError(`table name "${t.table}": use letters, digits and "_" (optionally db.table or catalog.db.table)`);
  if (!/^[a-z0-9-]+$/.test(t.bucket)) throw new DdlError(`COS_BUCKET "${t.bucket}": expected name-appid`);
  if (!/^[a-z0-9-]+$/.test(t.region)) throw new DdlError(`COS_REGION "${t.region}": expected a region such as ap-guangzhou`);
  for (const [what, value] of [
    ['CKAFKA_INSTANCE_ID', t.instanceId],
    ['topic id', t.topicId],
  ]) {
    if (!SEGMENT.test(value!) || value === '.' || value === '..') throw new DdlError(`${what} "${value}": must use only letters, digits, ".", "_" and "-"`);
  }
  // Locations are SQL string literals: keep quotes and backslashes out rather than escape them per dialect.
  if (/['\\]/.test(t.prefix)) throw new DdlError(`COS_PREFIX "${t.prefix}": a quote or backslash cannot go into a table location`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.exampleDate)) throw new DdlError(`example date "${options.exampleDate}": expected YYYY-MM-DD`);
  if (options.duckdbRoot !== undefined && (/'/.test(options.duckdbRoot) || !options.duckdbRoot.endsWith('/'))) throw new DdlError(`DuckDB root "${options.duckdbRoot}": must end with "/" and hold no quote`);
}

const topicFolder = (t: ArchiveTable) => dataFolder({ prefix: t.prefix, instanceId: t.instanceId, topicId: t.topicId });

/** Data object extension, as the dump names objects. */
function extension(t: ArchiveTable): string {
  return t.format === 'parquet' ? '.parquet' : extensionFor(t.format, t.compression);
}

interface Column {
  name: string;
  /** Spark SQL / Hive type. */
  sql: string;
  /** DuckDB type, where DuckDB is told the columns (JSON). */
  duckdb: string;
}

const col = (name: string, sql: string, duckdb: string): Column => ({ name, sql, duckdb });

/** The columns of each format, as its objects hold them. */
const COLUMNS: Record<ArchiveFormat, Column[]> = {
  parquet: [
    col('partition', 'INT', 'INTEGER'),
    col('offset', 'BIGINT', 'BIGINT'),
    col('timestamp', 'TIMESTAMP', 'TIMESTAMPTZ'),
    col('key', 'STRING', 'VARCHAR'),
    col('key_bytes', 'BINARY', 'BLOB'),
    col('value', 'STRING', 'VARCHAR'),
    col('value_bytes', 'BINARY', 'BLOB'),
    col('headers', 'ARRAY<STRUCT<key: STRING, value: BINARY>>', 'STRUCT("key" VARCHAR, "value" BLOB)[]'),
  ],
  jsonl: [
    col('partition', 'INT', 'INTEGER'),
    col('offset', 'BIGINT', 'BIGINT'),
    col('timestamp', 'BIGINT', 'BIGINT'),
    col('key', 'STRING', 'VARCHAR'),
    col('keyEncoding', 'STRING', 'VARCHAR'),
    col('headers', 'ARRAY<STRUCT<key: STRING, value: STRING, valueEncoding: STRING>>', 'STRUCT("key" VARCHAR, "value" VARCHAR, "valueEncoding" VARCHAR)[]'),
    col('value', 'STRING', 'VARCHAR'),
    col('valueEncoding', 'STRING', 'VARCHAR'),
  ],
  lines: [col('value', 'STRING', 'VARCHAR')],
};

const backquote = (name: string) => name.split('.').map((p) => `\`${p}\``).join('.');
const doubleQuote = (name: string) => name.split('.').map((p) => `"${p}"`).join('.');

function partitionColumns(t: ArchiveTable): string[] {
  return t.keyLayout === 'hive' ? ['dt', 'hour'] : ['dt'];
}

/** The statements that register partitions after the table is created. */
function partitionSteps(t: ArchiveTable, location: string, options: DdlOptions): string[] {
  const table = backquote(t.table);
  if (t.keyLayout === 'hive') {
    return [
      `-- Discover every dt=/hour= folder (again whenever new hours arrive):\nMSCK REPAIR TABLE ${table};`,
      `-- Or register new hours one at a time, without listing the whole location:\n-- ALTER TABLE ${table} ADD IF NOT EXISTS PARTITION (dt = '${options.exampleDate}', hour = '00');`,
    ];
  }
  return [
    `-- The original layout has date folders without "dt=": register each date with its folder\n-- (repeat for every date; KEY_LAYOUT=hive lets MSCK REPAIR TABLE find them instead):\nALTER TABLE ${table} ADD IF NOT EXISTS PARTITION (dt = '${options.exampleDate}') LOCATION '${location}${options.exampleDate}/';`,
  ];
}

function exampleQuery(t: ArchiveTable, table: string, quote: (name: string) => string, options: DdlOptions): string {
  const where = `dt = '${options.exampleDate}'`;
  if (t.format === 'lines') return `SELECT value FROM ${table} WHERE ${where} LIMIT 10;`;
  return `SELECT ${quote('partition')}, ${quote('offset')}, ${quote('timestamp')}, ${quote('key')}, ${quote('value')} FROM ${table} WHERE ${where} ORDER BY ${quote('partition')}, ${quote('offset')} LIMIT 10;`;
}

function dlc(t: ArchiveTable, location: string, options: DdlOptions): string {
  const columns = [...COLUMNS[t.format].map((c) => `  ${backquote(c.name)} ${c.sql}`), ...partitionColumns(t).map((p) => `  ${backquote(p)} STRING`)];
  const using = t.format === 'parquet' ? 'PARQUET' : t.format === 'jsonl' ? 'JSON' : 'TEXT';
  const create = `CREATE EXTERNAL TABLE IF NOT EXISTS ${backquote(t.table)} (\n${columns.join(',\n')}\n)\nUSING ${using}\nPARTITIONED BY (${partitionColumns(t).map(backquote).join(', ')})\nLOCATION '${location}';`;
  return [`-- DLC (Spark SQL): ${describe(t)}`, create, ...partitionSteps(t, location, options), `-- Example:\n-- ${exampleQuery(t, backquote(t.table), backquote, options)}`].join('\n\n');
}

/**
 * Hive before 4.0 cannot read Parquet's INT64 timestamps as TIMESTAMP (HIVE-21215: a ClassCastException
 * from LongWritable, seen with the Hive 2.3 SerDe Spark embeds): Hive gets the epoch milliseconds.
 */
const HIVE_TYPES: Record<string, string> = { TIMESTAMP: 'BIGINT' };

function hive(t: ArchiveTable, location: string, options: DdlOptions): string {
  const columns = COLUMNS[t.format].map((c) => `  ${backquote(c.name)} ${(HIVE_TYPES[c.sql] ?? c.sql).replace(/: /g, ':')}`);
  const storage =
    t.format === 'parquet'
      ? 'STORED AS PARQUET'
      : t.format === 'jsonl'
        ? "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS TEXTFILE"
        : // One column per line, whatever characters the line holds (a delimited format would split it).
          "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'\nWITH SERDEPROPERTIES ('input.regex' = '^(.*)$')\nSTORED AS TEXTFILE";
  const partitions = partitionColumns(t).map((p) => `${backquote(p)} STRING`).join(', ');
  const create = `CREATE EXTERNAL TABLE IF NOT EXISTS ${backquote(t.table)} (\n${columns.join(',\n')}\n)\nPARTITIONED BY (${partitions})\n${storage}\nLOCATION '${location}';`;
  const note = t.format === 'parquet' ? ['-- `timestamp` is epoch milliseconds (NULL when none): Hive before 4.0 reads no Parquet INT64 timestamp as TIMESTAMP.\n-- Its time: CAST(from_unixtime(`timestamp` DIV 1000) AS TIMESTAMP).'] : [];
  return [`-- Hive: ${describe(t)}`, ...note, create, ...partitionSteps(t, location, options), `-- Example:\n-- ${exampleQuery(t, backquote(t.table), backquote, options)}`].join('\n\n');
}

function duckdb(t: ArchiveTable, options: DdlOptions): string {
  const folder = topicFolder(t);
  const root = options.duckdbRoot ?? `s3://${t.bucket}/`;
  const hiveLayout = t.keyLayout === 'hive';
  const glob = `${root}${folder}${hiveLayout ? 'dt=*/hour=*/' : '*/'}*${extension(t)}`;
  const partitioning = hiveLayout ? `hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hour': 'VARCHAR'}` : 'hive_partitioning = false, filename = true';
  let source: string;
  if (t.format === 'parquet') source = `read_parquet('${glob}', ${partitioning})`;
  else if (t.format === 'jsonl') {
    const columns = COLUMNS.jsonl.map((c) => `'${c.name}': '${c.duckdb.replace(/'/g, "''")}'`).join(', ');
    source = `read_json('${glob}', format = 'newline_delimited', columns = {${columns}}, ${partitioning})`;
  } else {
    // Each line whole as one VARCHAR (NUL as the delimiter: a line holds none in practice), up to 64 MiB.
    source = `read_csv('${glob}', columns = {'value': 'VARCHAR'}, header = false, delim = '\\0', quote = '', escape = '', max_line_size = 67108864, ${partitioning})`;
  }
  const dateFromPath = `regexp_extract(filename, '/(\\d{4}-\\d{2}-\\d{2})/[^/]*$', 1) AS dt`;
  const select = t.format === 'lines' ? `coalesce(value, '') AS value${hiveLayout ? ', dt, hour' : ''}` : hiveLayout ? '*' : '* EXCLUDE (filename)';
  const view = `CREATE OR REPLACE VIEW ${doubleQuote(t.table)} AS\nSELECT ${select}${hiveLayout ? '' : `, ${dateFromPath}`}\nFROM ${source};`;
  const cos = options.duckdbRoot
    ? []
    : [
        `-- Reading COS through its S3-compatible endpoint (the httpfs extension); fill in a key pair allowed to read the bucket:\nINSTALL httpfs;\nLOAD httpfs;\nCREATE OR REPLACE SECRET ckafka_cos (TYPE s3, KEY_ID '<SecretId>', SECRET '<SecretKey>', REGION '${t.region}', ENDPOINT 'cos.${t.region}.myqcloud.com', URL_STYLE 'vhost');`,
      ];
  return [`-- DuckDB: ${describe(t)}`, ...cos, view, `-- Example:\n${exampleQuery(t, doubleQuote(t.table), doubleQuote, options)}`].join('\n\n');
}

function describe(t: ArchiveTable): string {
  return `${t.format}${t.format !== 'parquet' && t.compression === 'gzip' ? ' (gzip)' : ''} objects, ${t.keyLayout} key layout, under cosn://${t.bucket}/${topicFolder(t)}`;
}

/** The statements (with comments) that define the archive of one topic as a table of `engine`. */
export function tableDdl(t: ArchiveTable, engine: QueryEngine, options: DdlOptions): string {
  check(t, options);
  const location = `cosn://${t.bucket}/${topicFolder(t)}`;
  switch (engine) {
    case 'dlc':
      return `${dlc(t, location, options)}\n`;
    case 'hive':
      return `${hive(t, location, options)}\n`;
    case 'duckdb':
      return `${duckdb(t, options)}\n`;
  }
}

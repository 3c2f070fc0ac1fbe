// DuckDB (the @duckdb/node-api build from npm) as a query engine over files the product wrote.
import { DuckDBBlobValue, DuckDBInstance, DuckDBListValue, DuckDBStructValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ReadRow } from './parquet-rows';

export async function withDuckDB<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows of a query as plain objects (BIGINT as number when safe, which the tests' values are). */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, DuckDBValue>>> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjects();
}

const blob = (v: DuckDBValue | undefined) => (v === null || v === undefined ? null : Buffer.from((v as DuckDBBlobValue).bytes).toString('base64'));
const int = (v: DuckDBValue | undefined) => (v === null || v === undefined ? null : Number(v as bigint | number));

/**
 * SQL that selects the envelope columns so that rowFrom() can read them: strings as their UTF-8 bytes
 * (the client's own string decoding would drop a leading byte order mark).
 */
export const ENVELOPE_SELECT = `"partition", "offset", epoch_ms("timestamp") AS "timestamp", encode("key") AS "key", key_bytes, encode("value") AS "value", value_bytes,
  list_transform(headers, h -> {'key': encode(h."key"), 'value': h."value"}) AS headers`;

export function rowFrom(r: Record<string, DuckDBValue>): ReadRow {
  const missing = ['partition', 'offset', 'timestamp', 'key', 'key_bytes', 'value', 'value_bytes', 'headers'].filter((name) => !(name in r));
  if (missing.length > 0) throw new Error(`query result lacks ${missing.join(', ')}`);
  const headers = r.headers as DuckDBListValue | null;
  return {
    partition: int(r.partition)!,
    offset: int(r.offset)!,
    timestamp: int(r.timestamp),
    key: blob(r.key),
    key_bytes: blob(r.key_bytes),
    value: blob(r.value),
    value_bytes: blob(r.value_bytes),
    headers: headers === null ? null : headers.items.map((h) => {
      const entries = (h as DuckDBStructValue).entries;
      return [Buffer.from((entries.key as DuckDBBlobValue).bytes).toString('utf8'), blob(entries.value)];
    }),
  };
}

/** Every row of Parquet files (a path or glob), in file order, as DuckDB reads them. */
export async function duckdbRows(connection: DuckDBConnection, files: string): Promise<ReadRow[]> {
  const rows = await queryRows(connection, `SELECT ${ENVELOPE_SELECT} FROM read_parquet('${files.replace(/'/g, "''")}')`);
  return rows.map(rowFrom);
}

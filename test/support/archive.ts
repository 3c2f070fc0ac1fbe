// A topic's archive as the dump lays it out, made directly (no Kafka, no consumer) for the query-engine
// tests: one object per partition and window, keyed by the product's own key function in the table's
// layout, written by the real formats.
import { gzipSync } from 'node:zlib';
import { BufferSink } from '../../src/dump/format/buffer-sink';
import { ParquetObjectWriter } from '../../src/dump/format/parquet';
import { FORMATS } from '../../src/dump/format/registry';
import { dataObjectKey, extensionFor } from '../../src/dump/keys';
import { windowStartOf } from '../../src/dump/window';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import type { ArchiveTable } from '../../src/query/ddl';
import { generateRecords } from './parquet-rows';

const WINDOW_MINUTES = 5;

export interface ArchivedRecord {
  partition: number;
  record: KafkaRecord;
  windowStartMs: number;
}

export interface ArchiveObject {
  key: string;
  body: Buffer;
  records: ArchivedRecord[];
}

/** Records of one partition spread over three hours of two days (UTC), a few without timestamp. */
export function partitionRecords(partition: number, count = 1500): KafkaRecord[] {
  const start = Date.UTC(2026, 10, 29, 23, 0, 0);
  return generateRecords(100 + partition, count, { bigValues: true }).map((r, i) => ({ ...r, timestamp: r.timestamp === -1 ? -1 : start + Math.floor((i / count) * 3 * 3_600_000) }));
}

export const hourOf = (ms: number) => new Date(ms).toISOString().slice(11, 13);

function body(table: ArchiveTable, partition: number, records: KafkaRecord[]): Buffer {
  const sink = new BufferSink();
  if (table.format === 'parquet') {
    const writer = new ParquetObjectWriter({ partition, rowGroupBytes: 256 * 1024, compression: 'snappy' });
    for (const record of records) writer.add(record, sink);
    writer.finish(sink);
    return Buffer.from(sink.bytes());
  }
  const format = FORMATS[table.format].create(partition, {});
  const tally = { tombstones: 0, invalidUtf8: 0 };
  for (const record of records) if (format.measure(record) >= 0) format.write(record, sink, tally);
  return table.compression === 'gzip' ? gzipSync(sink.bytes()) : Buffer.from(sink.bytes());
}

/** Objects as the dump cuts them: one per window, a record without timestamp joining the current window. */
export function archiveObjects(table: ArchiveTable, partition: number, records: KafkaRecord[]): ArchiveObject[] {
  const extension = table.format === 'parquet' ? '.parquet' : extensionFor(table.format, table.compression);
  const groups: Array<{ windowStartMs: number; records: KafkaRecord[] }> = [];
  for (const record of records) {
    const current = groups.at(-1);
    const window = record.timestamp === -1 && current ? current.windowStartMs : windowStartOf(Math.max(record.timestamp, 0), WINDOW_MINUTES);
    if (current?.windowStartMs === window) current.records.push(record);
    else groups.push({ windowStartMs: window, records: [record] });
  }
  const layout = { prefix: table.prefix, instanceId: table.instanceId, topicId: table.topicId, keys: table.keyLayout };
  return groups.map(({ windowStartMs, records: rs }) => ({
    key: dataObjectKey(layout, windowStartMs, partition, rs[0]!.offset, extension),
    body: body(table, partition, rs),
    records: rs.map((record) => ({ partition, record, windowStartMs })),
  }));
}

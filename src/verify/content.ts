// The invariant checker: the bytes of a partition's objects must be exactly the framed records of their
// ranges, in offset order, each once. The expected records come from Kafka (`verify --deep`) or from
// what a test produced; both are framed by the product's own format code and compared byte for byte.
import type { ObjectStore } from '../cos/store';
import { COMPRESSIONS } from '../dump/compression';
import { BufferSink, FORMATS, SKIPPED } from '../dump/format';
import type { Manifest } from '../dump/manifest';
import type { FetchedPartition } from '../kafka/fetch-response';
import { readPartition } from '../kafka/partition-reader';
import type { KafkaRecord } from '../kafka/record-batch';

/** Yields the records of [from, to) in offset order (records absent from the log are simply not yielded). */
export type RecordSource = (from: number, to: number) => AsyncIterable<KafkaRecord>;

export interface ContentMismatch {
  key: string;
  startOffset: number;
  message: string;
}

export interface ContentReport {
  objectsChecked: number;
  recordsChecked: number;
  bytesChecked: number;
  mismatches: ContentMismatch[];
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

export async function checkContent(store: ObjectStore, partition: number, manifests: Manifest[], source: RecordSource): Promise<ContentReport> {
  const report: ContentReport = { objectsChecked: 0, recordsChecked: 0, bytesChecked: 0, mismatches: [] };
  for (const manifest of manifests) {
    if (manifest.key === null) continue;
    const spec = FORMATS[manifest.format];
    await spec.prepare?.(manifest.formatSettings);
    const format = spec.create(partition, manifest.formatSettings);
    const expected = new BufferSink();
    const tally = { tombstones: 0, invalidUtf8: 0 };
    let records = 0;
    for await (const record of source(manifest.startOffset, manifest.nextOffset)) {
      if (format.measure(record) === SKIPPED) continue;
      format.write(record, expected, tally);
      records++;
    }
    format.finish?.(expected);
    const stored = await store.getObject(manifest.key);
    const fail = (message: string) => report.mismatches.push({ key: manifest.key!, startOffset: manifest.startOffset, message });
    if (!stored) {
      fail('object missing');
      continue;
    }
    const actual = await COMPRESSIONS[manifest.compression].read(stored.body, manifest.contentBytes);
    const want = expected.bytes();
    report.objectsChecked++;
    report.recordsChecked += records;
    report.bytesChecked += actual.length;
    if (records !== manifest.records) fail(`the log holds ${records} records for offsets ${manifest.startOffset}..${manifest.nextOffset - 1}, the manifest says ${manifest.records}`);
    if (!actual.equals(want)) {
      const at = firstDifference(actual, want);
      fail(`content differs from the log at byte ${at} (object ${actual.length} bytes, expected ${want.length})`);
    }
  }
  return report;
}

/** Records straight from the partition, read with the same reader the consumer uses. */
export function kafkaRecordSource(fetch: (offset: number, maxBytes: number) => Promise<FetchedPartition>, fetchMaxBytes: number, decompressedMaxBytes = 256 * 1024 * 1024): RecordSource {
  return async function* (from, to) {
    for await (const chunk of readPartition(from, to, { fetch, fetchMaxBytes, decompressedMaxBytes })) {
      for (const record of chunk.records) if (record.offset < to) yield record;
    }
  };
}

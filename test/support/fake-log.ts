// An in-memory PartitionLog for unit tests of the dump logic. Its batches are encoded by kafkajs's own
// RecordBatch encoder, so the product's decoder reads bytes it did not write itself.
import type { PartitionLog } from '../../src/dump/partition-log';
import type { FetchedPartition } from '../../src/kafka/fetch-response';
import { readPartition } from '../../src/kafka/partition-reader';

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const Long = require('kafkajs/src/utils/long');

export interface FakeRecord {
  value: Buffer | string | null;
  key?: Buffer | string | null;
  timestamp: number;
  headers?: Record<string, Buffer | string>;
}

export class FakeLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly groupId = 'fake-group';
  committedOffset: { offset: number; metadata: string | null } | undefined;
  commits: number[] = [];
  logStart = 0;
  fetches = 0;
  /** Bytes per fetch the dump asks for (FETCH_MAX_BYTES). */
  fetchMaxBytes = 64 * 1024;
  private batches: Array<{ first: number; last: number; bytes: Buffer }> = [];
  private next = 0;

  constructor(topic = 'events', partition = 0) {
    this.topic = topic;
    this.partition = partition;
  }

  get end(): number {
    return this.next;
  }

  /** Appends records as one batch (as one producer request would). */
  async append(records: FakeRecord[]): Promise<void> {
    const first = this.next;
    const base = records[0]?.timestamp ?? 0;
    const encoded = await RecordBatch({
      firstOffset: Long.fromNumber(first),
      firstTimestamp: base,
      maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
      lastOffsetDelta: records.length - 1,
      records: records.map((r, i) =>
        Record({
          offsetDelta: i,
          timestampDelta: r.timestamp - base,
          key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
          value: r.value === null ? null : Buffer.from(r.value),
          headers: r.headers ?? {},
        }),
      ),
    });
    this.next += records.length;
    this.batches.push({ first, last: this.next - 1, bytes: encoded.buffer });
  }

  async committed() {
    return this.committedOffset;
  }

  async commit(offset: number, metadata: string): Promise<void> {
    this.commits.push(offset);
    this.committedOffset = { offset, metadata };
  }

  async offsetFor(position: 'earliest' | 'latest' | number): Promise<number> {
    if (position === 'earliest') return this.logStart;
    if (position === 'latest') return this.next;
    throw new Error('timestamps are not supported by the fake log');
  }

  read(from: number, to: number, more: () => boolean) {
    return readPartition(from, to, { fetch: (offset, maxBytes) => this.fetch(offset, maxBytes), more, fetchMaxBytes: this.fetchMaxBytes, decompressedMaxBytes: 16 * 1024 * 1024 });
  }

  async fetch(offset: number, maxBytes: number): Promise<FetchedPartition> {
    this.fetches++;
    const base = { topic: this.topic, partition: this.partition, highWatermark: this.next, lastStableOffset: this.next, logStartOffset: this.logStart, abortedTransactions: [] };
    if (offset < this.logStart || offset > this.next) return { ...base, errorCode: 1, records: null };
    const chosen: Buffer[] = [];
    let size = 0;
    for (const batch of this.batches) {
      if (batch.last < offset) continue;
      if (chosen.length > 0 && size + batch.bytes.length > maxBytes) break;
      chosen.push(batch.bytes);
      size += batch.bytes.length;
    }
    return { ...base, errorCode: 0, records: Buffer.concat(chosen) };
  }
}

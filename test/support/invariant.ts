// The invariant every reliability test ends with, through the same checker `ckafka-cos verify --deep`
// uses: a partition's objects hold exactly the records Kafka has for the dumped range, in offset order,
// each once, and the manifests chain without gap or overlap. The expected records are read back with
// kafkajs, independently of the product's own Kafka reader.
import { Kafka, logLevel } from '../../src/kafka/kafkajs';
import type { ObjectStore } from '../../src/cos/store';
import type { Layout } from '../../src/dump/keys';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { auditPartition, describeFinding, isProblem, type PartitionAudit } from '../../src/verify/audit';
import { checkContent, type ContentMismatch, type RecordSource } from '../../src/verify/content';
import { newestChain, readDump, type ChainDump } from '../../src/verify/read-dump';
import { testBrokers, uniqueTopic } from './kafka';

/**
 * Every record of a partition as kafkajs reads it (aborted transactions and markers excluded).
 * `maxBytesPerPartition` is for tests that want one batch per fetch.
 */
export async function kafkajsRecords(topic: string, partition: number, brokers = testBrokers(), options: { maxBytesPerPartition?: number } = {}): Promise<KafkaRecord[]> {
  const kafka = new Kafka({ clientId: 'invariant', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const high = Number(offsets.find((o) => o.partition === partition)?.high ?? 0);
  const records: KafkaRecord[] = [];
  if (high === 0) return records;
  const consumer = kafka.consumer({ groupId: uniqueTopic('invariant'), readUncommitted: false, maxBytes: 64 * 1024 * 1024, ...options });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    // kafkajs calls eachBatch only for batches with records left once markers and aborted records are
    // filtered out; a fetch that brings only a transaction marker (often the end of a log) is seen by
    // this event alone.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.partition === partition && Number(payload.lastOffset) + 1 >= high) resolve();
    });
    consumer
      .run({
        eachBatch: async ({ batch, resolveOffset, heartbeat, pause }) => {
          // The other partitions of the topic are not fetched again.
          if (batch.partition !== partition) {
            pause();
            return;
          }
          for (const m of batch.messages) {
            records.push({ offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value: (value as Buffer | null) ?? null })) });
            resolveOffset(m.offset);
          }
          await heartbeat();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return records;
}

export function sourceOf(records: KafkaRecord[]): RecordSource {
  return async function* (from, to) {
    let low = 0;
    let high = records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (records[mid]!.offset < from) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < records.length && records[i]!.offset < to; i++) yield records[i]!;
  };
}

export interface InvariantResult {
  records: number;
  objects: number;
  firstOffset: number | null;
  endOffset: number | null;
}

export interface InvariantOptions {
  store: ObjectStore;
  layout: Layout;
  topic: string;
  partition: number;
  committed?: number;
  expectedEnd?: number;
  brokers?: string;
  /** What COS holds for the topic, when already read (reading it costs a request per manifest). */
  dump?: ChainDump[];
  /** What Kafka holds for the partition, when already read. */
  records?: KafkaRecord[];
}

/** The invariant's findings without failing: problems of the chain and mismatches of content, both empty when it holds. */
export async function checkInvariant(options: InvariantOptions): Promise<InvariantResult & { problems: string[]; mismatches: ContentMismatch[]; audit: PartitionAudit }> {
  const dump = newestChain(options.dump ?? (await readDump(options.store, options.layout)), options.partition);
  const audit = auditPartition(options.partition, dump.manifests, dump.objects, options.committed);
  const problems = audit.findings.filter(isProblem).map(describeFinding);
  const records = options.records ?? (await kafkajsRecords(options.topic, options.partition, options.brokers));
  const content = await checkContent(options.store, options.partition, dump.manifests, sourceOf(records));
  return { problems, mismatches: content.mismatches, audit, records: content.recordsChecked, objects: audit.objects, firstOffset: audit.firstOffset, endOffset: audit.endOffset };
}

export async function expectInvariant(options: InvariantOptions): Promise<InvariantResult> {
  const { problems, mismatches, records, objects, firstOffset, endOffset, audit } = await checkInvariant(options);
  expect({ problems, mismatches }).toEqual({ problems: [], mismatches: [] });
  if (options.expectedEnd !== undefined) expect(audit.endOffset ?? audit.firstOffset ?? 0).toBe(options.expectedEnd);
  return { records, objects, firstOffset, endOffset };
}

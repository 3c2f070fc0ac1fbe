// Where the dump stands lives in COS, end to end against real Kafka: a partition idle for longer than the
// broker keeps its group's offsets (with its dumped records deleted by retention meanwhile), a topic
// deleted and re-created under the same name, and producers with wrong clocks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from '../../src/kafka/kafkajs';
import { KafkaClient } from '../../src/kafka/client';
import { KafkaBroker } from '../../src/local/kafka/broker';
import { createTopicAndWait } from '../../src/local/kafka/topics';
import { parseDataObjectKey } from '../../src/dump/keys';
import { verifyTopic } from '../../src/verify/verify';
import { expectSameBytes } from '../support/bytes';
import { useTestCos } from '../support/cos';
import { asLines, consumerEnv, dumpPartition, INSTANCE_ID, readBack, TOPIC_ID } from '../support/dump';
import { createTopic, produce, testBrokers, uniqueTopic, withAdmin } from '../support/kafka';

const cos = useTestCos();

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('a partition idle for longer than offsets.retention.minutes', () => {
  let broker: KafkaBroker;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-test-expiry-'));
    // Group offsets expire a minute after their last commit, checked every two seconds.
    broker = await KafkaBroker.start({ dir, heapMb: 384, overrides: { 'offsets.retention.minutes': 1, 'offsets.retention.check.interval.ms': 2000 } });
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps its new records exactly once, with no false loss, after Kafka forgot its offset and retention its dumped records', async () => {
    const kafka = new Kafka({ clientId: 'test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueTopic('idle');
    await createTopicAndWait(admin, topic, 1, [
      { name: 'retention.ms', value: '20000' },
      { name: 'segment.ms', value: '5000' },
    ]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = (values: string[]) => producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
    const env = consumerEnv(cos, topic, { KAFKA_BROKERS: broker.bootstrap });
    try {
      const first = Array.from({ length: 1000 }, (_, i) => `first ${i}`);
      await send(first);
      expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', toOffset: 1000 });
      // A record after segment.ms rolls the segment, so retention can delete the dumped ones.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      await send(['roll']);
      expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', toOffset: 1001 });
      const client = await KafkaClient.connect({ brokers: [broker.bootstrap], clientId: 'test' });
      try {
        await until('retention to delete the dumped records', async () => ((await client.listOffset(topic, 0, -2)) >= 1001 ? true : undefined), 90_000);
        await until('the group offset to expire', async () => ((await client.committedOffset(env.KAFKA_GROUP_ID!, topic, 0)) === undefined ? true : undefined), 120_000);
      } finally {
        await client.close();
      }
      const later = Array.from({ length: 50 }, (_, i) => `later ${i}`);
      await send(later);
      const logs: string[] = [];
      const result = await dumpPartition(env, 0, { logs });
      expect(result).toMatchObject({ status: 'dumped', fromOffset: 1001, toOffset: 1051, records: 50 });
      expect(logs.some((line) => line.includes('"level":"error"'))).toBe(false);
      expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines([...first, 'roll', ...later]));
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

describe('a topic deleted and re-created under the same name, with CKAFKA_TOPIC_ID set', () => {
  async function recreate(topic: string): Promise<void> {
    await withAdmin(async (admin) => {
      await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
      await until('the topic to be gone', async () => ((await admin.listTopics()).includes(topic) ? undefined : true), 30_000);
    });
    // The broker may still be removing the old log for a moment.
    await until('the topic to be created again', async () => createTopic(topic, 1).then(() => true, () => undefined), 30_000);
  }

  it.each([
    ['fewer', 120],
    ['more', 400],
  ])('dumps every record of the new topic (%s records than before) into a chain of its own, replacing none', async (_label, newCount) => {
    const topic = uniqueTopic('recreated');
    await createTopic(topic, 1);
    const old = Array.from({ length: 200 }, (_, i) => `old ${i}`);
    await produce(topic, old.map((value, i) => ({ value, timestamp: String(Date.UTC(2026, 0, 1, 10) + i) })));
    const env = consumerEnv(cos, topic);
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', toOffset: 200 });
    const oldKeys = (await readBack(cos, `${topic}/`, 0)).keys;

    await recreate(topic);
    const fresh = Array.from({ length: newCount }, (_, i) => `new ${i}`);
    await produce(topic, fresh.map((value, i) => ({ value, timestamp: String(Date.UTC(2026, 0, 2, 10) + i) })));
    const logs: string[] = [];
    const result = await dumpPartition({ ...env, LOG_LEVEL: 'info' }, 0, { logs });

    expect(result).toMatchObject({ status: 'dumped', fromOffset: 0, toOffset: newCount, records: newCount });
    expect(logs.some((line) => line.includes('starting a new chain'))).toBe(true);
    const before = await readBack(cos, `${topic}/`, 0, 0);
    expect(before.keys).toEqual(oldKeys);
    expectSameBytes(before.content, asLines(old));
    const after = await readBack(cos, `${topic}/`, 0, 1);
    expectSameBytes(after.content, asLines(fresh));
    expect(after.keys.every((key) => parseDataObjectKey(key)?.generation === 1)).toBe(true);

    const kafka = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
    try {
      const verdict = await verifyTopic({ store: cos.store, layout: { prefix: `${topic}/`, instanceId: INSTANCE_ID, topicId: TOPIC_ID }, topic, groupId: env.KAFKA_GROUP_ID!, kafka, deep: true });
      expect(verdict.ok).toBe(true);
      expect(verdict.partitions.map((p) => [p.generation, p.audit.records, p.content?.recordsChecked])).toEqual([
        [0, 200, undefined],
        [1, newCount, newCount],
      ]);
    } finally {
      await kafka.close();
    }
  });
});

describe('producers with wrong clocks', () => {
  it.each(['false', 'true'])('neither stall the partition nor file later records far from their time (FLUSH_OPEN_WINDOW=%s)', async (flush) => {
    const topic = uniqueTopic('clocks');
    await createTopic(topic, 1);
    const now = Date.now();
    const t0 = now - 3600_000 - (now % 300_000);
    const stamps = [t0, t0 + 1000, Date.UTC(2100, 0, 1), t0 + 2000, Date.UTC(1970, 0, 1, 0, 0, 1), t0 + 3000, t0 + 600_000, t0 + 601_000];
    const values = stamps.map((_, i) => `r${i}`);
    await produce(topic, values.map((value, i) => ({ value, timestamp: String(stamps[i]) })));
    const logs: string[] = [];
    const result = await dumpPartition(consumerEnv(cos, topic, { FLUSH_OPEN_WINDOW: flush, LOG_LEVEL: 'info' }), 0, { logs });

    expect(result).toMatchObject({ status: 'dumped', toOffset: 8, lag: 0 });
    const stored = await readBack(cos, `${topic}/`, 0);
    expectSameBytes(stored.content, asLines(values));
    expect(stored.keys.map((key) => parseDataObjectKey(key)!.windowStartMs)).toEqual([t0, t0 + 600_000]);
    expect(stored.manifests.reduce((n, m) => n + m.unusableTimestamps, 0)).toBe(2);
    const warning = logs.map((line) => JSON.parse(line)).find((line) => line.msg?.includes('too far ahead'));
    expect(warning).toMatchObject({ level: 'warn', count: 2, firstOffset: 2, firstTimestamp: Date.UTC(2100, 0, 1) });
    const summary = logs.map((line) => JSON.parse(line)).find((line) => line.summary);
    expect(summary).toMatchObject({ unusableTimestamps: 2 });
  });
});

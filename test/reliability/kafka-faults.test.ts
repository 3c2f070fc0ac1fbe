// Fault matrix, Kafka rows: a broker restart in the middle of a dump, compacted and empty partitions,
// records of 0 bytes and of 10 MiB. (Retention that deleted unread data, and partitions added between
// ticks, are in test/e2e/consumer.test.ts and test/e2e/scheduler.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from '../../src/kafka/kafkajs';
import { KafkaBroker } from '../../src/local/kafka/broker';
import { createTopicAndWait } from '../../src/local/kafka/topics';
import { useTestCos } from '../support/cos';
import { dumpPartition } from '../support/dump';
import { expectInvariant, kafkajsRecords } from '../support/invariant';
import { createTopic, produce, uniqueTopic, withAdmin } from '../support/kafka';
import { invariant, layoutOf, reliabilityEnv, topicWithRecords } from '../support/reliability';

const cos = useTestCos();

describe('Kafka faults', () => {
  it('survives the broker stopping and restarting in the middle of a dump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'restart-kafka-'));
    const broker = await KafkaBroker.start({ dir });
    try {
      const topic = uniqueTopic('restart');
      const kafka = new Kafka({ clientId: 'restart', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await createTopicAndWait(admin, topic, 1);
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 20000; i += 2000) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 2000 }, (_, j) => ({ value: `${i + j} ${'k'.repeat(500)}`, timestamp: String(Date.UTC(2026, 0, 1)) })) });
      }
      await producer.disconnect();
      const env = reliabilityEnv(cos, topic, { KAFKA_BROKERS: broker.bootstrap, FETCH_MAX_BYTES: String(256 * 1024) });
      // Once the first object is stored, take the broker down for a few seconds.
      let restarted: Promise<void> | undefined;
      cos.server.events.on('stored', (key) => {
        if (restarted || !key.startsWith(`${topic}/ckafka-`)) return;
        restarted = (async () => {
          await broker.stop();
          await new Promise((r) => setTimeout(r, 2000));
          await broker.restart();
        })();
      });
      const result = await dumpPartition(env, 0, { timeLimitMs: 240_000 });
      await restarted;
      expect(restarted).toBeDefined();
      expect(result).toMatchObject({ status: 'dumped', toOffset: 20000 });
      const check = await expectInvariant({ store: cos.store, layout: layoutOf(topic), topic, partition: 0, expectedEnd: 20000, brokers: broker.bootstrap });
      expect(check.records).toBe(20000);
    } finally {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('dumps a compacted partition: exactly the records compaction kept, across the offset gaps', async () => {
    const topic = uniqueTopic('compacted');
    await createTopic(topic, 1, [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: '100' },
      { name: 'min.cleanable.dirty.ratio', value: '0.0001' },
      { name: 'delete.retention.ms', value: '0' },
      { name: 'min.compaction.lag.ms', value: '0' },
    ]);
    // Current timestamps: segments roll on the time between their records' timestamps.
    for (let round = 0; round < 4; round++) {
      await produce(topic, Array.from({ length: 50 }, (_, k) => ({ key: `key-${k}`, value: round === 3 && k % 5 === 0 ? null : `round ${round} key ${k}` })));
      await new Promise((r) => setTimeout(r, 300));
    }
    // Roll the last segment and let the cleaner run until the log has holes.
    let remaining = 200;
    for (let i = 0; i < 60 && remaining >= 200; i++) {
      await produce(topic, [{ key: 'roll', value: `roll ${i}` }]);
      await new Promise((r) => setTimeout(r, 500));
      remaining = (await kafkajsRecords(topic, 0)).filter((r) => r.offset < 200).length;
    }
    expect(remaining).toBeLessThan(200);
    // Freeze the log (no more cleaning) so that the dump and the check read the same records.
    await withAdmin((admin) => admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] }));
    await new Promise((r) => setTimeout(r, 1500));
    const env = reliabilityEnv(cos, topic, { FLUSH_OPEN_WINDOW: 'true' });
    const result = await dumpPartition(env, 0);
    expect(result.status).toBe('dumped');
    const end = Math.max(...(await kafkajsRecords(topic, 0)).map((r) => r.offset)) + 1;
    await invariant(cos, topic, 0, end);
  }, 90_000);

  it('dumps nothing from an empty partition, and records of 0 bytes as empty lines', async () => {
    const topic = uniqueTopic('empty');
    await createTopic(topic, 2);
    await produce(topic, [
      { partition: 1, value: '', timestamp: String(Date.UTC(2026, 0, 1)) },
      { partition: 1, value: 'x', timestamp: String(Date.UTC(2026, 0, 1)) },
      { partition: 1, value: '', timestamp: String(Date.UTC(2026, 0, 1)) },
    ]);
    const env = reliabilityEnv(cos, topic);
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', records: 0, objects: 0, toOffset: 0 });
    expect(await dumpPartition(env, 1)).toMatchObject({ status: 'dumped', records: 3, toOffset: 3 });
    await invariant(cos, topic, 0, 0);
    await invariant(cos, topic, 1, 3);
    const stored = await cos.store.listObjects(`${topic}/ckafka-`);
    expect(await Promise.all(stored.objects.map(async (o) => (await cos.store.getObject(o.key))!.body.toString()))).toEqual(['\nx\n\n']);
  });

  it('writes a 10 MiB record whole, across parts', async () => {
    const topic = await topicWithRecords('big', 0);
    await produce(topic, [
      { value: Buffer.alloc(10 * 1024 * 1024, 0x62), timestamp: String(Date.UTC(2026, 0, 1)) },
      { value: 'after', timestamp: String(Date.UTC(2026, 0, 1)) },
    ], { batchSize: 1 });
    expect(await dumpPartition(reliabilityEnv(cos, topic), 0)).toMatchObject({ records: 2, toOffset: 2 });
    await invariant(cos, topic, 0, 2);
  });
});

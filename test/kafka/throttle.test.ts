// A broker that throttles (a consumer byte-rate quota on the client id, set with Kafka's own
// kafka-configs tool, as CKafka caps an instance's bandwidth): the consumer pauses as the broker's
// throttle_time_ms says, and still reads every record.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KafkaClient } from '../../src/kafka/client';
import { readPartition } from '../../src/kafka/partition-reader';
import { kafkaJavaArgs } from '../../src/local/kafka/jars';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';

it('honours throttle_time_ms from a broker enforcing a consumer quota, and reads everything', async () => {
  const topic = uniqueTopic('throttle');
  await createTopic(topic, 1);
  const values = Array.from({ length: 600 }, (_, i) => `${i} ${'q'.repeat(1000)}`);
  await produce(topic, values.map((value) => ({ value })), { batchSize: 100 });
  const clientId = uniqueTopic('throttled');
  // 100 KB/s for this client id only: 600 KB takes several quota windows.
  const args = kafkaJavaArgs('kafka.admin.ConfigCommand', ['--bootstrap-server', testBrokers(), '--alter', '--add-config', 'consumer_byte_rate=100000', '--entity-type', 'clients', '--entity-name', clientId], 256);
  await promisify(execFile)('java', args, { timeout: 60_000 });

  const logs: Array<{ message: string; extra: Record<string, unknown> }> = [];
  const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId, onLog: (_level, message, extra) => logs.push({ message, extra }) });
  const pauses = () => logs.filter((l) => l.message.startsWith('the broker throttled this consumer'));
  try {
    // The quota reaches the broker through its metadata a moment after the tool returns: read the
    // partition again until the broker has throttled a pass (each pass must still give every record).
    // Bounded by time, not by passes: a fast reader finished ten passes before the quota arrived.
    const deadline = Date.now() + 60_000;
    while (pauses().length === 0 && Date.now() < deadline) {
      let read = 0;
      for await (const chunk of readPartition(0, values.length, { fetch: (offset, maxBytes) => client.fetch(topic, 0, offset, maxBytes, 100), fetchMaxBytes: 64 * 1024, decompressedMaxBytes: 1024 * 1024 })) {
        for (const record of chunk.records) expect(record.value!.toString()).toBe(values[read++]);
      }
      expect(read).toBe(values.length);
    }
  } finally {
    await client.close();
  }
  expect(pauses().length).toBeGreaterThan(0);
  expect(pauses().every((p) => (p.extra.pausedMs as number) > 0 && p.extra.topic === topic)).toBe(true);
});

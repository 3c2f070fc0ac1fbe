// The shared broker is real Apache Kafka: produce and consume through it, plain and with SASL/PLAIN.
import { Kafka, logLevel } from '../../src/kafka/kafkajs';
import { serverProperties } from '../../src/local/kafka/server-properties';
import { createTopic, produce, testKafka, testSaslBrokers, uniqueTopic } from '../support/kafka';

async function consumeAll(kafka: Kafka, topic: string, count: number): Promise<Array<{ partition: number; offset: string; value: string }>> {
  const consumer = kafka.consumer({ groupId: uniqueTopic('group') });
  const seen: Array<{ partition: number; offset: string; value: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, offset: message.offset, value: message.value!.toString('utf8') });
          if (seen.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

describe('local Kafka broker', () => {
  it('stores what a producer sends and gives it back to a consumer, per partition in order', async () => {
    const topic = uniqueTopic('roundtrip');
    await createTopic(topic, 3);
    const records = Array.from({ length: 300 }, (_, i) => ({ partition: i % 3, value: `record-${i}` }));
    await produce(topic, records);

    const seen = await consumeAll(testKafka(), topic, records.length);

    for (const partition of [0, 1, 2]) {
      const got = seen.filter((r) => r.partition === partition);
      expect(got.map((r) => r.value)).toEqual(records.filter((r) => r.partition === partition).map((r) => r.value));
      expect(got.map((r) => Number(r.offset))).toEqual(got.map((_, i) => i));
    }
  });

  it('accepts SASL/PLAIN clients with the right password and refuses a wrong one', async () => {
    const topic = uniqueTopic('sasl');
    await createTopic(topic, 1);
    await produce(topic, [{ value: 'over-sasl' }]);
    const { brokers, username, password } = testSaslBrokers();
    const sasl = (pw: string) => new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username, password: pw }, retry: { retries: 0 } });

    const seen = await consumeAll(sasl(password), topic, 1);
    expect(seen.map((r) => r.value)).toEqual(['over-sasl']);

    const admin = sasl('wrong-password').admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
  });

  it('writes a single-node KRaft configuration with every listener on loopback', () => {
    const text = serverProperties({ port: 1, saslPort: 2, controllerPort: 3, saslUsers: { u: 'p' }, ssl: { port: 4, keystore: '/k.p12', password: 'pw' }, logDir: '/d' });
    const listeners = /^listeners=(.*)$/m.exec(text)?.[1] ?? '';
    expect(listeners.split(',')).toEqual(['PLAINTEXT://127.0.0.1:1', 'SASL_PLAINTEXT://127.0.0.1:2', 'SSL://127.0.0.1:4', 'CONTROLLER://127.0.0.1:3']);
    expect(text).toContain('process.roles=broker,controller\n');
    expect(text).toContain('controller.quorum.voters=1@127.0.0.1:3\n');
  });
});

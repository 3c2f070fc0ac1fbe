// Helpers for tests that use the shared real broker started by global-setup.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type ITopicConfig } from '../../src/kafka/kafkajs';
import { DEFAULT_SASL_USERS } from '../../src/local/kafka/broker';
import { createTopicAndWait } from '../../src/local/kafka/topics';

export function testBrokers(): string {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set: run the tests through jest, whose global setup starts the broker');
  return brokers;
}

export function testSaslBrokers(): { brokers: string; username: string; password: string } {
  const brokers = process.env.TEST_KAFKA_SASL_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_SASL_BROKERS is not set: run the tests through jest');
  const [username, password] = Object.entries(DEFAULT_SASL_USERS)[0]!;
  return { brokers, username, password };
}

export function testSslBrokers(): { brokers: string; ca: string } {
  const brokers = process.env.TEST_KAFKA_SSL_BROKERS;
  const ca = process.env.TEST_KAFKA_SSL_CA;
  if (!brokers || !ca) throw new Error('TEST_KAFKA_SSL_BROKERS is not set: run the tests through jest');
  return { brokers, ca };
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'test', brokers: [testBrokers()], logLevel: logLevel.NOTHING });
}

/** A topic name no other test uses. */
export function uniqueTopic(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(topic: string, numPartitions = 1, configEntries: ITopicConfig['configEntries'] = []): Promise<void> {
  await withAdmin(async (admin) => {
    if (!(await createTopicAndWait(admin, topic, numPartitions, configEntries))) throw new Error(`topic ${topic} already exists`);
  });
}

export interface TestRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  timestamp?: string;
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
}

export async function produce(topic: string, records: TestRecord[], options: { batchSize?: number; compression?: number } = {}): Promise<void> {
  // Idempotent: a retried send (the broker still settling) must not put duplicates in the log the tests compare with.
  // Retried for longer than kafkajs's default: on a loaded machine a topic of many partitions reports its
  // leaders in metadata some seconds before the broker accepts writes for all of them.
  const producer = testKafka().producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: { retries: 12, initialRetryTime: 300, maxRetryTime: 5000 } });
  await producer.connect();
  try {
    const batchSize = options.batchSize ?? 1000;
    for (let i = 0; i < records.length; i += batchSize) {
      await producer.send({ topic, messages: records.slice(i, i + batchSize), acks: -1, compression: options.compression });
    }
  } finally {
    await producer.disconnect();
  }
}

// Shared set-up of the fault-matrix tests: a topic with records, a consumer configuration, and the end check.
import { leaseFolder } from '../../src/dump/keys';
import type { TestCos } from './cos';
import { consumerEnv, INSTANCE_ID, TOPIC_ID } from './dump';
import { expectInvariant, type InvariantResult } from './invariant';
import { createTopic, produce, uniqueTopic } from './kafka';
import { leaseHolder } from './lease';

export async function topicWithRecords(label: string, count: number, valueBytes = 500, partitions = 1): Promise<string> {
  const topic = uniqueTopic(label);
  await createTopic(topic, partitions);
  await produce(
    topic,
    Array.from({ length: count }, (_, i) => ({ partition: i % partitions, value: `${i} ${'r'.repeat(valueBytes)}`, timestamp: String(Date.UTC(2026, 0, 1)) })),
  );
  return topic;
}

export function layoutOf(topic: string) {
  return { prefix: `${topic}/`, instanceId: INSTANCE_ID, topicId: TOPIC_ID };
}

export function reliabilityEnv(cos: TestCos, topic: string, overrides: Record<string, string> = {}) {
  return consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(2 * 1024 * 1024), PART_SIZE_BYTES: String(1024 * 1024), LOG_LEVEL: 'fatal', LEASE_TTL_SECONDS: '5', ...overrides });
}

/** Waits until no live consumer holds the partition (a killed one's lease expires after its TTL). */
export async function leaseFree(cos: TestCos, topic: string, partition: number, ttlSeconds = 5): Promise<void> {
  const folder = leaseFolder(layoutOf(topic), partition);
  const deadline = Date.now() + (ttlSeconds + 10) * 1000;
  while ((await leaseHolder(cos.store, folder, ttlSeconds * 1000)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
}

export function invariant(cos: TestCos, topic: string, partition: number, expectedEnd: number): Promise<InvariantResult> {
  return expectInvariant({ store: cos.store, layout: layoutOf(topic), topic, partition, expectedEnd });
}

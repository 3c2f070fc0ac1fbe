// The event the scheduler sends each consumer invocation (also what a user may send by hand).
import * as z from '../util/zod';

export const ConsumerEventSchema = z.strictObject({
  topic: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name')),
  partition: z.number().check(z.int('must be a whole number'), z.gte(0, 'must be 0 or more'), z.lte(1_000_000)),
  topicId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a CKafka topic id'))),
  groupId: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  /** Set by the scheduler for a partition added after the dump began: dump it from its first record. */
  startFrom: z.optional(z.literal('earliest')),
  /** Which scheduler tick sent it, for tracing in logs. */
  tick: z.optional(z.string().check(z.maxLength(100))),
});

export type ConsumerEvent = z.infer<typeof ConsumerEventSchema>;

export class EventError extends Error {
  constructor(readonly problems: string[]) {
    super(`malformed consumer event (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EventError';
  }
}

export function parseConsumerEvent(event: unknown, configuredTopics: string[]): ConsumerEvent {
  const parsed = ConsumerEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new EventError(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)));
  }
  if (!configuredTopics.includes(parsed.data.topic)) {
    throw new EventError([`topic: "${parsed.data.topic}" is not one of the configured topics (KAFKA_TOPIC=${configuredTopics.join(',')})`]);
  }
  return parsed.data;
}

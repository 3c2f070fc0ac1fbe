// A consumer invocation's conversation with a real broker, recorded (recording-proxy.ts) to be played back
// later without one (replay-broker.ts): each answer the broker gave, in the order it gave them, with the
// API and version of the request it answered. What the invocation was asked and what it stored come with
// it, so that a replay can check it took the same path.
import { readFileSync } from 'node:fs';
import * as z from '../../util/zod';
import type { BrokerAddress } from './frames';

export interface Exchange {
  apiKey: number;
  apiVersion: number;
  /** The response frame, size prefix included. */
  response: Buffer;
}

export interface Conversation {
  /** What the recorded answers advertise as the broker's address. */
  advertised: BrokerAddress;
  /** The consumer's event and the environment it ran in (the broker and COS addresses aside). */
  event: { topic: string; partition: number };
  env: Record<string, string>;
  /** What the invocation dumped: records, and the sha256 of its data objects' bytes in key order. */
  expect: { records: number; sha256: string };
  exchanges: Exchange[];
}

const count = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().check(z.int(), z.gte(min), z.lte(max));
const schema = z.object({
  advertised: z.object({ host: z.string().check(z.minLength(1)), port: count(1, 65535) }),
  event: z.object({ topic: z.string().check(z.minLength(1)), partition: count(0) }),
  env: z.record(z.string(), z.string()),
  expect: z.object({ records: count(1), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) }),
  exchanges: z.array(z.object({ apiKey: count(0), apiVersion: count(0), response: z.string().check(z.minLength(1)) })).check(z.minLength(1)),
});

export function parseConversation(text: string, source: string): Conversation {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${source} is not a recorded Kafka conversation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const exchanges = parsed.data.exchanges.map((e, i) => {
    const response = Buffer.from(e.response, 'base64');
    if (response.length < 8 || response.readInt32BE(0) !== response.length - 4) throw new Error(`${source}: exchange ${i} is not one size-prefixed response frame`);
    return { apiKey: e.apiKey, apiVersion: e.apiVersion, response };
  });
  return { ...parsed.data, exchanges };
}

export function readConversation(file: string): Conversation {
  return parseConversation(readFileSync(file, 'utf8'), file);
}

export function formatConversation(conversation: Conversation): string {
  const exchanges = conversation.exchanges.map((e) => ({ apiKey: e.apiKey, apiVersion: e.apiVersion, response: e.response.toString('base64') }));
  return `${JSON.stringify({ ...conversation, exchanges }, null, 1)}\n`;
}

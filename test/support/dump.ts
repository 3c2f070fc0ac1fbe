// Running the consumer against the shared broker and a test COS server, and reading back what it wrote.
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { ensureDebianTool } from '../../src/local/debian-tools';
import { runConsumer, type ConsumerResult } from '../../src/consumer/consumer';
import { listAll, type ObjectStore } from '../../src/cos/store';
import { BOOKKEEPING_SEGMENT, parseDataObjectKey } from '../../src/dump/keys';
import { decodeManifest, type Manifest } from '../../src/dump/manifest';
import { TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION, type TestCos } from './cos';
import { testBrokers } from './kafka';
import { linesInto } from '../../src/log';

export const INSTANCE_ID = 'ckafka-e2etest1';
export const TOPIC_ID = 'topic-e2etest1';

export function consumerEnv(cos: TestCos, topic: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: testBrokers(),
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `group-${topic}`,
    CKAFKA_INSTANCE_ID: INSTANCE_ID,
    CKAFKA_TOPIC_ID: TOPIC_ID,
    COS_BUCKET: TEST_BUCKET,
    COS_REGION: TEST_REGION,
    COS_ENDPOINT: cos.server.endpoint,
    COS_PREFIX: `${topic}/`,
    FLUSH_OPEN_WINDOW: 'true',
    LOG_LEVEL: 'warn',
    TENCENTCLOUD_SECRETID: TEST_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRETKEY: TEST_CREDENTIALS.secretKey,
    ...overrides,
  };
}

export function context(timeLimitMs = 120_000, requestId = `req-${Math.random().toString(36).slice(2)}`) {
  return { request_id: requestId, function_name: 'dump-consumer', namespace: 'default', time_limit_in_ms: timeLimitMs, memory_limit_in_mb: 128 };
}

export function dumpPartition(env: Record<string, string>, partition: number, options: { timeLimitMs?: number; leaseTtlMs?: number; logs?: string[] } = {}): Promise<ConsumerResult> {
  const logDestination = options.logs && linesInto(options.logs);
  return runConsumer({ topic: env.KAFKA_TOPIC, partition }, context(options.timeLimitMs), { env, leaseTtlMs: options.leaseTtlMs, logDestination });
}

export interface StoredPartition {
  keys: string[];
  content: Buffer;
  manifests: Manifest[];
}

/** A partition's data objects of one chain in offset order, decompressed and concatenated, with its manifests. */
export async function readBack(from: TestCos | ObjectStore, prefix: string, partition: number, generation = 0): Promise<StoredPartition> {
  const store = 'store' in from ? from.store : from;
  const keys: string[] = [];
  const manifests: Manifest[] = [];
  const manifestPath = new RegExp(`/${BOOKKEEPING_SEGMENT}/manifests/[^/]+/[^/]+/${partition}/${generation > 0 ? `g${generation}/` : ''}\\d{20}\\.json$`);
  for await (const object of listAll(store, prefix)) {
    if (manifestPath.test(object.key)) {
      manifests.push(decodeManifest((await store.getObject(object.key))!.body, object.key));
    } else if (!object.key.includes(BOOKKEEPING_SEGMENT)) {
      const parts = parseDataObjectKey(object.key);
      if (parts?.partition === partition && parts.generation === generation) keys.push(object.key);
    }
  }
  // Offset order, not key order: keys begin with their window's date, which need not follow offsets.
  keys.sort((a, b) => parseDataObjectKey(a)!.startOffset - parseDataObjectKey(b)!.startOffset);
  const bodies = [];
  for (const key of keys) bodies.push(decompressed(key, (await store.getObject(key))!.body));
  return { keys, content: Buffer.concat(bodies), manifests: manifests.sort((a, b) => a.startOffset - b.startOffset) };
}

/**
 * An object's bytes as stored, decompressed by an independent reader: node:zlib for gzip, the zstd
 * command-line tool (installed on first use) for zstd.
 */
export function decompressed(key: string, body: Buffer): Buffer {
  if (key.endsWith('.gz')) return gunzipSync(body);
  if (!key.endsWith('.zst')) return body;
  const zstd = spawnSync(ensureDebianTool(['zstd'], 'zstd', 'to read zstd objects back in the tests'), ['-d', '-c', '-q'], { input: body, maxBuffer: 1 << 30 });
  if (zstd.status !== 0) throw new Error(`zstd -d failed on ${key}: ${zstd.stderr.toString()}`);
  return zstd.stdout;
}

export function asLines(values: Array<string | Buffer | null>): Buffer {
  return Buffer.concat(values.filter((v): v is string | Buffer => v !== null).map((v) => Buffer.concat([Buffer.from(v), Buffer.from('\n')])));
}

export interface ConsumerProcess {
  child: import('node:child_process').ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * The built consumer bundle in a child process, so a test can SIGKILL it at any point. Its log lines go to
 * `options.stdout` (a file descriptor) when given; the request id names the invocation in them.
 */
export function spawnConsumer(env: Record<string, string>, partition: number, timeLimitMs = 120_000, options: { requestId?: string; stdout?: number } = {}): ConsumerProcess {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const script = require.resolve('../fixtures/run-consumer.js');
  const args = [script, JSON.stringify({ topic: env.KAFKA_TOPIC, partition }), String(timeLimitMs), ...(options.requestId ? [options.requestId] : [])];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

/**
 * Dumps once the partition's lease is free: a killed consumer's lease blocks for LEASE_TTL_SECONDS after
 * its last renewal, give or take COS's one-second clock.
 */
export async function dumpWhenFree(env: Record<string, string>, partition: number, options: { timeLimitMs?: number; logs?: string[] } = {}): Promise<ConsumerResult> {
  const deadline = Date.now() + (Number(env.LEASE_TTL_SECONDS ?? 30) + 10) * 1000;
  for (;;) {
    const result = await dumpPartition(env, partition, options);
    if (result.status !== 'held' || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

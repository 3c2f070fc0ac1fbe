// Records a bundle's V8 code cache (scripts/code-cache/record.js) after a training invocation: the bundle's
// handler dumps a small partition (records in every codec) from a Kafka broker into the local COS server,
// then the cache is taken, so it holds the compiled code of every function an invocation runs, not only of
// the bundle's top level. A cold instance then compiles almost nothing. The broker is a replay of a
// recorded conversation (scripts/code-cache/training.json), so the build needs no Kafka; a training run
// that strays from the recording, or stores other bytes than it did, is reported and not used.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CosObjectStore } from '../cos/cos-store';
import { listAll, type ObjectStore } from '../cos/store';
import { BOOKKEEPING_SEGMENT } from '../dump/keys';
import { startCosServer } from './cos-server';
import { LOCAL_BUCKET, LOCAL_CREDENTIALS, LOCAL_REGION } from './defaults';
import type { Conversation } from './kafka/conversation';
import { startReplayBroker } from './kafka/replay-broker';
import { projectRoot } from './paths';

export interface TrainingSpec {
  event: Conversation['event'];
  env: Record<string, string>;
}

export interface TrainingRun {
  records: number;
  sha256: string;
}

export interface CacheRecord {
  bundle: string;
  /** Whether the cache was taken after a training invocation that dumped what the recording did. */
  trained: boolean;
  /** Why it was not. */
  reason?: string;
  records?: number;
  cacheBytes: number;
}

const RECORD_SCRIPT = () => join(projectRoot(), 'scripts', 'code-cache', 'record.js');

/** Records the bundle's code cache after its top level alone ran (no training). */
export function recordPlainCache(dir: string, node: string): CacheRecord {
  const run = spawnSync(node, [RECORD_SCRIPT(), dir], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`recording the code cache of ${dir} failed: ${run.stderr.trim()}`);
  return { bundle: dir, trained: false, cacheBytes: acceptedCacheBytes(dir, node) };
}

/**
 * Runs the bundle's handler once on `node` against the Kafka at `bootstrap` and a fresh local COS server,
 * then records the cache: what it dumped, as records and a digest of its data objects.
 */
export async function trainingRun(dir: string, node: string, bootstrap: string, spec: TrainingSpec): Promise<TrainingRun> {
  const work = mkdtempSync(join(tmpdir(), 'ckafka-cos-training-'));
  const cos = await startCosServer({ dataDir: join(work, 'cos'), credentials: [LOCAL_CREDENTIALS], buckets: [{ name: LOCAL_BUCKET, region: LOCAL_REGION }] });
  try {
    const resultFile = join(work, 'result.json');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...spec.env,
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: spec.event.topic,
      COS_BUCKET: LOCAL_BUCKET,
      COS_REGION: LOCAL_REGION,
      COS_ENDPOINT: cos.endpoint,
      TENCENTCLOUD_SECRETID: LOCAL_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRETKEY: LOCAL_CREDENTIALS.secretKey,
      CODE_CACHE_TRAINING: JSON.stringify({ event: spec.event, resultFile }),
    };
    // Spawned asynchronously: the COS server answers from this process meanwhile.
    const { status, stderr } = await runChild(node, [RECORD_SCRIPT(), dir], env);
    if (status !== 0) throw new Error(`the training invocation of ${dir} failed (exit ${status}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { status?: string; records?: number };
    if (result.status !== 'dumped' || typeof result.records !== 'number') throw new Error(`the training invocation of ${dir} ended ${JSON.stringify(result)}`);
    const store = new CosObjectStore({ ...LOCAL_CREDENTIALS, endpoint: cos.endpoint }, { bucket: LOCAL_BUCKET, region: LOCAL_REGION });
    return { records: result.records, sha256: await dataDigest(store) };
  } finally {
    await cos.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Trains and records the bundle's cache against a replay of `conversation`, or says why it could not. */
export async function recordTrainedCache(dir: string, node: string, conversation: Conversation): Promise<CacheRecord> {
  const broker = await startReplayBroker(conversation);
  let reason: string | undefined;
  let run: TrainingRun | undefined;
  try {
    run = await trainingRun(dir, node, broker.bootstrap, conversation);
    if (run.records !== conversation.expect.records || run.sha256 !== conversation.expect.sha256) {
      reason = `the training invocation dumped ${run.records} records (sha256 ${run.sha256}), the recording ${conversation.expect.records} (${conversation.expect.sha256})`;
    }
  } catch (err) {
    reason = (err as Error).message;
  } finally {
    await broker.close();
  }
  if (broker.unanswered().length > 0) reason = `${reason ?? 'the training invocation'}; requests the recording has no answer for (apiKey/version): ${broker.unanswered().join(', ')}`;
  if (reason) return { ...recordPlainCache(dir, node), reason };
  return { bundle: dir, trained: true, records: run?.records, cacheBytes: acceptedCacheBytes(dir, node) };
}

/** The size of the folder's cache, once a fresh process of `node` has accepted it. */
function acceptedCacheBytes(dir: string, node: string): number {
  const verdict = cacheVerdict(dir, node);
  if (verdict !== 'accepted') throw new Error(`${node} ${verdict} the code cache recorded for ${dir}`);
  return statSync(join(dir, 'bundle.cache')).size;
}

/** What a fresh process of `node` makes of the folder's cache: accepted, rejected or absent. */
export function cacheVerdict(dir: string, node: string): string {
  const check = spawnSync(node, ['-e', `process.stdout.write(require(${JSON.stringify(resolve(dir, "index.js"))}).codeCache)`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return check.status === 0 ? check.stdout.trim() : `failed to load (${check.stderr.trim().split('\n').pop()})`;
}

/** sha256 of the data objects' bytes, in key order (bookkeeping aside). */
async function dataDigest(store: ObjectStore): Promise<string> {
  const keys: string[] = [];
  for await (const { key } of listAll(store, '')) if (!key.split('/').includes(BOOKKEEPING_SEGMENT)) keys.push(key);
  const hash = createHash('sha256');
  for (const key of keys.sort()) {
    const object = await store.getObject(key);
    if (!object) throw new Error(`${key} was listed but cannot be read`);
    hash.update(object.body);
  }
  return hash.digest('hex');
}

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

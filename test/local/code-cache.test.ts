// The consumer's code cache, recorded after a training invocation against a replay of a recorded Kafka
// conversation (src/local/code-cache.ts): the build's own record of it, and a training run that strays
// from the recording or stores other bytes, which must be reported and leave a plain cache behind.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cacheVerdict, recordPlainCache, recordTrainedCache, type CacheRecord } from '../../src/local/code-cache';
import { readConversation, type Conversation } from '../../src/local/kafka/conversation';
import { ensureScfNode } from '../../src/local/scf-node';

const root = resolve(__dirname, '../..');
const conversation = readConversation(join(root, 'scripts/code-cache/training.json'));
const scfNode = ensureScfNode();
const built = new Map((JSON.parse(readFileSync(join(root, 'dist/code-cache.json'), 'utf8')) as CacheRecord[]).map((r) => [r.bundle, r]));
let folder: string;

beforeAll(() => {
  expect(scfNode).toBeDefined();
  folder = mkdtempSync(join(tmpdir(), 'code-cache-'));
  cpSync(join(root, 'dist/functions/consumer'), folder, { recursive: true });
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('the build trained the consumer\'s and the bench runner\'s caches on the recording, and SCF\'s Node.js takes them', () => {
  for (const bundle of ['dist/functions/consumer', 'dist/bench/consumer-runner']) {
    expect(built.get(bundle)).toMatchObject({ trained: true, records: conversation.expect.records });
    expect(cacheVerdict(join(root, bundle), scfNode!)).toBe('accepted');
  }
  expect(built.get('dist/functions/scheduler')).toMatchObject({ trained: false });
  // Trained, it holds the code of every function the invocation ran besides the bundle's top level.
  const plain = recordPlainCache(folder, scfNode!);
  expect(built.get('dist/functions/consumer')!.cacheBytes).toBeGreaterThan(plain.cacheBytes * 1.3);
});

it('trains a copy of the deployed folder: the replayed invocation stores the recorded bytes', async () => {
  const record = await recordTrainedCache(folder, scfNode!, conversation);
  expect(record).toMatchObject({ trained: true, records: conversation.expect.records });
});

const strays: Array<[string, (c: Conversation) => Conversation, RegExp]> = [
  ['a Fetch answer is missing', (c) => ({ ...c, exchanges: c.exchanges.filter((e) => e.apiKey !== 1) }), /requests the recording has no answer for \(apiKey\/version\): 1\/\d+/],
  ['the recording stored other bytes', (c) => ({ ...c, expect: { ...c.expect, sha256: 'f'.repeat(64) } }), /dumped \d+ records \(sha256 [0-9a-f]{64}\), the recording \d+ \(f{64}\)/],
];

it.each(strays)('reports a training run where %s, and records the plain cache instead', async (_what, change, reason) => {
  const record = await recordTrainedCache(folder, scfNode!, change(conversation));
  expect(record.trained).toBe(false);
  expect(record.reason).toMatch(reason);
  expect(cacheVerdict(folder, scfNode!)).toBe('accepted');
  // The plain cache's size (a few bytes vary from one recording to the next), not the trained one's.
  expect(record.cacheBytes).toBeLessThan(built.get('dist/functions/consumer')!.cacheBytes / 1.3);
});

// `ckafka-cos verify` on a real dump: passes as written, and fails with a clear report when an object is
// deleted, duplicated or altered.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startTestCos, type TestCos } from '../support/cos';
import { consumerEnv, dumpPartition, readBack } from '../support/dump';
import { createTopic, produce, uniqueTopic, withAdmin } from '../support/kafka';

let cos: TestCos;
let topic: string;
let env: Record<string, string>;
beforeAll(async () => {
  cos = await startTestCos();
  topic = uniqueTopic('verify');
  await createTopic(topic, 2);
  await produce(topic, Array.from({ length: 3000 }, (_, i) => ({ partition: i % 2, value: `${i} ${'v'.repeat(200)}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
  env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(100 * 1024) });
  await dumpPartition(env, 0);
  await dumpPartition(env, 1);
});
afterAll(async () => cos.stop());

// Asynchronously: the COS server the CLI talks to runs in this very process.
function cli(command: string, ...args: string[]): Promise<{ status: number | null; out: string }> {
  return cliWith(env, command, ...args);
}

function cliWith(withEnv: Record<string, string>, command: string, ...args: string[]): Promise<{ status: number | null; out: string }> {
  const bin = join(__dirname, '../../bin/ckafka-cos.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, command, ...args], { env: { PATH: process.env.PATH ?? '', ...withEnv, CONSUMER_FUNCTION_NAME: 'dump-consumer' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const verify = (...args: string[]) => cli('verify', ...args);

describe('ckafka-cos verify', () => {
  it('passes a complete dump, checking every record against Kafka with --deep', async () => {
    const { status, out } = await verify('--deep');
    expect(out).toMatch(/0 +\d+ +1500 .* 0\.\.1499 +1500 +1500 records match +ok/);
    expect(out).toMatch(/1 +\d+ +1500 .* 0\.\.1499 +1500 +1500 records match +ok/);
    expect(out).toContain('verify: ok');
    expect(status).toBe(0);
  });

  // Each in a fresh process, as a user runs it: the CLI must load what the objects need (zstd's WebAssembly
  // module for zstd objects and zstd Parquet pages) by itself.
  it.each([
    ['zstd objects', { COMPRESSION: 'zstd' }],
    ['gzip objects', { COMPRESSION: 'gzip' }],
    ['Parquet with zstd pages', { FORMAT: 'parquet', PARQUET_COMPRESSION: 'zstd' }],
  ])('with --deep, reads %s back and checks them byte for byte', async (_name, settings) => {
    const compressed = uniqueTopic('verify-codec');
    await createTopic(compressed, 1);
    await produce(compressed, Array.from({ length: 2000 }, (_, i) => ({ value: `${i} ${'w'.repeat(i % 300)}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const compressedEnv = consumerEnv(cos, compressed, { MAX_OBJECT_BYTES: String(100 * 1024), ...settings });
    expect(await dumpPartition(compressedEnv, 0)).toMatchObject({ status: 'dumped', records: 2000 });
    const { status, out } = await cliWith(compressedEnv, 'verify', '--deep');
    expect(out).toMatch(/0 +\d+ +2000 .* 0\.\.1999 +2000 +2000 records match +ok/);
    expect(status).toBe(0);
  });

  it('fails and names the gap when an object was deleted', async () => {
    const { keys } = await readBack(cos, `${topic}/`, 0);
    const victim = keys[1]!;
    const body = (await cos.store.getObject(victim))!.body;
    await cos.store.deleteObject(victim);
    try {
      const { status, out } = await verify();
      expect(status).toBe(1);
      expect(out).toContain(`partition 0: missing object: ${victim}`);
      expect(out).toMatch(/^1 .* ok$/m);
      expect(out).toContain('verify: FAILED');
    } finally {
      await cos.store.putObject(victim, body);
    }
  });

  it('fails and names the overlap when an object was duplicated under another start offset', async () => {
    const { keys, manifests } = await readBack(cos, `${topic}/`, 1);
    const copy = keys[0]!.replace(/_0000(\d+)\.txt$/, (_, digits: string) => `_0000${String(Number(digits) + 1).padStart(digits.length, '0')}.txt`);
    await cos.store.putObject(copy, (await cos.store.getObject(keys[0]!))!.body);
    const duplicateManifest = { ...manifests[0]!, key: copy, startOffset: manifests[0]!.startOffset + 1 };
    const manifestKey = `${topic}/_ckafka-cos/manifests/ckafka-e2etest1/topic-e2etest1/1/${String(duplicateManifest.startOffset).padStart(20, '0')}.json`;
    await cos.store.putObject(manifestKey, Buffer.from(JSON.stringify(duplicateManifest)));
    try {
      const { status, out } = await verify();
      expect(status).toBe(1);
      expect(out).toMatch(/partition 1: overlap: offsets 1\.\.\d+ are in more than one object/);
    } finally {
      await cos.store.deleteObject(copy);
      await cos.store.deleteObject(manifestKey);
    }
  });

  it('with --deep, fails on an object whose bytes were changed', async () => {
    const { keys } = await readBack(cos, `${topic}/`, 0);
    const original = (await cos.store.getObject(keys[0]!))!.body;
    const altered = Buffer.from(original);
    altered[10] = altered[10] === 0x41 ? 0x42 : 0x41;
    await cos.store.putObject(keys[0]!, altered);
    try {
      const { status, out } = await verify('--deep');
      expect(status).toBe(1);
      expect(out).toContain(`${keys[0]}: content differs from the log at byte 10`);
    } finally {
      await cos.store.putObject(keys[0]!, original);
    }
  });

  it('reports a group offset Kafka forgot as information, and plan shows the lag from the chain in COS', async () => {
    await withAdmin((admin) => admin.deleteGroups([env.KAFKA_GROUP_ID!]));
    const { status, out } = await verify();
    expect(out).toContain('partition 0: the group has no committed offset');
    expect(out).toContain('verify: ok');
    expect(status).toBe(0);
    const plan = await cli('plan', '--json');
    expect(plan.status).toBe(0);
    const partitions = (JSON.parse(plan.out) as { partitions: Array<Record<string, unknown>> }).partitions;
    expect(partitions.map((p) => [p.partition, p.committed, p.lag, p.chainEnd, p.chainLag])).toEqual([
      [0, undefined, 1500, 1500, 0],
      [1, undefined, 1500, 1500, 0],
    ]);
  });
});

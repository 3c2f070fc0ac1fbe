// The consumer through COS failures the SDK cannot hide: 5xx, SlowDown and connection resets on every
// kind of call, answered by retries with backoff; the dump ends exactly as without faults.
import { expectSameBytes } from '../support/bytes';
import { startTestCos, type TestCos } from '../support/cos';
import { asLines, consumerEnv, dumpPartition, readBack } from '../support/dump';
import { createTopic, produce, uniqueTopic } from '../support/kafka';
import type { CosFaultRule } from '../../src/local/cos-server';

const MiB = 1024 * 1024;
let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());
afterEach(() => cos.server.faults.clear());

const faults: Array<[string, CosFaultRule[]]> = [
  ['500 on upload parts', [{ op: 'UploadPart', times: 40, probability: 0.5, fault: { kind: 'status', status: 500, code: 'InternalError' } }]],
  ['SlowDown on PUTs (data, manifests, leases)', [{ op: 'PutObject', times: 40, probability: 0.5, fault: { kind: 'status', status: 503, code: 'SlowDown' } }]],
  ['connection resets on parts and completions', [
    { op: 'UploadPart', times: 3, fault: { kind: 'reset' } },
    { op: 'CompleteMultipartUpload', times: 2, fault: { kind: 'reset' } },
  ]],
  ['503 on initiate and list', [
    { op: 'InitiateMultipartUpload', times: 6, fault: { kind: 'status', status: 503, code: 'ServiceUnavailable' } },
    { op: 'ListObjects', times: 6, fault: { kind: 'status', status: 500, code: 'InternalError' } },
  ]],
];

describe('consumer under COS faults', () => {
  it.each(faults)('dumps exactly through %s', async (_label, rules) => {
    const topic = uniqueTopic('cos-faults');
    await createTopic(topic, 1);
    const values = Array.from({ length: 6000 }, (_, i) => `${i} ${'f'.repeat(600)}`);
    await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(2 * MiB), PART_SIZE_BYTES: String(MiB) });
    cos.server.faults.seed(42);
    for (const rule of rules) cos.server.faults.add(rule);

    const result = await dumpPartition(env, 0);

    expect(result).toMatchObject({ status: 'dumped', toOffset: 6000 });
    const injected = Object.values(cos.server.faults.injected()).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(0);
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
    expect(await cos.store.listMultipartUploads(`${topic}/`)).toEqual([]);
  });

  it('gives up with a clear error on a COS outage, commits nothing, and the next run completes', async () => {
    const topic = uniqueTopic('cos-outage');
    await createTopic(topic, 1);
    const values = Array.from({ length: 100 }, (_, i) => `v${i}`);
    await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const env = consumerEnv(cos, topic);
    cos.server.faults.add({ op: 'PutObject', target: `${topic}/ckafka-`, times: Infinity, fault: { kind: 'status', status: 503, code: 'ServiceUnavailable' } });
    await expect(dumpPartition(env, 0)).rejects.toThrow(/COS PutObject .* failed: ServiceUnavailable \(HTTP 503\)/);
    cos.server.faults.clear();
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', toOffset: 100 });
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
  }, 60_000);
});

// Fault matrix, COS rows: every failure COS can answer, on every call the consumer makes. Each row ends
// with the invariant (exactly the log's records, in order, once) and no upload left behind.
import type { CosFaultRule } from '../../src/local/cos-server';
import { startTestCos, type TestCos } from '../support/cos';
import { dumpPartition } from '../support/dump';
import { invariant, reliabilityEnv, topicWithRecords } from '../support/reliability';

let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());
afterEach(() => cos.server.faults.clear());

const status = (status: number, code: string) => ({ kind: 'status' as const, status, code });
const rows: Array<[string, CosFaultRule[]]> = [
  ['500 on PUT', [{ op: 'PutObject', times: 30, probability: 0.5, fault: status(500, 'InternalError') }]],
  ['503 on PUT', [{ op: 'PutObject', times: 30, probability: 0.5, fault: status(503, 'ServiceUnavailable') }]],
  ['SlowDown on PUT', [{ op: 'PutObject', times: 30, probability: 0.5, fault: status(503, 'SlowDown') }]],
  ['connection resets on PUT', [{ op: 'PutObject', times: 6, probability: 0.5, fault: { kind: 'reset' } }]],
  ['500 and resets on initiate', [{ op: 'InitiateMultipartUpload', times: 3, fault: status(500, 'InternalError') }, { op: 'InitiateMultipartUpload', times: 2, fault: { kind: 'reset' } }]],
  ['SlowDown and resets on upload part', [{ op: 'UploadPart', times: 20, probability: 0.5, fault: status(503, 'SlowDown') }, { op: 'UploadPart', times: 3, fault: { kind: 'reset' } }]],
  ['503 and resets on complete', [{ op: 'CompleteMultipartUpload', times: 3, fault: status(503, 'ServiceUnavailable') }, { op: 'CompleteMultipartUpload', times: 2, fault: { kind: 'reset' } }]],
  ['500 on GET and HEAD', [{ op: 'GetObject', times: 10, fault: status(500, 'InternalError') }, { op: 'HeadObject', times: 4, fault: status(500, 'InternalError') }]],
  ['500 and resets on list', [{ op: 'ListObjects', times: 6, fault: status(500, 'InternalError') }, { op: 'ListObjects', times: 2, fault: { kind: 'reset' } }]],
  ['latency spikes on every call', [{ op: '*', times: 40, probability: 0.3, fault: { kind: 'latency', ms: 150 } }]],
  ['an upload part that never completes', [{ op: 'UploadPart', nth: 2, times: 1, fault: { kind: 'hang' } }]],
];

describe('COS faults', () => {
  it.each(rows)('%s: retried with backoff, the dump is exact', async (_label, rules) => {
    const topic = await topicWithRecords('cos-fault', 6000, 600);
    const env = reliabilityEnv(cos, topic, { COS_TIMEOUT_SECONDS: '5' });
    cos.server.faults.seed(42);
    const handles = rules.map((rule) => cos.server.faults.add(rule));

    const result = await dumpPartition(env, 0, { timeLimitMs: 120_000 });

    expect(result).toMatchObject({ status: 'dumped', toOffset: 6000 });
    expect(handles.reduce((n, h) => n + h.hits, 0)).toBeGreaterThan(0);
    expect((await invariant(cos, topic, 0, 6000)).records).toBe(6000);
    expect(await cos.listMultipartUploads(`${topic}/`)).toEqual([]);
  }, 120_000);

  it.each([
    ['AccessDenied (a role without the policy)', status(403, 'AccessDenied'), /AccessDenied .*CAM policy/],
    ['NoSuchBucket', status(404, 'NoSuchBucket'), /NoSuchBucket .*does not exist in region/],
  ])('%s: a clear error, and no commit', async (_label, fault, message) => {
    const topic = await topicWithRecords('cos-denied', 100);
    const env = reliabilityEnv(cos, topic);
    cos.server.faults.add({ op: 'PutObject', target: `${topic}/ckafka-`, times: Infinity, fault });
    await expect(dumpPartition(env, 0)).rejects.toThrow(message);
    cos.server.faults.clear();
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', fromOffset: 0, toOffset: 100 });
    await invariant(cos, topic, 0, 100);
  });
});

// The execution role's policy grants exactly what the functions call: every COS, SCF and CKafka operation
// seen during real ticks (with a failed upload, so the abort path runs too) is allowed on the resources
// it touched, and every allowed action was used.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPolicy } from '../../src/deploy/cam-policy';
import { LOCAL_INSTANCE_ID, LOCAL_REGION } from '../../src/local/defaults';
import { startLocalStack } from '../../src/local/stack';
import { runScheduler } from '../../src/scheduler/scheduler';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';
import { DISCARD_LOGS } from '../../src/log';

const COS_ACTION: Record<string, string> = {
  PutObject: 'cos:PutObject',
  GetObject: 'cos:GetObject',
  HeadObject: 'cos:HeadObject',
  DeleteObject: 'cos:DeleteObject',
  ListObjects: 'cos:GetBucket',
  InitiateMultipartUpload: 'cos:InitiateMultipartUpload',
  UploadPart: 'cos:UploadPart',
  CompleteMultipartUpload: 'cos:CompleteMultipartUpload',
  AbortMultipartUpload: 'cos:AbortMultipartUpload',
  ListMultipartUploads: 'cos:ListMultipartUploads',
  ListParts: 'cos:ListParts',
};

function matches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
}

it('grants nothing beyond what the functions call, on the resources they touch', async () => {
  const topic = uniqueTopic('cam');
  await createTopic(topic, 2);
  await produce(topic, Array.from({ length: 4000 }, (_, i) => ({ partition: i % 2, value: `${i} ${'c'.repeat(700)}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
  const dir = mkdtempSync(join(tmpdir(), 'cam-'));
  const prefix = 'archive/';
  const stack = await startLocalStack({ dir, topics: [topic], brokers: testBrokers(), env: { COS_PREFIX: prefix, PART_SIZE_BYTES: String(1024 * 1024), LOG_LEVEL: 'fatal' }, workers: 2 });
  const cosCalls: Array<{ op: string; key: string }> = [];
  stack.cos.events.on('request', (op, key) => cosCalls.push({ op, key }));
  try {
    const tick = () => runScheduler({ Type: 'Manual' }, { request_id: 'cam', function_name: 'scheduler', time_limit_in_ms: 60_000 }, { env: stack.env, logDestination: DISCARD_LOGS });
    // The first completions are refused, so the consumers abort their uploads and fail; SCF's retry then
    // finishes the planned objects, and a later tick cleans up old lease epochs.
    stack.cos.faults.add({ op: 'CompleteMultipartUpload', times: 2, fault: { kind: 'status', status: 403, code: 'AccessDenied' } });
    await tick();
    await stack.api.idle();
    await produce(topic, [0, 1].map((partition) => ({ partition, value: 'more', timestamp: String(Date.UTC(2026, 0, 1)) })));
    await tick();
    await stack.api.idle();

    const policy = renderPolicy({ REGION: LOCAL_REGION, APPID: '1250000000', UIN: '100000000001', COS_BUCKET: stack.bucket, COS_PREFIX: prefix, FUNCTION_NAMESPACE: 'default', CONSUMER_FUNCTION_NAME: stack.env.CONSUMER_FUNCTION_NAME!, CKAFKA_INSTANCE_ID: LOCAL_INSTANCE_ID });
    const allows = (action: string, resource: string, prefixCondition?: string) =>
      policy.statement.some(
        (s) =>
          s.effect === 'allow' &&
          s.action.includes(`name/${action}`) &&
          s.resource.some((r) => matches(r, resource)) &&
          (!s.condition || (prefixCondition !== undefined && matches(s.condition.string_like!['cos:prefix']!, prefixCondition))),
      );
    const cosResource = (key: string) => `qcs::cos:${LOCAL_REGION}:uid/1250000000:${stack.bucket}/${key}`;

    const used = new Set<string>();
    for (const call of cosCalls) {
      const action = COS_ACTION[call.op]!;
      used.add(action);
      // Listings are bucket operations, allowed under the prefix condition.
      const listing = call.op === 'ListObjects' || call.op === 'ListMultipartUploads';
      const allowed = listing ? allows(action, cosResource('*'), call.key) : allows(action, cosResource(call.key));
      expect([call.op, call.key, allowed]).toEqual([call.op, call.key, true]);
    }
    for (const call of stack.api.calls()) {
      const action = call.action === 'Invoke' ? 'scf:InvokeFunction' : `ckafka:${call.action}`;
      used.add(action);
      const resource = call.action === 'Invoke' ? `qcs::scf:${LOCAL_REGION}:uin/100000000001:namespace/default/function/${call.target}` : `qcs::ckafka:${LOCAL_REGION}:uin/100000000001:ckafkaId/uin/100000000001/${call.target.split('/')[0]}`;
      expect([call.action, call.target, allows(action, resource)]).toEqual([call.action, call.target, true]);
    }
    const granted = policy.statement.flatMap((s) => s.action.map((a) => a.replace(/^name\//, '')));
    expect([...granted].sort()).toEqual([...used].sort());
    expect(stack.api.invocations().some((r) => r.status === 'failed')).toBe(true);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

// The local SCF/CKafka API emulator through the real tencentcloud-sdk-nodejs clients.
import { resolve } from 'node:path';
import { scf as scfSdk } from 'tencentcloud-sdk-nodejs-scf';
import { localTopicId, startApiEmulator, type ApiEmulator } from '../../src/local/api-emulator';
import { createCkafkaClient, createScfClient } from '../../src/tencent/clients';
import { createTopic, testBrokers, uniqueTopic } from '../support/kafka';

const fixture = (name: string) => resolve(__dirname, '../fixtures/functions', `${name}.js`);
const CREDS = { secretId: 'AKIDapiemulatortest0000000000000000', secretKey: 'api-emulator-test-secret' };
const TEMP = { secretId: 'AKIDtemporaryapi00000000000000000000', secretKey: 'temporary-api-secret', sessionToken: 'api-token' };
const ROLE = { secretId: 'AKIDrole', secretKey: 'role-secret', sessionToken: 'role-token' };

let api: ApiEmulator;
beforeAll(async () => {
  api = await startApiEmulator({
    credentials: [CREDS, TEMP],
    functions: [
      { name: 'echo', handlerFile: fixture('echo'), env: { CUSTOM: 'value' }, timeoutSec: 10, memoryMb: 128 },
      { name: 'fail', handlerFile: fixture('fail'), timeoutSec: 10, memoryMb: 128, asyncRetries: 2 },
      { name: 'sleep', handlerFile: fixture('sleep'), timeoutSec: 1, memoryMb: 128 },
    ],
    instances: { 'ckafka-test0001': { brokers: [testBrokers()] } },
    workers: 2,
    asyncRetryDelayMs: 50,
    roleCredentials: ROLE,
  });
});
afterAll(async () => api.close());
afterEach(() => api.faults.clear());

const scf = (credentials: { secretId: string; secretKey: string; sessionToken?: string } = CREDS) => createScfClient({ credentials, region: 'ap-guangzhou', endpoint: api.endpoint });

async function apiError(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected the API call to fail');
}

describe('SCF Invoke', () => {
  it('runs a RequestResponse invocation with the event, an SCF context and the role in its environment', async () => {
    const answer = await scf().Invoke({ FunctionName: 'echo', InvocationType: 'RequestResponse', ClientContext: JSON.stringify({ topic: 't', partition: 3 }) });
    expect(answer.Result?.InvokeResult).toBe(0);
    const result = JSON.parse(answer.Result!.RetMsg!);
    expect(result.event).toEqual({ topic: 't', partition: 3 });
    expect(result.context).toMatchObject({ request_id: answer.Result!.FunctionRequestId, function_name: 'echo', namespace: 'default', time_limit_in_ms: 10000, memory_limit_in_mb: 128 });
    expect(result.env).toEqual({ secretId: ROLE.secretId, token: ROLE.sessionToken, custom: 'value', name: 'echo' });
    expect(answer.Result!.Log).toContain('echo called');
  });

  it('queues an Event invocation, answers at once with its request id, and runs it', async () => {
    const answer = await scf().Invoke({ FunctionName: 'echo', InvocationType: 'Event', ClientContext: '{"n":1}' });
    const id = answer.Result!.FunctionRequestId!;
    await api.idle();
    const record = api.invocations().find((r) => r.requestId === id)!;
    expect(record).toMatchObject({ status: 'succeeded', invocationType: 'Event', event: { n: 1 }, attempt: 1 });
  });

  it('retries a failed async invocation as SCF does: the same event, twice more', async () => {
    await scf().Invoke({ FunctionName: 'fail', InvocationType: 'Event', ClientContext: '{"id":"retry-me"}' });
    await api.idle();
    const attempts = api.invocations().filter((r) => r.functionName === 'fail' && (r.event as { id: string }).id === 'retry-me');
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(3);
    expect(attempts[0]!.error).toContain('refusing {"id":"retry-me"}');
  });

  it('kills an invocation at its time limit and reports the timeout', async () => {
    const answer = await scf().Invoke({ FunctionName: 'sleep', InvocationType: 'RequestResponse', ClientContext: '{"ms":5000}' });
    expect(answer.Result!.InvokeResult).toBe(-1);
    expect(answer.Result!.ErrMsg).toMatch(/timed out after 1 s/);
  });

  it('runs no more invocations at once than it has workers', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => scf().Invoke({ FunctionName: 'sleep', InvocationType: 'Event', ClientContext: JSON.stringify({ ms: 150 }) })));
    await api.idle();
    const ids = new Set(answers.map((a) => a.Result!.FunctionRequestId));
    const runs = api.invocations().filter((r) => ids.has(r.requestId));
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    // The most runs overlapping at any start instant.
    const overlap = Math.max(...runs.map((a) => runs.filter((b) => b.startedAt! <= a.startedAt! && a.startedAt! < b.endedAt!).length));
    expect(overlap).toBe(2);
  });

  it('answers SCF errors for a missing function or namespace and an oversized async event', async () => {
    expect((await apiError(scf().Invoke({ FunctionName: 'nope', InvocationType: 'Event' }))).code).toBe('ResourceNotFound.Function');
    expect((await apiError(scf().Invoke({ FunctionName: 'echo', Namespace: 'other', InvocationType: 'Event' }))).code).toBe('ResourceNotFound.Namespace');
    expect((await apiError(scf().Invoke({ FunctionName: 'echo', InvocationType: 'Event', ClientContext: JSON.stringify({ pad: 'x'.repeat(130 * 1024) }) }))).code).toBe('InvalidParameterValue.ClientContext');
    expect((await apiError(scf().Invoke({ FunctionName: '' }))).code).toBe('MissingParameter');
  });

  it('throttles Invoke over the configured rate with the API throttling code, and records every arrival', async () => {
    const limited = await startApiEmulator({ credentials: [CREDS], functions: [{ name: 'echo', handlerFile: fixture('echo'), timeoutSec: 5, memoryMb: 128 }], invokeRateLimit: { perSecond: 5 }, workers: 1 });
    try {
      const client = createScfClient({ credentials: CREDS, region: 'ap-guangzhou', endpoint: limited.endpoint });
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => client.Invoke({ FunctionName: 'echo', InvocationType: 'Event', ClientContext: '{}' })));
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(results.length - rejected.length).toBe(5);
      expect(rejected.every((r) => (r.reason as { code: string }).code === 'RequestLimitExceeded')).toBe(true);
      expect(limited.arrivals().map((a) => a.accepted).filter(Boolean)).toHaveLength(5);
      expect(limited.arrivals()).toHaveLength(12);
      await limited.idle();
    } finally {
      await limited.close();
    }
  });

  it('injects API errors without side effects', async () => {
    const before = api.invocations().length;
    api.faults.add({ op: 'Invoke', nth: 1, times: 1, fault: { code: 'InternalError', message: 'boom' } });
    const err = await apiError(scf().Invoke({ FunctionName: 'echo', InvocationType: 'Event', ClientContext: '{}' }));
    expect([err.code, err.message]).toEqual(['InternalError', 'boom']);
    expect(api.invocations().length).toBe(before);
    await scf().Invoke({ FunctionName: 'echo', InvocationType: 'Event', ClientContext: '{}' });
    expect(api.faults.injected()).toEqual({ 'InternalError:Invoke': 1 });
    await api.idle();
  });
});

describe('signatures', () => {
  it('rejects a wrong key, an unknown SecretId, a stale timestamp and a missing token with the API codes', async () => {
    expect((await apiError(scf({ ...CREDS, secretKey: 'wrong' }).Invoke({ FunctionName: 'echo' }))).code).toBe('AuthFailure.SignatureFailure');
    expect((await apiError(scf({ secretId: 'AKIDunknown', secretKey: 'x' }).Invoke({ FunctionName: 'echo' }))).code).toBe('AuthFailure.SecretIdNotFound');
    expect((await apiError(scf({ ...TEMP, sessionToken: undefined }).Invoke({ FunctionName: 'echo' }))).code).toBe('AuthFailure.TokenFailure');
    expect((await scf(TEMP).Invoke({ FunctionName: 'echo' })).Result?.InvokeResult).toBe(0);
    const realNow = Date.now;
    Date.now = () => realNow() - 10 * 60_000;
    try {
      expect((await apiError(scf().Invoke({ FunctionName: 'echo' }))).code).toBe('AuthFailure.SignatureExpire');
    } finally {
      Date.now = realNow;
    }
  });

  it('takes parameters from a GET query string, signed over the host without its port as the Node SDK signs it', async () => {
    const client = new scfSdk.v20180416.Client({
      credential: { secretId: CREDS.secretId, secretKey: CREDS.secretKey },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: new URL(api.endpoint).host, protocol: 'http://', reqMethod: 'GET' } },
    });
    const event = { via: 'GET', text: 'a b&c=d+e %41 é' };
    const answer = await client.Invoke({ FunctionName: 'echo', InvocationType: 'RequestResponse', ClientContext: JSON.stringify(event) });
    expect(JSON.parse(answer.Result!.RetMsg!).event).toEqual(event);
    expect((await apiError(client.Invoke({ FunctionName: 'nope', InvocationType: 'RequestResponse' }))).code).toBe('ResourceNotFound.Function');
  });

  it('rejects an unsigned request', async () => {
    const response = await fetch(api.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tc-action': 'Invoke' }, body: '{}' });
    const body = (await response.json()) as { Response: { Error: { Code: string }; RequestId: string } };
    expect(body.Response.Error.Code).toBe('AuthFailure.InvalidAuthorization');
    expect(body.Response.RequestId).toBeTruthy();
  });
});

describe('CKafka DescribeTopicAttributes', () => {
  const ckafka = () => createCkafkaClient({ credentials: CREDS, region: 'ap-guangzhou', endpoint: api.endpoint });

  it("answers from the real broker's metadata with a stable topic id", async () => {
    const topic = uniqueTopic('describe');
    await createTopic(topic, 4);
    const first = await ckafka().DescribeTopicAttributes({ InstanceId: 'ckafka-test0001', TopicName: topic });
    expect(first.Result).toMatchObject({ PartitionNum: 4, TopicId: localTopicId('ckafka-test0001', topic) });
    expect(first.Result!.TopicId).toMatch(/^topic-[0-9a-z]{8}$/);
    expect(first.Result!.Partitions!.map((p) => p.Partition)).toEqual([0, 1, 2, 3]);
    const other = await startApiEmulator({ credentials: [CREDS], instances: { 'ckafka-test0001': { brokers: [testBrokers()] } } });
    try {
      const second = await createCkafkaClient({ credentials: CREDS, region: 'ap-guangzhou', endpoint: other.endpoint }).DescribeTopicAttributes({ InstanceId: 'ckafka-test0001', TopicName: topic });
      expect(second.Result!.TopicId).toBe(first.Result!.TopicId);
    } finally {
      await other.close();
    }
  });

  it('answers concurrent requests over one broker connection, closed with the emulator', async () => {
    const topic = uniqueTopic('describe-many');
    await createTopic(topic, 2);
    const brokerPort = Number(testBrokers().split(':').pop());
    const socketsToBroker = () =>
      (process as unknown as { _getActiveHandles(): Array<{ remotePort?: number; destroyed?: boolean }> })._getActiveHandles().filter((h) => h.remotePort === brokerPort && !h.destroyed).length;
    const before = socketsToBroker();
    const fresh = await startApiEmulator({ credentials: [CREDS], instances: { 'ckafka-test0001': { brokers: [testBrokers()] } } });
    const client = createCkafkaClient({ credentials: CREDS, region: 'ap-guangzhou', endpoint: fresh.endpoint });
    const answers = await Promise.all(Array.from({ length: 4 }, () => client.DescribeTopicAttributes({ InstanceId: 'ckafka-test0001', TopicName: topic })));
    expect(answers.map((a) => a.Result!.PartitionNum)).toEqual([2, 2, 2, 2]);
    await fresh.close();
    expect(socketsToBroker()).toBe(before);
  });

  it('names an unknown topic or instance', async () => {
    expect((await apiError(ckafka().DescribeTopicAttributes({ InstanceId: 'ckafka-test0001', TopicName: uniqueTopic('absent') }))).code).toBe('ResourceNotFound');
    expect((await apiError(ckafka().DescribeTopicAttributes({ InstanceId: 'ckafka-nope', TopicName: 'x' }))).code).toBe('InvalidParameterValue.InstanceNotExist');
  });
});

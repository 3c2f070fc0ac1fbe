// Bad input to the consumer: each problem gets its own clear message, and nothing is read or written.
import { startTestCos, TEST_BUCKET, type TestCos } from '../support/cos';
import { consumerEnv, context, readBack } from '../support/dump';
import { runConsumer } from '../../src/consumer/consumer';
import { listAll } from '../../src/cos/store';
import { createTopic, produce, testSaslBrokers, testSslBrokers, uniqueTopic } from '../support/kafka';
import { freePort } from '../../src/local/ports';
import { DISCARD_LOGS, linesInto } from '../../src/log';

let cos: TestCos;
let topic: string;
beforeAll(async () => {
  cos = await startTestCos();
  topic = uniqueTopic('e2e-errors');
  await createTopic(topic, 1);
  await produce(topic, [{ value: 'only', timestamp: String(Date.UTC(2026, 0, 1)) }]);
});
afterAll(async () => cos.stop());

async function objectsUnder(prefix: string): Promise<string[]> {
  const keys = [];
  for await (const o of listAll(cos.store, prefix)) keys.push(o.key);
  return keys;
}

async function failure(env: Record<string, string | undefined>, event: unknown = { topic, partition: 0 }, logs: string[] = []): Promise<string> {
  try {
    await runConsumer(event, context(20_000), { env, logDestination: linesInto(logs) });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the consumer to fail');
}

describe('consumer input errors', () => {
  it('lists every configuration problem at once, before touching Kafka or COS', async () => {
    const env = consumerEnv(cos, topic, { KAFKA_BROKERS: 'no-port', WINDOW_MINUTES: '1', FORMAT: 'xml' });
    delete (env as Record<string, string | undefined>).CKAFKA_INSTANCE_ID;
    const message = await failure(env);
    expect(message).toMatch(/invalid configuration \(4 problems\)/);
    for (const name of ['KAFKA_BROKERS', 'WINDOW_MINUTES', 'FORMAT', 'CKAFKA_INSTANCE_ID']) expect(message).toContain(name);
    expect(await objectsUnder(`${topic}/`)).toEqual([]);
  });

  it.each([
    [{ topic: 'other-topic', partition: 0 }, /"other-topic" is not one of the configured topics/],
    [{ topic: 'x', partition: -1 }, /partition: must be 0 or more/],
    [{ partition: 0 }, /topic:/],
    [{ topic: 'x', partition: 1.5 }, /partition: must be a whole number/],
    [{ topic: 'x', partition: 0, surprise: true }, /Unrecognized key/i],
    ['not an object', /malformed consumer event/],
  ])('rejects the event %j before reading or writing anything', async (event, pattern) => {
    const message = await failure(consumerEnv(cos, topic), event);
    expect(message).toMatch(pattern);
    expect(await objectsUnder(`${topic}/`)).toEqual([]);
  });

  it('says the credentials were rejected, and commits nothing', async () => {
    const message = await failure(consumerEnv(cos, topic, { TENCENTCLOUD_SECRETKEY: 'wrong-key' }));
    expect(message).toMatch(/SignatureDoesNotMatch.*rejected the credentials/);
  });

  it('says a bucket does not exist, or lives in another region', async () => {
    expect(await failure(consumerEnv(cos, topic, { COS_BUCKET: 'absent-1250000000' }))).toMatch(/NoSuchBucket.*bucket absent-1250000000 does not exist in region ap-guangzhou/);
    expect(await failure(consumerEnv(cos, topic, { COS_REGION: 'ap-shanghai' }))).toMatch(new RegExp(`bucket ${TEST_BUCKET} does not exist in region ap-shanghai.*COS buckets are regional`));
  });

  it("says an unreachable broker needs the instance's VPC", async () => {
    const port = await freePort();
    const message = await failure(consumerEnv(cos, topic, { KAFKA_BROKERS: `127.0.0.1:${port}` }));
    expect(message).toMatch(new RegExp(`cannot reach the Kafka brokers 127.0.0.1:${port}.*VPC`));
  }, 90_000);

  it('says the topic does not exist', async () => {
    const missing = uniqueTopic('missing');
    const logs: string[] = [];
    const message = await failure(consumerEnv(cos, missing), { topic: missing, partition: 0 }, logs);
    expect(message).toMatch(new RegExp(`topic ${missing} does not exist`));
    // Reads run side by side: the ones still retrying stop with the invocation, not seconds after it.
    const atFailure = logs.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(logs.slice(atFailure)).toEqual([]);
  });

  it('says SASL credentials were rejected', async () => {
    const { brokers, username } = testSaslBrokers();
    const message = await failure(consumerEnv(cos, topic, { KAFKA_BROKERS: brokers, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: 'wrong-password' }));
    expect(message).toMatch(/rejected the SASL credentials/);
    expect(message).not.toContain('wrong-password');
  });

  it('reads over SASL/PLAIN with the right password', async () => {
    const { brokers, username, password } = testSaslBrokers();
    const env = consumerEnv(cos, topic, { KAFKA_BROKERS: brokers, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password });
    const result = await runConsumer({ topic, partition: 0 }, context(), { env, logDestination: DISCARD_LOGS });
    expect(result).toMatchObject({ status: 'dumped', records: 1 });
    expect((await readBack(cos, `${topic}/`, 0)).content.toString()).toBe('only\n');
  });

  it('reads over TLS, trusting the CA given in KAFKA_SSL_CA, and explains a certificate it cannot trust', async () => {
    const { brokers, ca } = testSslBrokers();
    const untrusted = await failure(consumerEnv(cos, topic, { KAFKA_BROKERS: brokers, KAFKA_SSL: 'true' }));
    expect(untrusted).toMatch(/TLS connection .* failed .*KAFKA_SSL_CA/);
    const other = uniqueTopic('e2e-tls');
    await createTopic(other, 1);
    await produce(other, [{ value: 'over tls', timestamp: String(Date.UTC(2026, 0, 1)) }]);
    const env = consumerEnv(cos, other, { KAFKA_BROKERS: brokers, KAFKA_SSL_CA: ca });
    expect(await runConsumer({ topic: other, partition: 0 }, context(), { env, logDestination: DISCARD_LOGS })).toMatchObject({ status: 'dumped', records: 1 });
    expect((await readBack(cos, `${other}/`, 0)).content.toString()).toBe('over tls\n');
  });
});

// Secrets (the role's SecretKey and session token, the SASL password) never reach a log line, an error
// message or anything written to COS, in success and in failure.
import { resolve } from 'node:path';
import { runConsumer } from '../../src/consumer/consumer';
import { listAll } from '../../src/cos/store';
import { startApiEmulator, type ApiEmulator } from '../../src/local/api-emulator';
import { runScheduler } from '../../src/scheduler/scheduler';
import { startTestCos, TEST_BUCKET, TEST_REGION, type TestCos } from '../support/cos';
import { context } from '../support/dump';
import { createTopic, produce, testBrokers, testSaslBrokers, uniqueTopic } from '../support/kafka';
import { linesInto } from '../../src/log';

const ROLE = { secretId: 'AKIDsecretscan00000000000000000000', secretKey: 'SECRETKEY-3f9a1c7e5b2d4086a1b2c3d4e5f60718', sessionToken: 'SESSIONTOKEN-9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d' };
const sasl = testSaslBrokers();
const SECRETS = [ROLE.secretKey, ROLE.sessionToken, sasl.password];

let cos: TestCos;
let api: ApiEmulator;
let topic: string;
const captured: string[] = [];
const sink = linesInto(captured);

beforeAll(async () => {
  cos = await startTestCos([ROLE]);
  api = await startApiEmulator({ credentials: [ROLE], instances: { 'ckafka-secrets01': { brokers: [testBrokers()] } }, functions: [{ name: 'dump-consumer', handlerFile: resolve(__dirname, '../fixtures/functions/echo.js'), timeoutSec: 10, memoryMb: 128 }] });
  topic = uniqueTopic('secrets');
  await createTopic(topic, 2);
  await produce(topic, Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, value: `v${i}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
});
afterAll(async () => {
  await api.close();
  await cos.stop();
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: sasl.brokers,
    KAFKA_TOPIC: topic,
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: sasl.username,
    KAFKA_SASL_PASSWORD: sasl.password,
    CKAFKA_INSTANCE_ID: 'ckafka-secrets01',
    COS_BUCKET: TEST_BUCKET,
    COS_REGION: TEST_REGION,
    COS_ENDPOINT: cos.server.endpoint,
    COS_PREFIX: `${topic}/`,
    TC_CKAFKA_ENDPOINT: api.endpoint,
    TC_SCF_ENDPOINT: api.endpoint,
    CONSUMER_FUNCTION_NAME: 'dump-consumer',
    FLUSH_OPEN_WINDOW: 'true',
    LOG_LEVEL: 'trace',
    TENCENTCLOUD_SECRETID: ROLE.secretId,
    TENCENTCLOUD_SECRETKEY: ROLE.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: ROLE.sessionToken,
    ...overrides,
  };
}

async function errorText(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    const e = err as Error & { cause?: unknown };
    return `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String((e.cause as Error)?.message ?? '')}`;
  }
  throw new Error('expected a failure');
}

function leaked(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

it('keeps every secret out of logs, errors and COS, through successes and failures', async () => {
  const consumer = (overrides: Record<string, string> = {}, partition = 0) => runConsumer({ topic, partition }, context(), { env: env(overrides), logDestination: sink });
  const scheduler = (overrides: Record<string, string> = {}) => runScheduler({ Type: 'Manual' }, { request_id: 'tick', function_name: 'scheduler', time_limit_in_ms: 30_000 }, { env: env(overrides), logDestination: sink });

  expect(await consumer()).toMatchObject({ status: 'dumped', records: 25 });
  const second = await consumer({}, 1);
  expect(second).toMatchObject({ status: 'dumped', records: 25 });
  expect(await scheduler()).toMatchObject({ partitions: 2 });
  await api.idle();

  const errors = [
    // A wrong SASL password is a secret too: it must not be echoed back.
    await errorText(() => consumer({ KAFKA_SASL_PASSWORD: `${sasl.password}-WRONG` })),
    // With a topic id the consumer goes straight to COS; without, to the CKafka API first.
    await errorText(() => consumer({ TENCENTCLOUD_SECRETKEY: `${ROLE.secretKey}-WRONG`, CKAFKA_TOPIC_ID: 'topic-secrets1' })),
    await errorText(() => consumer({ TENCENTCLOUD_SESSIONTOKEN: `${ROLE.sessionToken}-WRONG`, CKAFKA_TOPIC_ID: 'topic-secrets1' })),
    await errorText(() => consumer({ TENCENTCLOUD_SESSIONTOKEN: `${ROLE.sessionToken}-WRONG` })),
    await errorText(() => consumer({ WINDOW_MINUTES: 'x', KAFKA_SASL_USERNAME: '' })),
    await errorText(() => scheduler({ TENCENTCLOUD_SECRETKEY: `${ROLE.secretKey}-WRONG` })),
  ];

  const written: string[] = [];
  for await (const object of listAll(cos.store, `${topic}/`)) {
    const stored = await cos.store.getObject(object.key);
    written.push(object.key, JSON.stringify(stored!.metadata), stored!.body.toString('utf8'));
  }

  expect(captured.length).toBeGreaterThan(10);
  expect(captured.some((line) => line.includes('"summary":true'))).toBe(true);
  expect(leaked(captured.join('\n'))).toEqual([]);
  expect(errors.map(leaked)).toEqual(errors.map(() => []));
  expect(leaked(written.join('\n'))).toEqual([]);
  // The failures were real and said what was wrong.
  expect(errors[0]).toMatch(/rejected the SASL credentials/);
  expect(errors[1]).toMatch(/SignatureDoesNotMatch/);
  expect(errors[2]).toMatch(/InvalidAccessKeyId/);
  expect(errors[3]).toMatch(/AuthFailure\.TokenFailure/);
  expect(errors[4]).toMatch(/invalid configuration/);
  expect(errors[5]).toMatch(/AuthFailure\.SignatureFailure/);
}, 90_000);

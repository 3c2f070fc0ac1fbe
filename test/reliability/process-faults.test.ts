// Fault matrix, process rows: the consumer SIGKILLed at seeded random points (in fetches, uploads,
// between upload and commit), and the scheduler fired twice in one window. (The same event delivered
// twice, two consumers at once and the time budget are in test/e2e/exactly-once.test.ts and
// test/e2e/consumer.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosObjectStore } from '../../src/cos/cos-store';
import { seededRandom } from '../../src/local/fault-rules';
import { localTopicId } from '../../src/local/api-emulator';
import { LOCAL_INSTANCE_ID } from '../../src/local/defaults';
import { startLocalStack } from '../../src/local/stack';
import { runScheduler } from '../../src/scheduler/scheduler';
import { startTestCos, type TestCos } from '../support/cos';
import { dumpWhenFree, spawnConsumer } from '../support/dump';
import { expectInvariant } from '../support/invariant';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';
import { invariant, leaseFree, reliabilityEnv } from '../support/reliability';
import { DISCARD_LOGS } from '../../src/log';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 8);

let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());

describe('process faults', () => {
  it(`survives ${KILLS} SIGKILLs at seeded random points, writing every record exactly once`, async () => {
    const random = seededRandom(20261124);
    const topic = uniqueTopic('kills');
    await createTopic(topic, 1);
    const env = reliabilityEnv(cos, topic, { MAX_OBJECT_BYTES: String(1024 * 1024), FETCH_MAX_BYTES: String(256 * 1024) });
    let produced = 0;
    const killedAt: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const batch = 6000 + Math.floor(random() * 3000);
      await produce(topic, Array.from({ length: batch }, (_, j) => ({ value: `${produced + j} ${'q'.repeat(300 + ((produced + j) % 200))}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
      produced += batch;
      const consumer = spawnConsumer(env, 0);
      // The kill comes as the k-th COS request of the run arrives: in the lease, the start marker, a
      // manifest, a part, a completion or the check before a commit, always with the next Kafka fetch in
      // flight (the reader prefetches). Every run makes more than twelve requests, so every kill lands.
      const onRequest = 1 + Math.floor(random() * 12);
      let seen = 0;
      const listener = (op: string) => {
        if (++seen !== onRequest) return;
        killedAt.push(`${op} #${seen}`);
        consumer.child.kill('SIGKILL');
      };
      cos.server.events.on('request', listener);
      const exit = await consumer.exited;
      cos.server.events.off('request', listener);
      expect([exit.signal, exit.stderr.slice(-500)]).toEqual(['SIGKILL', '']);
      await leaseFree(cos, topic, 0);
    }
    const last = await dumpWhenFree(env, 0, { timeLimitMs: 120_000 });
    expect(last).toMatchObject({ status: 'dumped', toOffset: produced });
    const check = await invariant(cos, topic, 0, produced);
    expect(check.records).toBe(produced);
    expect(killedAt).toHaveLength(KILLS);
    console.log(`kills survived: ${killedAt.length} (${killedAt.join(', ')}); records checked: ${check.records}`);
  }, 300_000);

  it('dumps exactly once when the scheduler fires twice in one window', async () => {
    const topic = uniqueTopic('double-tick');
    await createTopic(topic, 4);
    await produce(topic, Array.from({ length: 8000 }, (_, i) => ({ partition: i % 4, value: `${i} ${'d'.repeat(200)}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const dir = mkdtempSync(join(tmpdir(), 'double-'));
    const stack = await startLocalStack({ dir, topics: [topic], brokers: testBrokers(), env: { LOG_LEVEL: 'fatal', MAX_OBJECT_BYTES: String(256 * 1024) }, workers: 2 });
    try {
      const tick = (id: string) => runScheduler({ Type: 'Timer', TriggerName: 't', Time: '2026-01-01T00:05:30Z' }, { request_id: id, function_name: 'scheduler', time_limit_in_ms: 60_000 }, { env: stack.env, logDestination: DISCARD_LOGS });
      const [a, b] = await Promise.all([tick('first'), tick('second')]);
      expect(a.invoked + b.invoked).toBe(8);
      await stack.api.idle();
      const results = stack.api.invocations().map((r) => (r.result as { status: string }).status);
      expect(results.filter((s) => s === 'held').length + results.filter((s) => s === 'dumped').length).toBe(8);
      const store = new CosObjectStore({ secretId: stack.env.TENCENTCLOUD_SECRETID!, secretKey: stack.env.TENCENTCLOUD_SECRETKEY!, endpoint: stack.cos.endpoint }, { bucket: stack.bucket, region: stack.env.COS_REGION! });
      const layout = { prefix: '', instanceId: LOCAL_INSTANCE_ID, topicId: localTopicId(LOCAL_INSTANCE_ID, topic) };
      for (let p = 0; p < 4; p++) await expectInvariant({ store, layout, topic, partition: p, expectedEnd: 2000 });
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Soak: continuous production, scheduler ticks (some overlapping), and a seeded mix of faults from the
// matrix — COS errors, resets and latency, Invoke throttling and errors, consumers killed mid-run — for
// SOAK_SECONDS (default 120; `npm run soak` runs longer). At the end every partition's dump holds exactly
// what Kafka holds, once, in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosObjectStore } from '../../src/cos/cos-store';
import { localTopicId } from '../../src/local/api-emulator';
import { LOCAL_INSTANCE_ID } from '../../src/local/defaults';
import { seededRandom } from '../../src/local/fault-rules';
import { startLocalStack } from '../../src/local/stack';
import { runScheduler, type TickSummary } from '../../src/scheduler/scheduler';
import { pickWith, randomCosFault } from '../support/fault-mix';
import { expectInvariant } from '../support/invariant';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';
import { DISCARD_LOGS } from '../../src/log';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const SEED = Number(process.env.SOAK_SEED ?? 7);
const PARTITIONS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(`soaks for ${SECONDS} s under a seeded fault mix and loses or repeats nothing`, async () => {
  const random = seededRandom(SEED);
  const pick = pickWith(random);
  const topic = uniqueTopic('soak');
  await createTopic(topic, PARTITIONS);
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  const stack = await startLocalStack({
    dir,
    topics: [topic],
    brokers: testBrokers(),
    workers: 2,
    consumerTimeoutSec: 60,
    env: { LOG_LEVEL: 'fatal', LEASE_TTL_SECONDS: '5', FLUSH_OPEN_WINDOW: 'true', MAX_OBJECT_BYTES: String(3 * 1024 * 1024), PART_SIZE_BYTES: String(1024 * 1024), COS_TIMEOUT_SECONDS: '5', INVOKE_RATE_PER_SECOND: '100' },
  });
  stack.cos.faults.seed(SEED);
  stack.api.faults.seed(SEED);
  const stats = { ticks: 0, failedTicks: 0, produced: 0, tombstones: 0, crashes: 0, overlapping: 0 };
  const tick = (): Promise<TickSummary> => {
    stats.ticks++;
    return runScheduler({ Type: 'Manual' }, { request_id: `soak-${stats.ticks}`, function_name: 'scheduler', time_limit_in_ms: 30_000 }, { env: stack.env, logDestination: DISCARD_LOGS });
  };
  try {
    let pending: Promise<unknown> = Promise.resolve();
    const deadline = Date.now() + SECONDS * 1000;
    while (Date.now() < deadline) {
      // Now and then a large batch, so that objects pass a part and go up as multipart uploads.
      const count = random() < 0.2 ? 5000 + Math.floor(random() * 3000) : 100 + Math.floor(random() * 1500);
      const records = Array.from({ length: count }, () => {
        const roll = random();
        const value = roll < 0.03 ? null : roll < 0.1 ? Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))) : `soak ${stats.produced} ${'s'.repeat(Math.floor(random() * 1500))}`;
        if (value === null) stats.tombstones++;
        stats.produced++;
        return { partition: Math.floor(random() * PARTITIONS), value };
      });
      await produce(topic, records);

      stack.cos.faults.clear();
      stack.api.faults.clear();
      for (let i = Math.floor(random() * 3); i > 0; i--) stack.cos.faults.add(randomCosFault(random));
      if (random() < 0.3) stack.api.faults.add({ op: 'Invoke', probability: 0.2, times: 10, fault: { code: pick(['RequestLimitExceeded', 'InternalError']) } });

      const ticking = tick().catch(() => stats.failedTicks++);
      await sleep(200 + Math.floor(random() * 1300));
      if (random() < 0.3) stats.crashes += stack.api.crashRunning(1);
      if (random() < 0.5) {
        await ticking;
        await pending;
        await stack.api.idle();
      } else {
        stats.overlapping++;
        pending = Promise.all([pending, ticking]);
      }
    }

    // Calm: no more faults; ticks until the dump has caught up (crashed consumers' leases expire in 5 s).
    stack.cos.faults.clear();
    stack.api.faults.clear();
    await pending;
    await stack.api.idle();
    let lag = Infinity;
    for (let i = 0; i < 30 && lag > 0; i++) {
      lag = (await tick()).totalLag;
      await stack.api.idle();
      if (lag > 0) await sleep(1000);
    }
    expect(lag).toBe(0);

    const store = new CosObjectStore({ secretId: stack.env.TENCENTCLOUD_SECRETID!, secretKey: stack.env.TENCENTCLOUD_SECRETKEY!, endpoint: stack.cos.endpoint }, { bucket: stack.bucket, region: stack.env.COS_REGION! });
    const layout = { prefix: '', instanceId: LOCAL_INSTANCE_ID, topicId: localTopicId(LOCAL_INSTANCE_ID, topic) };
    let checked = 0;
    for (let partition = 0; partition < PARTITIONS; partition++) checked += (await expectInvariant({ store, layout, topic, partition })).records;
    const invocations = stack.api.invocations();
    const report = {
      seconds: SECONDS,
      seed: SEED,
      ...stats,
      // Every partition passed the invariant: no record lost, none repeated, all in offset order.
      recordsChecked: checked,
      cosFaultsInjected: stack.cos.faults.injected(),
      apiFaultsInjected: stack.api.faults.injected(),
      invocations: invocations.length,
      failedInvocations: invocations.filter((r) => r.status !== 'succeeded').length,
    };
    console.log(`soak report: ${JSON.stringify(report)}`);
    expect(checked).toBe(stats.produced - stats.tombstones);
    expect(Object.values(report.cosFaultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, (SECONDS + 300) * 1000);

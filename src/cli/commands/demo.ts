// `ckafka-cos demo`: the product's whole job on the embedded local stack, from nothing to a verified dump.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from '../../kafka/kafkajs';
import { CosObjectStore } from '../../cos/cos-store';
import { KafkaClient } from '../../kafka/client';
import { localTopicId } from '../../local/api-emulator';
import { LOCAL_INSTANCE_ID } from '../../local/defaults';
import { cacheDir } from '../../local/paths';
import { sampleEvents } from '../../local/sample-data';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { runScheduler } from '../../scheduler/scheduler';
import { verifyTopic } from '../../verify/verify';
import { readDump } from '../../verify/read-dump';
import { clearStackState, writeStackState } from '../environment';
import { Progress } from '../progress';
import { waitForSignal } from '../signals';
import { bytes, table } from '../table';
import { printVerdict } from './verify';
import { ensureTopic } from './local-stack';
import { DISCARD_LOGS } from '../../log';

const TOPIC = 'demo-events';
const PARTITIONS = 4;

async function produceSample(brokers: string, count: number, fromMs: number, toMs: number, seed: number, progress: Progress): Promise<number> {
  const producer = new Kafka({ clientId: 'ckafka-cos-demo', brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  let size = 0;
  try {
    const events = sampleEvents(count, fromMs, toMs, seed);
    for (let i = 0; i < events.length; i += 2000) {
      const chunk = events.slice(i, i + 2000);
      size += chunk.reduce((n, e) => n + e.value.length, 0);
      await producer.send({ topic: TOPIC, acks: -1, messages: chunk.map((e, j) => ({ key: `k${i + j}`, value: e.value, timestamp: String(e.timestamp), partition: (i + j) % PARTITIONS })) });
      progress.update(`producing: ${Math.min(i + 2000, count)}/${count} records`);
    }
  } finally {
    await producer.disconnect();
  }
  progress.done(`produced ${count} records (${bytes(size)}) to ${TOPIC}`);
  return size;
}

async function tick(stack: LocalStack, label: string): Promise<void> {
  const summary = await runScheduler({ Type: 'Manual' }, { request_id: `demo-${label}`, function_name: 'scheduler', time_limit_in_ms: 60_000 }, { env: stack.env, logDestination: DISCARD_LOGS });
  console.log(`scheduler tick ${label}: ${summary.partitions} partitions, ${summary.invoked} consumers invoked through SCF Invoke, ${summary.skipped} idle, total lag ${summary.totalLag}`);
  await stack.api.idle();
  const failed = stack.api.invocations().filter((r) => r.status !== 'succeeded');
  if (failed.length > 0) throw new Error(`consumer invocations failed: ${failed.map((f) => f.error).join('; ')}`);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { records: { type: 'string', default: '20000' }, keep: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: ckafka-cos demo [--records N] [--keep] [--dir D]\nStarts a local Kafka broker, COS server and SCF/CKafka API emulator, produces sample data, runs scheduler ticks, and shows the objects written. --keep leaves the stack running for `ckafka-cos run|plan|verify`.');
    return 0;
  }
  const dir = values.dir ?? cacheDir('demo');
  rmSync(dir, { recursive: true, force: true });
  const progress = new Progress();
  console.log('starting the local stack: Apache Kafka (KRaft), the COS server and the SCF/CKafka API emulator...');
  const stack = await startLocalStack({ dir, topics: [TOPIC], env: { FLUSH_OPEN_WINDOW: 'true', MAX_OBJECT_BYTES: String(1024 * 1024), LOG_LEVEL: 'warn' }, log: (line) => console.log(`  ${line}`) });
  try {
    console.log(`  kafka ${stack.brokers}, COS ${stack.cos.endpoint}, API ${stack.api.endpoint}`);
    await ensureTopic(stack.brokers, TOPIC, PARTITIONS);
    const count = Number(values.records);
    const now = Date.now();
    await produceSample(stack.brokers, Math.floor((count * 3) / 4), now - 25 * 60_000, now - 60_000, 1, progress);
    await tick(stack, '1');
    await produceSample(stack.brokers, Math.ceil(count / 4), now - 60_000, now, 2, progress);
    await tick(stack, '2');
    await tick(stack, '3 (nothing new)');

    const store = new CosObjectStore({ secretId: stack.env.TENCENTCLOUD_SECRETID!, secretKey: stack.env.TENCENTCLOUD_SECRETKEY!, endpoint: stack.cos.endpoint }, { bucket: stack.bucket, region: stack.env.COS_REGION! });
    const layout = { prefix: '', instanceId: LOCAL_INSTANCE_ID, topicId: localTopicId(LOCAL_INSTANCE_ID, TOPIC) };
    const dump = await readDump(store, layout);
    const rows = dump.flatMap((p) =>
      p.manifests.filter((m) => m.key !== null).map((m) => [m.key!, bytes(m.bytes), m.records, `${m.partition}: ${m.startOffset}..${m.nextOffset - 1}`]),
    );
    console.log(`\nobjects written to bucket ${stack.bucket}:`);
    console.log(table(['key', 'size', 'records', 'partition: offsets'], rows));
    console.log(`\nthey are files under ${join(stack.dataDir, stack.bucket)}/ (manifests and leases under _ckafka-cos/)`);

    const kafka = await KafkaClient.connect({ brokers: [stack.brokers], clientId: 'ckafka-cos-demo' });
    try {
      console.log('\nverify --deep (every record re-read from Kafka and compared):');
      const verdict = await verifyTopic({ store, layout, topic: TOPIC, groupId: stack.env.CONSUMER_FUNCTION_NAME!, kafka, deep: true });
      printVerdict(verdict);
      if (!verdict.ok) return 1;
    } finally {
      await kafka.close();
    }
    if (values.keep) {
      writeStackState({ pid: process.pid, env: stack.env, dataDir: stack.dataDir });
      console.log('\nthe stack keeps running: try `npx ckafka-cos plan`, `npx ckafka-cos run`, `npx ckafka-cos verify` in another terminal; Ctrl-C stops it');
      await waitForSignal();
      clearStackState();
    }
    return 0;
  } finally {
    await stack.stop();
  }
}

// `ckafka-cos local stack`: Kafka, the COS server and the API emulator together, until interrupted. Other
// commands (run, plan, verify) use it when no deployment is configured in the environment.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from '../../kafka/kafkajs';
import { createTopicAndWait } from '../../local/kafka/topics';
import { cacheDir } from '../../local/paths';
import { startLocalStack } from '../../local/stack';
import { clearStackState, writeStackState } from '../environment';
import { waitForSignal } from '../signals';

export async function ensureTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'ckafka-cos', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) await createTopicAndWait(admin, topic, partitions);
  } finally {
    await admin.disconnect();
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { topic: { type: 'string', default: 'demo-events' }, partitions: { type: 'string', default: '4' }, dir: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: ckafka-cos local stack [--topic T] [--partitions N] [--dir D]\nStarts Kafka, the COS server and the API emulator; `ckafka-cos run|plan|verify` then use it.');
    return 0;
  }
  const dir = values.dir ?? join(cacheDir('stack'), String(Date.now()));
  const stack = await startLocalStack({ dir, topics: [values.topic!], env: { FLUSH_OPEN_WINDOW: 'true' }, log: (line) => console.error(line) });
  await ensureTopic(stack.brokers, values.topic!, Number(values.partitions));
  writeStackState({ pid: process.pid, env: stack.env, dataDir: stack.dataDir });
  console.log(JSON.stringify({ ...stack.env, dataDir: stack.dataDir }, null, 2));
  console.error('local stack running; stop with Ctrl-C');
  await waitForSignal();
  clearStackState();
  await stack.stop();
  return 0;
}

// `ckafka-cos plan`: what the next scheduler tick would do — partitions, offsets, lag — writing nothing.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { KafkaClient } from '../../kafka/client';
import { discoverPartitions } from '../../scheduler/discover';
import { planTick } from '../../scheduler/plan';
import { createCkafkaClient } from '../../tencent/clients';
import { commandEnvironment } from '../environment';
import { table } from '../table';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: ckafka-cos plan [--json]\nPrints every partition with its end and committed offsets and lag, and whether the next tick would start a consumer for it.');
    return 0;
  }
  const { env, source } = commandEnvironment();
  const config = loadConfig(env, 'scheduler');
  const groupId = config.kafka.groupId ?? config.scheduler.consumerFunctionName;
  const kafka = await KafkaClient.connect({ brokers: config.kafka.brokers, clientId: 'ckafka-cos-plan', sasl: config.kafka.sasl, ssl: config.kafka.ssl });
  let plan;
  try {
    plan = planTick(await discoverPartitions(config, groupId, kafka, () => createCkafkaClient({ credentials: config.credentials, region: config.region, endpoint: config.ckafka.endpoint })));
  } finally {
    await kafka.close();
  }
  const rows = [...plan.work.map((p) => ({ ...p, action: p.fromEarliest ? 'invoke (new partition, from offset 0)' : 'invoke' })), ...plan.idle.map((p) => ({ ...p, action: 'skip (no new records)' }))].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
  );
  if (values.json) {
    console.log(JSON.stringify({ groupId, totalLag: plan.totalLag, partitions: rows }, null, 2));
    return 0;
  }
  console.log(`configuration: ${source}; consumer group: ${groupId}`);
  console.log(table(['topic', 'topic id', 'partition', 'end', 'committed', 'lag', 'next tick'], rows.map((r) => [r.topic, r.topicId, r.partition, r.end, r.committed ?? '-', r.lag, r.action])));
  console.log(`${plan.work.length} to invoke, ${plan.idle.length} idle, total lag ${plan.totalLag}`);
  return 0;
}

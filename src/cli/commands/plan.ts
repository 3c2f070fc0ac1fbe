// `ckafka-cos plan`: what the next scheduler tick would do — partitions, offsets, lag — writing nothing.
// With COS configured it also reads where each partition's chain in COS ends (the record of the dump) and
// shows the lag from there beside the lag the group's offset shows (a mirror Kafka may forget).
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config/config';
import { configuredStore } from '../../cos/configured-store';
import { locateChainEnd, parseChainHead } from '../../dump/chain';
import { leaseFolder } from '../../dump/keys';
import { KafkaClient } from '../../kafka/client';
import { leaseState } from '../../lease/lease';
import { discoverPartitions } from '../../scheduler/discover';
import { planTick, type PartitionOffsets } from '../../scheduler/plan';
import { createCkafkaClient } from '../../tencent/clients';
import { commandEnvironment } from '../environment';
import { table } from '../table';

/** Where each partition's newest chain ends, read from COS (a head in its lease, then forward). */
async function chainEnds(config: Config, partitions: PartitionOffsets[]): Promise<Map<string, { end: number; generation: number }>> {
  const store = configuredStore(config);
  const ends = new Map<string, { end: number; generation: number }>();
  for (const p of partitions) {
    const layout = { prefix: config.cos.prefix, instanceId: config.ckafka.instanceId, topicId: p.topicId, keys: config.dump.keyLayout };
    const head = parseChainHead(await leaseState(store, leaseFolder(layout, p.partition)));
    const { chain, position } = await locateChainEnd(store, layout, p.partition, head, p.committed);
    if (position) ends.set(`${p.topic}/${p.partition}`, { end: position.plan?.startOffset ?? position.offset, generation: chain.generation });
  }
  return ends;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(
      'usage: ckafka-cos plan [--json]\nPrints every partition with its end and committed offsets and lag, and whether the next tick would start a consumer for it.\nWith COS_BUCKET set it also shows where the dump stands in COS (the chain end) and the lag from there.',
    );
    return 0;
  }
  const { env, source } = commandEnvironment();
  const config = loadConfig(env, 'scheduler');
  const groupId = config.kafka.groupId ?? config.scheduler.consumerFunctionName;
  const kafka = await KafkaClient.connect({ brokers: config.kafka.brokers, clientId: 'ckafka-cos-plan', sasl: config.kafka.sasl, ssl: config.kafka.ssl });
  let partitions;
  try {
    partitions = await discoverPartitions(config, groupId, kafka, () => createCkafkaClient({ credentials: config.credentials, region: config.region, endpoint: config.ckafka.endpoint }));
  } finally {
    await kafka.close();
  }
  const plan = planTick(partitions, { nowMs: Date.now(), windowMinutes: config.dump.windowMinutes, windowGraceSeconds: config.dump.windowGraceSeconds });
  const chains = config.cos.bucket ? await chainEnds(config, partitions) : undefined;
  const rows = [...plan.work.map((p) => ({ ...p, action: p.fromEarliest ? 'invoke (new partition, from offset 0)' : 'invoke' })), ...plan.idle.map((p) => ({ ...p, action: 'skip (no new records)' }))]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((r) => {
      const chain = chains?.get(`${r.topic}/${r.partition}`);
      return { ...r, chainEnd: chain?.end, chainGeneration: chain?.generation, chainLag: chain ? Math.max(0, r.end - chain.end) : undefined };
    });
  if (values.json) {
    console.log(JSON.stringify({ groupId, totalLag: plan.totalLag, stalled: plan.stalled, partitions: rows }, null, 2));
    return 0;
  }
  console.log(`configuration: ${source}; consumer group: ${groupId}${chains ? '' : ' (set COS_BUCKET to see where the dump stands in COS)'}`);
  const columns = ['topic', 'topic id', 'partition', 'end', 'committed', 'lag', ...(chains ? ['chain end', 'lag (chain)'] : []), 'next tick'];
  console.log(
    table(
      columns,
      rows.map((r) => [
        r.topic,
        r.topicId,
        r.partition,
        r.end,
        r.committed ?? '-',
        r.lag,
        ...(chains ? [r.chainEnd === undefined ? '-' : `${r.chainEnd}${r.chainGeneration ? ` (chain ${r.chainGeneration})` : ''}`, r.chainLag ?? '-'] : []),
        r.action,
      ]),
    ),
  );
  for (const s of plan.stalled) console.log(`stalled: ${s.topic}/${s.partition} has not advanced since ${new Date(s.advancedAt).toISOString()} with ${s.lag} records waiting (last stop: ${s.lastStop})`);
  console.log(`${plan.work.length} to invoke, ${plan.idle.length} idle, total lag ${plan.totalLag}`);
  return 0;
}

// `ckafka-cos verify`: checks a dump for gaps, overlaps and missing objects; exits non-zero on any problem.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { configuredStore } from '../../cos/configured-store';
import { KafkaClient } from '../../kafka/client';
import { createCkafkaClient } from '../../tencent/clients';
import { describeTopic } from '../../tencent/topics';
import { describeFinding } from '../../verify/audit';
import { verifyTopic, type TopicVerdict } from '../../verify/verify';
import { commandEnvironment } from '../environment';
import { bytes, table } from '../table';

const HELP = `usage: ckafka-cos verify [--deep] [--json]
Reads the dump back from COS and checks, per partition, that the objects' offset ranges are contiguous
from the first dumped offset to the committed one, with no overlap, and that every object is there with
the size its manifest records. --deep also re-reads every dumped record from Kafka and compares bytes.
Configuration comes from the environment (see README), or from the running local stack.`;

export function printVerdict(verdict: TopicVerdict, log: (line: string) => void = console.log): void {
  log(`topic ${verdict.topic} (${verdict.topicId})`);
  log(
    table(
      ['partition', 'objects', 'records', 'stored', 'offsets', 'committed', 'content', 'result'],
      verdict.partitions.map(({ generation, audit, content, ok }) => [
        generation > 0 ? `${audit.partition} (chain ${generation})` : audit.partition,
        audit.objects,
        audit.records,
        bytes(audit.bytes),
        audit.firstOffset === null ? '-' : `${audit.firstOffset}..${audit.endOffset! - 1}`,
        audit.committed ?? '-',
        content ? (content.mismatches.length === 0 ? `${content.recordsChecked} records match` : `${content.mismatches.length} mismatches`) : 'not checked',
        ok ? 'ok' : 'FAIL',
      ]),
    ),
  );
  for (const { generation, audit, content } of verdict.partitions) {
    const name = `partition ${audit.partition}${generation > 0 ? ` (chain ${generation}, after the topic was re-created)` : ''}`;
    for (const finding of audit.findings) log(`  ${name}: ${describeFinding(finding)}`);
    for (const mismatch of content?.mismatches ?? []) log(`  ${name}: ${mismatch.key}: ${mismatch.message}`);
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { deep: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { env } = commandEnvironment();
  const config = loadConfig(env, 'consumer');
  const groupId = config.kafka.groupId ?? config.scheduler.consumerFunctionName;
  if (!groupId) throw new Error('KAFKA_GROUP_ID (or CONSUMER_FUNCTION_NAME) is needed to read the committed offsets');
  const store = configuredStore(config);
  const kafka = await KafkaClient.connect({ brokers: config.kafka.brokers, clientId: 'ckafka-cos-verify', sasl: config.kafka.sasl, ssl: config.kafka.ssl });
  const verdicts: TopicVerdict[] = [];
  try {
    for (const topic of config.kafka.topics) {
      const topicId = config.ckafka.topicId ?? (await describeTopic(createCkafkaClient({ credentials: config.credentials, region: config.region, endpoint: config.ckafka.endpoint }), config.ckafka.instanceId, topic)).topicId;
      const verdict = await verifyTopic({ store, layout: { prefix: config.cos.prefix, instanceId: config.ckafka.instanceId, topicId }, topic, groupId, kafka, deep: values.deep === true });
      verdicts.push(verdict);
      if (!values.json) printVerdict(verdict);
    }
  } finally {
    await kafka.close();
  }
  if (values.json) console.log(JSON.stringify(verdicts, null, 2));
  const ok = verdicts.every((v) => v.ok);
  if (!values.json) console.log(ok ? 'verify: ok' : 'verify: FAILED');
  return ok ? 0 : 1;
}

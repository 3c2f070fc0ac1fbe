// Finds every partition of the configured topics with its end and committed offsets.
import type { Config } from '../config/config';
import type { KafkaClient } from '../kafka/client';
import type { CkafkaClient } from '../tencent/clients';
import { describeTopic } from '../tencent/topics';
import { decodeCommitMetadata } from '../dump/partition-log';
import type { PartitionOffsets } from './plan';

export async function discoverPartitions(config: Config, groupId: string, kafka: KafkaClient, ckafka: () => CkafkaClient): Promise<PartitionOffsets[]> {
  const fromApi = config.scheduler.partitionSource === 'ckafka-api';
  const metadata = fromApi ? undefined : await kafka.partitions(config.kafka.topics);
  const all: PartitionOffsets[] = [];
  for (const topic of config.kafka.topics) {
    const attributes = fromApi || !config.ckafka.topicId ? await describeTopic(ckafka(), config.ckafka.instanceId, topic) : undefined;
    const topicId = config.ckafka.topicId ?? attributes!.topicId;
    const partitions = (fromApi ? attributes!.partitions : metadata!.get(topic)) ?? [];
    if (partitions.length === 0) continue;
    const [ends, committed] = await Promise.all([kafka.endOffsets(topic, partitions), kafka.committedOffsets(groupId, topic, partitions)]);
    for (const partition of partitions) {
      const group = committed.get(partition);
      all.push({ topic, topicId, partition, end: ends.get(partition)!, committed: group?.offset, metadata: decodeCommitMetadata(group?.metadata) });
    }
  }
  return all;
}

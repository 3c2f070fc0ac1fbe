// `ckafka-cos verify`: audits a topic's dump from COS against the group's committed offsets, and with
// `deep` re-reads every dumped record from Kafka and compares the objects' bytes.
import type { ObjectStore } from '../cos/store';
import type { Layout } from '../dump/keys';
import type { KafkaClient } from '../kafka/client';
import { auditPartition, isProblem, type PartitionAudit } from './audit';
import { checkContent, kafkaRecordSource, type ContentReport } from './content';
import { readDump } from './read-dump';

export interface PartitionVerdict {
  /** The chain audited: 0 for the first, more after the topic was re-created. */
  generation: number;
  audit: PartitionAudit;
  content?: ContentReport;
  ok: boolean;
}

export interface TopicVerdict {
  topic: string;
  topicId: string;
  partitions: PartitionVerdict[];
  ok: boolean;
}

export async function verifyTopic(options: { store: ObjectStore; layout: Layout; topic: string; groupId: string; kafka: KafkaClient; deep: boolean; fetchMaxBytes?: number }): Promise<TopicVerdict> {
  const { store, layout, topic, groupId, kafka } = options;
  const dump = await readDump(store, layout);
  const partitionIds = (await kafka.partitions([topic])).get(topic) ?? [];
  const committed = await kafka.committedOffsets(groupId, topic, partitionIds);
  const partitions: PartitionVerdict[] = [];
  for (const partition of [...new Set([...partitionIds, ...dump.map((c) => c.partition)])].sort((a, b) => a - b)) {
    const chains = dump.filter((c) => c.partition === partition);
    if (chains.length === 0) chains.push({ partition, generation: 0, manifests: [], objects: [] });
    for (const chain of chains) {
      // The group's offset mirrors the newest chain only; an older one belongs to a log Kafka no longer has.
      const newest = chain === chains[chains.length - 1];
      const audit = auditPartition(partition, chain.manifests, chain.objects, newest ? (committed.get(partition)?.offset ?? null) : undefined);
      let content: ContentReport | undefined;
      if (options.deep && newest) {
        const fetch = (offset: number, maxBytes: number) => kafka.fetch(topic, partition, offset, maxBytes, 100);
        content = await checkContent(store, partition, chain.manifests, kafkaRecordSource(fetch, options.fetchMaxBytes ?? 4 * 1024 * 1024));
      }
      partitions.push({ generation: chain.generation, audit, content, ok: !audit.findings.some(isProblem) && (content?.mismatches.length ?? 0) === 0 });
    }
  }
  return { topic, topicId: layout.topicId, partitions, ok: partitions.every((p) => p.ok) };
}

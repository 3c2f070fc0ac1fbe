// Creating topics on the local broker and waiting until every partition has a leader. kafkajs's own
// waitForLeaders trips over "does not host this topic-partition" while a fresh broker is still settling.
import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicPartitions {
  topic: string;
  partitions: number;
}

/** True when the broker's metadata has every listed topic with all its partitions led. */
export async function haveLeaders(admin: Admin, topics: TopicPartitions[]): Promise<boolean> {
  if (topics.length === 0) return true;
  const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
  return topics.every(({ topic, partitions }) => {
    const found = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
    return found.length === partitions && found.every((p) => p.leader >= 0);
  });
}

export async function createTopicAndWait(admin: Admin, topic: string, partitions: number, configEntries: ITopicConfig['configEntries'] = [], timeoutMs = 60_000): Promise<boolean> {
  // One replica, said explicitly: brokers before 2.4 refuse kafkajs's default of -1 ("the broker's default").
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await haveLeaders(admin, [{ topic, partitions }])) return created;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

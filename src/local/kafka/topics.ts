// Creating topics on the local broker and waiting until every partition has a leader. kafkajs's own
// waitForLeaders trips over "does not host this topic-partition" while a fresh broker is still settling.
import type { Admin, ITopicConfig } from 'kafkajs';

export async function createTopicAndWait(admin: Admin, topic: string, partitions: number, configEntries: ITopicConfig['configEntries'] = [], timeoutMs = 60_000): Promise<boolean> {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = metadata.topics[0]?.partitions ?? [];
      if (found.length === partitions && found.every((p) => p.leader >= 0)) return created;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

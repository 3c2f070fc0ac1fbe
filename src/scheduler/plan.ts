// Which partitions need a consumer this tick. Pure: the offsets come in, the plan goes out.

export interface PartitionOffsets {
  topic: string;
  topicId: string;
  partition: number;
  /** Log end offset (next offset to be written). */
  end: number;
  /** Group's committed offset; undefined for a partition never dumped (new, or the group is new). */
  committed?: number;
}

export interface PlannedPartition extends PartitionOffsets {
  lag: number;
  /**
   * A partition without a committed offset in a topic whose other partitions have one was added after the
   * dump began: it is dumped from its first record, whatever START_POSITION says.
   */
  fromEarliest: boolean;
}

export interface TickPlan {
  work: PlannedPartition[];
  idle: PlannedPartition[];
  totalLag: number;
}

/**
 * A partition has work when records lie beyond its committed offset. One never dumped has work as soon as
 * it holds any record (the consumer decides where to start: START_POSITION, or offset 0 for partitions
 * added later). An idle partition costs nothing: no invocation.
 */
export function planTick(partitions: PartitionOffsets[]): TickPlan {
  const work: PlannedPartition[] = [];
  const idle: PlannedPartition[] = [];
  let totalLag = 0;
  const dumpedTopics = new Set(partitions.filter((p) => p.committed !== undefined).map((p) => p.topic));
  for (const p of partitions) {
    const lag = Math.max(0, p.end - (p.committed ?? 0));
    totalLag += lag;
    (lag > 0 ? work : idle).push({ ...p, lag, fromEarliest: p.committed === undefined && dumpedTopics.has(p.topic) });
  }
  // Largest lag first: the partitions furthest behind get their consumers earliest.
  work.sort((a, b) => b.lag - a.lag || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { work, idle, totalLag };
}

// Which partitions need a consumer this tick, and which have stopped advancing. Pure: the offsets come
// in, the plan goes out.
import type { CommitMetadata } from '../dump/partition-log';

export interface PartitionOffsets {
  topic: string;
  topicId: string;
  partition: number;
  /** Log end offset (next offset to be written). */
  end: number;
  /** Group's committed offset; undefined for a partition never dumped (new, or the group is new). */
  committed?: number;
  /** What the last consumer said with its commit. */
  metadata?: CommitMetadata;
}

/** A partition whose consumers end without moving it while records wait. */
export interface StalledPartition {
  topic: string;
  partition: number;
  lag: number;
  /** When its dump last advanced (epoch ms). */
  advancedAt: number;
  /** Why its last consumer stopped reading, in that consumer's words. */
  lastStop: string;
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
  stalled: StalledPartition[];
}

export interface StallRules {
  nowMs: number;
  windowMinutes: number;
  windowGraceSeconds: number;
}

/**
 * Records wait at most a window and its grace for their window to close; a partition with records
 * waiting that has not advanced for three windows and the grace is stuck, whatever its consumers say.
 */
export function isStalled(p: PartitionOffsets, lag: number, rules: StallRules): boolean {
  const advancedAt = p.metadata?.advancedAt;
  if (lag === 0 || advancedAt === undefined) return false;
  return rules.nowMs - advancedAt > 3 * rules.windowMinutes * 60_000 + rules.windowGraceSeconds * 1000;
}

/**
 * A partition has work when records lie beyond its committed offset. One never dumped has work as soon as
 * it holds any record (the consumer decides where to start: START_POSITION, or offset 0 for partitions
 * added later). An idle partition costs nothing: no invocation.
 */
export function planTick(partitions: PartitionOffsets[], stall?: StallRules): TickPlan {
  const work: PlannedPartition[] = [];
  const idle: PlannedPartition[] = [];
  const stalled: StalledPartition[] = [];
  let totalLag = 0;
  const dumpedTopics = new Set(partitions.filter((p) => p.committed !== undefined).map((p) => p.topic));
  for (const p of partitions) {
    const lag = Math.max(0, p.end - (p.committed ?? 0));
    totalLag += lag;
    (lag > 0 ? work : idle).push({ ...p, lag, fromEarliest: p.committed === undefined && dumpedTopics.has(p.topic) });
    if (stall && isStalled(p, lag, stall)) stalled.push({ topic: p.topic, partition: p.partition, lag, advancedAt: p.metadata!.advancedAt!, lastStop: p.metadata?.stop ?? 'unknown' });
  }
  // Largest lag first: the partitions furthest behind get their consumers earliest.
  work.sort((a, b) => b.lag - a.lag || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { work, idle, totalLag, stalled };
}

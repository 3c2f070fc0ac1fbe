// The one Kafka partition a consumer dumps, with its group's committed offset: all the dump asks of Kafka.
import { EARLIEST, LATEST, type CommittedOffset, type KafkaClient } from '../kafka/client';
import { readPartition, type ReadChunk } from '../kafka/partition-reader';

/** How a partition is read: bytes per fetch, and the bound on decompressed bytes held. */
export interface ReadSettings {
  fetchMaxBytes: number;
  decompressedBatchMaxBytes: number;
}

/** How long a fetch waits at the broker for records to arrive. */
const FETCH_WAIT_MS = 200;

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  committed(): Promise<CommittedOffset | undefined>;
  commit(offset: number, metadata: string): Promise<void>;
  /** Offset of the first record at or after a timestamp, or of the log's start or end. */
  offsetFor(position: 'earliest' | 'latest' | number): Promise<number>;
  /**
   * The records of [from, to) in offset order, in chunks (see readPartition): reading stops early when
   * `more()` says so or when nothing more is readable yet. Failures arrive as typed errors
   * (OffsetOutOfRangeError, CorruptBatchError, BatchTooLargeError, KafkaError), never as wire codes.
   */
  read(from: number, to: number, more: () => boolean): AsyncIterable<ReadChunk>;
}

export function kafkaPartitionLog(client: KafkaClient, topic: string, partition: number, groupId: string, settings: ReadSettings): PartitionLog {
  return {
    topic,
    partition,
    groupId,
    committed: () => client.committedOffset(groupId, topic, partition),
    commit: (offset, metadata) => client.commitOffset(groupId, topic, partition, offset, metadata),
    offsetFor: (position) => client.listOffset(topic, partition, position === 'earliest' ? EARLIEST : position === 'latest' ? LATEST : position),
    read: (from, to, more) =>
      readPartition(from, to, {
        fetch: (offset, maxBytes) => client.fetch(topic, partition, offset, maxBytes, FETCH_WAIT_MS),
        more,
        fetchMaxBytes: settings.fetchMaxBytes,
        decompressedMaxBytes: settings.decompressedBatchMaxBytes,
      }),
  };
}

/**
 * What the consumer says with each commit, for whoever reads the group (the scheduler, the console): the
 * window of the last object, when the dump last advanced, and why its last invocation stopped reading.
 */
export interface CommitMetadata {
  window?: number;
  /** Epoch ms when the chain last grew. */
  advancedAt?: number;
  /** The last invocation's stop reason (caught-up, open-window, deadline, no-progress). */
  stop?: string;
}

export function encodeCommitMetadata(metadata: CommitMetadata): string {
  return JSON.stringify({ v: 1, w: metadata.window, a: metadata.advancedAt, s: metadata.stop });
}

const safeInteger = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);

export function decodeCommitMetadata(raw: string | null | undefined): CommitMetadata {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as { v?: number; w?: unknown; a?: unknown; s?: unknown };
    if (parsed.v !== 1) return {};
    return { window: safeInteger(parsed.w), advancedAt: safeInteger(parsed.a), stop: typeof parsed.s === 'string' ? parsed.s.slice(0, 40) : undefined };
  } catch {
    // Offsets committed by another tool carry other metadata; it says nothing about the dump.
    return {};
  }
}

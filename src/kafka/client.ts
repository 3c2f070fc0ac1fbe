// The Kafka side of the product: partition metadata, offsets, commits and fetches for single partitions.
// kafkajs has no assign(); joining a consumer group per invocation would cost a rebalance and disturb
// the other partitions' consumers. So this talks to the partition leader and the group coordinator
// directly, through kafkajs's broker layer (connections, SASL, TLS, version negotiation), and decodes
// Fetch responses itself (fetch-response.ts, record-batch.ts) to copy record values only once.
import Cluster from 'kafkajs/src/cluster';
import { createLogger as createKafkaJsLogger } from 'kafkajs/src/loggers';
import socketFactory from 'kafkajs/src/network/socketFactory';
// Through kafkajs.ts, like every kafkajs user here: the cluster's connections get its timer-loop fix too.
import { logLevel, type SASLOptions } from './kafkajs';
import { retry, RetriesStoppedError } from '../util/retry';
import { FetchConnection, type PooledFetch } from './fetch-connection';
import { KafkaError, KafkaErrorCode, describeErrorCode, describeKafkaFailure, fetchFailure, isRetriable, isRetriableCode } from './errors';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  ssl?: boolean | { ca: string[] };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How long transient failures (leader moves, broker restarts) are retried before giving up. */
  retryForMs?: number;
  onLog?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

export const EARLIEST = -2;
export const LATEST = -1;
const READ_COMMITTED = 1;

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

/** Room in a fetch response buffer for the fields around the record set. */
const RESPONSE_OVERHEAD_BYTES = 64 * 1024;

export class KafkaClient {
  private readonly fetchConnections = new Map<string, Promise<FetchConnection>>();
  /**
   * Aborted by close(): an operation still retrying when the invocation has already failed on another one
   * (reads run side by side) stops instead of retrying on in the background.
   */
  private readonly closed = new AbortController();

  private constructor(
    private readonly cluster: KafkaJsCluster,
    private readonly options: KafkaClientOptions,
  ) {}

  static async connect(options: KafkaClientOptions): Promise<KafkaClient> {
    const logCreator = () => (entry: { level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, ...extra } = entry.log;
      // kafkajs logs every error answer of a request at error level, the transient ones too (a coordinator
      // still loading, a leader moving); retrying() decides what is a failure and says so itself.
      const level = message.startsWith('Response ') ? 'debug' : (LEVEL_NAMES[entry.level] ?? 'debug');
      options.onLog?.(level, `kafkajs: ${message}`, extra);
    };
    const cluster = new Cluster({
      logger: createKafkaJsLogger({ level: options.onLog ? logLevel.WARN : logLevel.NOTHING, logCreator }),
      socketFactory: socketFactory(),
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl as SASLOptions | undefined,
      clientId: options.clientId,
      connectionTimeout: options.connectionTimeoutMs ?? 5000,
      requestTimeout: options.requestTimeoutMs ?? 30000,
      enforceRequestTimeout: true,
      // Retries are ours (retrying(), with metadata refreshes, until retryForMs and stopped by close()).
      retry: { retries: 0 },
      allowAutoTopicCreation: false,
      metadataMaxAge: 300000,
    });
    const client = new KafkaClient(cluster, options);
    await client.retrying('connect', () => cluster.connect());
    return client;
  }

  /** Runs a broker operation, refreshing metadata and retrying while failures are transient. */
  private async retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await retry(operation, {
        isRetriable,
        deadline: Date.now() + (this.options.retryForMs ?? 60_000),
        baseDelayMs: 200,
        maxDelayMs: 3000,
        signal: this.closed.signal,
        onRetry: async (err, attempt) => {
          this.options.onLog?.('warn', `${what} failed, retrying`, { attempt, error: (err as Error).message });
          await this.cluster.refreshMetadata().catch(() => {});
        },
      });
    } catch (err) {
      if (err instanceof RetriesStoppedError) throw new KafkaError(`${what}: stopped, the Kafka client was closed (${(err.cause as Error).message})`, undefined, false, { cause: err.cause });
      if (err instanceof KafkaError) throw err;
      throw new KafkaError(`${what}: ${describeKafkaFailure(err, this.options.brokers)}`, undefined, false, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.closed.abort();
    for (const opening of this.fetchConnections.values()) void opening.then((c) => c.close(), () => {});
    this.fetchConnections.clear();
    await this.cluster.disconnect();
  }

  /** Partition ids of each topic, from broker metadata. A missing topic is an error naming it. */
  async partitions(topics: string[]): Promise<Map<string, number[]>> {
    return this.retrying('read topic metadata', async () => {
      try {
        await this.cluster.addMultipleTargetTopics(topics);
      } catch (err) {
        if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') {
          throw new KafkaError(`topic ${topics.join(', ')} does not exist on brokers ${this.options.brokers.join(',')}; check KAFKA_TOPIC`, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, false);
        }
        throw err;
      }
      const result = new Map<string, number[]>();
      for (const topic of topics) {
        result.set(
          topic,
          this.cluster
            .findTopicPartitionMetadata(topic)
            .map((p) => p.partitionId)
            .sort((a, b) => a - b),
        );
      }
      return result;
    });
  }

  private async leader(topic: string, partition: number): Promise<KafkaJsBroker> {
    await this.cluster.addMultipleTargetTopics([topic]);
    if (this.cluster.findTopicPartitionMetadata(topic).length === 0) {
      throw new KafkaError(`topic ${topic} does not exist on brokers ${this.options.brokers.join(',')}; check KAFKA_TOPIC`, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, false);
    }
    const byLeader = this.cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(byLeader)[0];
    if (nodeId === undefined) {
      const count = this.cluster.findTopicPartitionMetadata(topic).length;
      throw new KafkaError(`partition ${partition} does not exist in topic ${topic} (it has ${count} partitions)`, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, false);
    }
    return this.cluster.findBroker({ nodeId });
  }

  /** The offset for a timestamp, or EARLIEST / LATEST. A timestamp after the last record gives the end. */
  async listOffset(topic: string, partition: number, timestamp: number): Promise<number> {
    return this.retrying(`list offsets of ${topic}/${partition}`, async () => {
      const broker = await this.leader(topic, partition);
      const result = await broker.listOffsets({ replicaId: -1, isolationLevel: READ_COMMITTED, topics: [{ topic, partitions: [{ partition, timestamp }] }] });
      const entry = result.responses[0]?.partitions[0];
      if (!entry) throw new KafkaError(`no ListOffsets answer for ${topic}/${partition}`, undefined, true);
      const offset = Number(entry.offset);
      if (offset < 0 && timestamp >= 0) return this.listOffset(topic, partition, LATEST);
      return offset;
    });
  }

  /** Log end offsets of many partitions, one ListOffsets request per leader. */
  async endOffsets(topic: string, partitions: number[]): Promise<Map<number, number>> {
    return this.retrying(`list end offsets of ${topic}`, async () => {
      await this.cluster.addMultipleTargetTopics([topic]);
      const byLeader = this.cluster.findLeaderForPartitions(topic, partitions);
      const result = new Map<number, number>();
      await Promise.all(
        Object.entries(byLeader).map(async ([nodeId, ids]) => {
          const broker = await this.cluster.findBroker({ nodeId });
          const answer = await broker.listOffsets({ replicaId: -1, isolationLevel: READ_COMMITTED, topics: [{ topic, partitions: ids.map((partition) => ({ partition, timestamp: LATEST })) }] });
          for (const entry of answer.responses[0]?.partitions ?? []) result.set(entry.partition, Number(entry.offset));
        }),
      );
      const missing = partitions.filter((p) => !result.has(p));
      if (missing.length > 0) throw new KafkaError(`no end offset for ${topic} partitions ${missing.join(',')}`, undefined, true);
      return result;
    });
  }

  /** Committed offsets of many partitions in one OffsetFetch; partitions without one are absent. */
  async committedOffsets(groupId: string, topic: string, partitions: number[]): Promise<Map<number, CommittedOffset>> {
    return this.retrying(`read the committed offsets of group ${groupId}`, async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      const answer = await coordinator.offsetFetch({ groupId, topics: [{ topic, partitions: partitions.map((partition) => ({ partition })) }] });
      const result = new Map<number, CommittedOffset>();
      for (const entry of answer.responses[0]?.partitions ?? []) {
        const offset = Number(entry.offset);
        if (offset >= 0) result.set(entry.partition, { offset, metadata: entry.metadata });
      }
      return result;
    });
  }

  async committedOffset(groupId: string, topic: string, partition: number): Promise<CommittedOffset | undefined> {
    return this.retrying(`read the committed offset of group ${groupId}`, async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      const result = await coordinator.offsetFetch({ groupId, topics: [{ topic, partitions: [{ partition }] }] });
      const entry = result.responses[0]?.partitions[0];
      if (!entry) throw new KafkaError(`no OffsetFetch answer for ${topic}/${partition}`, undefined, true);
      const offset = Number(entry.offset);
      return offset >= 0 ? { offset, metadata: entry.metadata } : undefined;
    });
  }

  /**
   * Commits as a "simple" consumer (no group membership: generation -1), so the group shows the dump's
   * progress and lag in the CKafka console without any rebalancing.
   */
  async commitOffset(groupId: string, topic: string, partition: number, offset: number, metadata: string): Promise<void> {
    await this.retrying(`commit offset ${offset} of ${topic}/${partition} for group ${groupId}`, async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', retentionTime: -1, topics: [{ topic, partitions: [{ partition, offset: String(offset), metadata }] }] });
    });
  }

  /** The leader's fetch connection, opened once and reused; a failed one is dropped and reopened. */
  private async fetchConnection(topic: string, partition: number, maxBytes: number): Promise<FetchConnection> {
    const leader = await this.leader(topic, partition);
    const address = this.cluster.brokerPool.metadata?.brokers.find((b) => String(b.nodeId) === String(leader.nodeId));
    if (!address) throw new KafkaError(`no address for the leader of ${topic}/${partition}`, undefined, true);
    const key = `${address.host}:${address.port}`;
    const cached = this.fetchConnections.get(key);
    if (cached) {
      const connection = await cached.catch(() => undefined);
      if (connection && !connection.closed) return connection;
    }
    const opening = FetchConnection.open({
      host: address.host,
      port: address.port,
      clientId: this.options.clientId,
      ssl: this.options.ssl,
      sasl: this.options.sasl,
      connectTimeoutMs: this.options.connectionTimeoutMs ?? 5000,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 30000,
      responseBufferBytes: maxBytes + RESPONSE_OVERHEAD_BYTES,
    });
    this.fetchConnections.set(key, opening);
    opening.catch(() => this.fetchConnections.delete(key));
    return opening;
  }

  /**
   * One Fetch from the leader. Transient partition errors (a leader election, a restart) are retried with
   * a metadata refresh; OFFSET_OUT_OF_RANGE comes back in `errorCode` for the reader; any other error is
   * thrown, named (fetchFailure).
   */
  async fetch(topic: string, partition: number, offset: number, maxBytes: number, maxWaitMs: number): Promise<PooledFetch> {
    return this.retrying(`fetch ${topic}/${partition} at offset ${offset}`, async () => {
      const connection = await this.fetchConnection(topic, partition, maxBytes);
      const throttled = connection.throttledMs;
      const fetched = await connection.fetch({ topic, partition, offset, maxBytes, maxWaitMs, isolationLevel: READ_COMMITTED });
      if (connection.throttledMs > throttled) this.options.onLog?.('info', 'the broker throttled this consumer (quota); paused before fetching', { topic, partition, pausedMs: connection.throttledMs - throttled });
      const code = fetched.errorCode;
      if (code === KafkaErrorCode.NONE || code === KafkaErrorCode.OFFSET_OUT_OF_RANGE) return fetched;
      fetched.release();
      if (isRetriableCode(code)) throw new KafkaError(`fetch ${topic}/${partition} at offset ${offset}: ${describeErrorCode(code)}`, code, true);
      throw fetchFailure(topic, partition, offset, code);
    });
  }
}

/**
 * Connects for one function invocation: kafkajs logs go to the invocation's logger, and transient failures
 * are retried for the given share of the time budget (the rest is needed for the work itself).
 */
export function connectForInvocation(
  kafka: Pick<KafkaClientOptions, 'brokers' | 'sasl' | 'ssl'>,
  functionName: string,
  retryForMs: number,
  logger: { [level in 'error' | 'warn' | 'info' | 'debug']: (extra: object, message: string) => void },
): Promise<KafkaClient> {
  return KafkaClient.connect({
    brokers: kafka.brokers,
    clientId: `ckafka-to-cos-${functionName}`,
    sasl: kafka.sasl,
    ssl: kafka.ssl,
    retryForMs,
    onLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
  });
}

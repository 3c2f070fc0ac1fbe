// One consumer invocation: validate, take the partition's lease, dump, report. The SCF entry point
// (functions/consumer) is a one-line call to this.
import { loadConfig, type Config } from '../config/config';
import { configuredStore } from '../cos/configured-store';
import type { ObjectStore } from '../cos/store';
import { parseChainHead } from '../dump/chain';
import { leaseFolder, type Layout } from '../dump/keys';
import { kafkaPartitionLog } from '../dump/partition-log';
import { dumpPartition, type DumpSettings, type DumpSummary } from '../dump/partition-dumper';
import { connectForInvocation, type KafkaClient } from '../kafka/client';
import { acquireLease, type Lease, type LeaseRecord } from '../lease/lease';
import { createLogger, type Logger, type LoggerOptions } from '../log';
import { parseContext, type InvocationContext } from '../scf/context';
import { systemClock, type Clock } from '../util/clock';
import { parseConsumerEvent, type ConsumerEvent } from './event';
import { abortRecordedUploads, abortUnrecordedUploads } from './leftover-uploads';
import { estimatedPeakMiB } from './memory-need';
import { capYoungGeneration } from '../util/young-generation';

export interface ConsumerDeps {
  env: Record<string, string | undefined>;
  /** Object storage other than COS (the benchmark's null sink). */
  store?: (config: Config) => ObjectStore;
  leaseTtlMs?: number;
  logDestination?: LoggerOptions['destination'];
  clock?: Clock;
}

export type ConsumerResult =
  | { status: 'dumped'; topic: string; partition: number; records: number; objects: number; fromOffset: number; toOffset: number; lag: number; stopReason: string }
  | { status: 'held'; topic: string; partition: number; holder: LeaseRecord['holder']; heldForMs: number };

/** Time kept back from the budget to finish the last object and commit after reading stops. */
export function reserveMs(timeLimitMs: number): number {
  if (timeLimitMs < 20_000) return Math.floor(timeLimitMs / 2);
  return Math.min(60_000, Math.max(10_000, Math.floor(timeLimitMs * 0.15)));
}

function storeFor(config: Config, deps: ConsumerDeps, logger: Logger): ObjectStore {
  if (deps.store) return deps.store(config);
  return configuredStore(config, (operation, key, error, attempt) => logger.warn({ operation, key, error, attempt }, 'COS request failed, retrying'));
}

async function topicIdFor(config: Config, event: ConsumerEvent): Promise<string> {
  const known = event.topicId ?? config.ckafka.topicId;
  if (known) return known;
  // Loaded only here: the scheduler passes the topic id, and the CKafka SDK costs memory at start.
  const [{ createCkafkaClient }, { describeTopic }] = await Promise.all([import('../tencent/clients'), import('../tencent/topics')]);
  const client = createCkafkaClient({ credentials: config.credentials, region: config.region, endpoint: config.ckafka.endpoint });
  return (await describeTopic(client, config.ckafka.instanceId, event.topic)).topicId;
}

/** One validated invocation: what it was asked, with what configuration, and when it started. */
interface Invocation {
  config: Config;
  ev: ConsumerEvent;
  ctx: InvocationContext;
  groupId: string;
  logger: Logger;
  clock: Clock;
  startedAt: number;
}

function dumpSettings({ config, ev }: Invocation): DumpSettings {
  return {
    format: config.dump.format,
    formatSettings: config.dump.formatSettings,
    compression: config.dump.compression,
    windowMinutes: config.dump.windowMinutes,
    windowGraceSeconds: config.dump.windowGraceSeconds,
    flushOpenWindow: config.dump.flushOpenWindow,
    timestampToleranceMs: config.dump.timestampToleranceMs,
    maxObjectBytes: config.cos.maxObjectBytes,
    partSizeBytes: config.cos.partSizeBytes,
    uploadConcurrency: config.cos.uploadConcurrency,
    storageClass: config.cos.storageClass,
    startPosition: ev.startFrom ?? config.kafka.startPosition,
    onOffsetOutOfRange: config.kafka.onOffsetOutOfRange,
  };
}

async function dump(invocation: Invocation, kafka: KafkaClient, store: ObjectStore, layout: Layout, lease: Lease, head: unknown, beforeWriting: Promise<void>): Promise<DumpSummary> {
  const { ev, ctx, groupId, logger, clock, startedAt } = invocation;
  return dumpPartition({
    log: kafkaPartitionLog(kafka, ev.topic, ev.partition, groupId, { fetchMaxBytes: invocation.config.kafka.fetchMaxBytes, decompressedBatchMaxBytes: invocation.config.kafka.decompressedBatchMaxBytes }),
    store,
    layout,
    lease,
    head: parseChainHead(head),
    writer: ctx.requestId,
    clock,
    readDeadline: startedAt + ctx.timeLimitMs - reserveMs(ctx.timeLimitMs),
    settings: dumpSettings(invocation),
    beforeWriting,
    onEvent: (level, message, fields) => logger[level](fields, message),
  });
}

/** The partition must exist before anything is written for it: a wrong event or topic leaves no trace in COS. */
async function assertPartitionExists(kafka: KafkaClient, ev: ConsumerEvent): Promise<void> {
  const partitions = (await kafka.partitions([ev.topic])).get(ev.topic) ?? [];
  if (!partitions.includes(ev.partition)) throw new Error(`partition ${ev.partition} does not exist in topic ${ev.topic} (it has ${partitions.length} partitions)`);
}

function warnIfMemoryShort(config: Config, ctx: InvocationContext, logger: Logger): void {
  const settings = { format: config.dump.format, formatSettings: config.dump.formatSettings, compression: config.dump.compression, partSizeBytes: config.cos.partSizeBytes, uploadConcurrency: config.cos.uploadConcurrency };
  const estimated = estimatedPeakMiB(settings);
  if (ctx.memoryLimitMb === undefined || estimated <= ctx.memoryLimitMb) return;
  logger.warn(
    { memoryLimitMb: ctx.memoryLimitMb, estimatedPeakMiB: estimated, ...settings },
    'this configuration needs more memory than the function has: raise the consumer memorySize in serverless.yml (SCF may stop the function mid-object; nothing is lost, but the partition stops advancing)',
  );
}

export async function runConsumer(event: unknown, context: unknown, deps: ConsumerDeps): Promise<ConsumerResult> {
  capYoungGeneration();
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  // Everything is validated before anything is read or written.
  const ctx: InvocationContext = parseContext(context, deps.env);
  const config = loadConfig(deps.env, 'consumer');
  const ev = parseConsumerEvent(event, config.kafka.topics);
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets,
    base: { fn: 'consumer', requestId: ctx.requestId, topic: ev.topic, partition: ev.partition },
    destination: deps.logDestination,
  });
  warnIfMemoryShort(config, ctx, logger);
  const groupId = config.kafka.groupId ?? ev.groupId ?? ctx.functionName;
  let summary: DumpSummary | undefined;
  try {
    const store = storeFor(config, deps, logger);
    const layout: Layout = { prefix: config.cos.prefix, instanceId: config.ckafka.instanceId, topicId: await topicIdFor(config, ev), keys: config.dump.keyLayout };
    // Kafka first: an unreachable broker or a missing topic fails the invocation before anything is written.
    const kafka = await connectForInvocation(config.kafka, ctx.functionName, Math.min(60_000, ctx.timeLimitMs / 4), logger);
    try {
      await assertPartitionExists(kafka, ev);
      const taken = await acquireLease({
        store,
        folder: leaseFolder(layout, ev.partition),
        holder: { requestId: ctx.requestId, functionName: ctx.functionName, startedAt: new Date(startedAt).toISOString() },
        ttlMs: deps.leaseTtlMs ?? config.dump.leaseTtlMs,
        clock,
        onRenewError: (err) => logger.warn({ err: (err as Error).message }, 'lease renewal failed'),
      });
      if (!taken.acquired) {
        // The holder does the work; a duplicate or overlapping invocation is not an error.
        logger.info({ summary: true, status: 'held', holder: taken.holder.holder, heldForMs: taken.ageMs, durationMs: clock.now() - startedAt }, 'partition is held by a live consumer; nothing to do');
        return { status: 'held', topic: ev.topic, partition: ev.partition, holder: taken.holder.holder, heldForMs: taken.ageMs };
      }
      const lease = taken.lease;
      try {
        await abortRecordedUploads(store, lease, logger);
        // The listing of uploads nobody recorded runs beside the start decision, which starts none; the dump
        // waits for it before it writes, and the lease is not let go before it ends, so it can only meet
        // uploads of dead holders, never this one's or the next holder's.
        const unrecorded = abortUnrecordedUploads(store, layout, ev.partition, logger);
        try {
          summary = await dump({ config, ev, ctx, groupId, logger, clock, startedAt }, kafka, store, layout, lease, taken.previous?.state, unrecorded);
        } finally {
          await unrecorded;
        }
        await lease.release();
      } catch (err) {
        // A failed invocation is still alive: it hands the partition on at once rather than after the TTL.
        await lease.release().catch(() => lease.stop());
        throw err;
      }
    } finally {
      await kafka.close().catch(() => {});
    }
    const { objects, ...counts } = summary;
    logger.info(
      { summary: true, status: 'dumped', ...counts, objects: objects.length, keys: objects.slice(0, 20).map((o) => o.key), durationMs: clock.now() - startedAt },
      'consumer summary',
    );
    return {
      status: 'dumped',
      topic: ev.topic,
      partition: ev.partition,
      records: summary.records,
      objects: objects.length,
      fromOffset: summary.fromOffset,
      toOffset: summary.toOffset,
      lag: summary.lag,
      stopReason: summary.stopReason,
    };
  } catch (err) {
    const e = err as Error & { lostFrom?: number; lostTo?: number };
    logger.error(
      {
        summary: true,
        status: 'failed',
        groupId,
        error: { name: e.name, message: e.message },
        ...(e.lostFrom !== undefined ? { lostFrom: e.lostFrom, lostTo: (e.lostTo ?? e.lostFrom) - 1, lostCount: (e.lostTo ?? e.lostFrom) - e.lostFrom } : {}),
        durationMs: clock.now() - startedAt,
      },
      'consumer failed',
    );
    throw err;
  }
}

// One scheduler tick: find the partitions with work and start a consumer for each. The SCF entry point
// (functions/scheduler) is a one-line call to this.
import { loadConfig } from '../config/config';
import type { ConsumerEvent } from '../consumer/event';
import { connectForInvocation } from '../kafka/client';
import { createLogger, type LoggerOptions } from '../log';
import { parseContext } from '../scf/context';
import { scfInvoker, type Invoke } from '../scf/invoker';
import { createCkafkaClient, createScfClient } from '../tencent/clients';
import { isRetriableTencentError } from '../tencent/errors';
import { systemClock, type Clock } from '../util/clock';
import { discoverPartitions } from './discover';
import { parseTickEvent } from './event';
import { fanOut } from './fan-out';
import { planTick, type PlannedPartition } from './plan';

export interface SchedulerDeps {
  env: Record<string, string | undefined>;
  /** Replaces SCF Invoke (tests, local runs); receives the consumer event. */
  invoke?: Invoke;
  logDestination?: LoggerOptions['destination'];
  onProgress?: (done: number, total: number) => void;
  clock?: Clock;
}

export interface TickSummary {
  tick: string;
  partitions: number;
  invoked: number;
  skipped: number;
  failed: Array<{ topic: string; partition: number; error: string }>;
  totalLag: number;
  /** Partitions with records waiting that have not advanced for three windows. */
  stalled: Array<{ topic: string; partition: number; lag: number; lastStop: string }>;
  requests: number;
  retried: number;
  durationMs: number;
}

export class ConsumersNotStartedError extends Error {
  constructor(readonly failed: TickSummary['failed'], planned: number) {
    super(`could not start ${failed.length} of ${planned} consumers: ${failed.map((f) => `${f.topic}/${f.partition} (${f.error})`).slice(0, 10).join('; ')}`);
    this.name = 'ConsumersNotStartedError';
  }
}

/** What a stalled partition's last stop reason points at. */
const STALL_HINTS: Record<string, string> = {
  'no-progress': ': Kafka returned nothing to read (an open transaction holding the last stable offset back, or records the consumer cannot fetch); see its consumer logs',
  deadline: ': its consumers run out of time before finishing an object; raise the consumer timeout or lower MAX_OBJECT_BYTES',
  'open-window': ': records wait for a window that does not close; check the producers\' clocks and TIMESTAMP_TOLERANCE_MINUTES',
  'caught-up': ': its consumers read nothing new (are they failing? see the SCF console)',
};

/** The tick keeps this much of its time limit to report before SCF stops it. */
const REPORT_MARGIN_MS = 1500;

export async function runScheduler(event: unknown, context: unknown, deps: SchedulerDeps): Promise<TickSummary> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const ctx = parseContext(context, deps.env);
  const config = loadConfig(deps.env, 'scheduler');
  const tick = parseTickEvent(event);
  const tickId = tick.Type === 'Timer' ? tick.Time : new Date(startedAt).toISOString();
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets, base: { fn: 'scheduler', requestId: ctx.requestId, tick: tickId }, destination: deps.logDestination });
  const groupId = config.kafka.groupId ?? config.scheduler.consumerFunctionName;
  const apiOptions = { credentials: config.credentials, region: config.region };
  try {
    const kafka = await connectForInvocation(config.kafka, ctx.functionName, Math.min(20_000, ctx.timeLimitMs / 3), logger);
    let partitions;
    try {
      partitions = await discoverPartitions(config, groupId, kafka, () => createCkafkaClient({ ...apiOptions, endpoint: config.ckafka.endpoint }));
    } finally {
      await kafka.close().catch(() => {});
    }
    const plan = planTick(partitions, { nowMs: clock.now(), windowMinutes: config.dump.windowMinutes, windowGraceSeconds: config.dump.windowGraceSeconds });
    for (const p of plan.stalled) {
      logger.warn(
        { topic: p.topic, partition: p.partition, lag: p.lag, advancedAt: new Date(p.advancedAt).toISOString(), stalledForMs: clock.now() - p.advancedAt, lastStop: p.lastStop },
        `partition ${p.topic}/${p.partition} has not advanced since ${new Date(p.advancedAt).toISOString()} while ${p.lag} records wait; its last consumer stopped with '${p.lastStop}'${STALL_HINTS[p.lastStop] ?? ''}`,
      );
    }
    const invoke = deps.invoke ?? scfInvoker(createScfClient({ ...apiOptions, endpoint: config.scheduler.endpoint }), { name: config.scheduler.consumerFunctionName, namespace: config.scheduler.namespace, qualifier: config.scheduler.qualifier });
    let done = 0;
    const result = await fanOut<PlannedPartition>({
      items: plan.work,
      invoke: async (p) => {
        const consumerEvent: ConsumerEvent = { topic: p.topic, partition: p.partition, topicId: p.topicId, groupId, tick: tickId, ...(p.fromEarliest ? { startFrom: 'earliest' as const } : {}) };
        await invoke(consumerEvent);
        deps.onProgress?.(++done, plan.work.length);
      },
      isRetriable: isRetriableTencentError,
      perSecond: config.scheduler.invokeRatePerSecond,
      concurrency: config.scheduler.invokeConcurrency,
      deadline: startedAt + ctx.timeLimitMs - REPORT_MARGIN_MS,
      clock,
      onRetry: (p, err, attempt) => logger.debug({ topic: p.topic, partition: p.partition, attempt, err: (err as Error).message }, 'invoke retried'),
    });
    const summary: TickSummary = {
      tick: tickId,
      partitions: partitions.length,
      invoked: result.started.length,
      skipped: plan.idle.length,
      failed: result.failed.map((f) => ({ topic: f.item.topic, partition: f.item.partition, error: f.error })),
      totalLag: plan.totalLag,
      stalled: plan.stalled.map(({ topic, partition, lag, lastStop }) => ({ topic, partition, lag, lastStop })),
      requests: result.requests,
      retried: result.throttledOrFailedRequests,
      durationMs: clock.now() - startedAt,
    };
    if (summary.failed.length > 0) {
      // The timer trigger shows a failed invocation in the SCF console; the log names every partition.
      logger.error({ summary: true, ...summary, failedCount: summary.failed.length }, 'scheduler tick could not start every consumer');
      throw new ConsumersNotStartedError(summary.failed, plan.work.length);
    }
    logger.info({ summary: true, ...summary, failed: 0 }, 'scheduler tick');
    return summary;
  } catch (err) {
    if (!(err instanceof ConsumersNotStartedError)) {
      logger.error({ summary: true, status: 'failed', error: { name: (err as Error).name, message: (err as Error).message }, durationMs: clock.now() - startedAt }, 'scheduler tick failed');
    }
    throw err;
  }
}

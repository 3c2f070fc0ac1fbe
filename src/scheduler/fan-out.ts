// Starts one consumer per planned partition: paced under the Invoke rate limit, a bounded number in
// flight, throttling and server errors retried with backoff, all inside the tick's time budget. Every
// partition ends either started or named as failed.
import { systemClock, type Clock } from '../util/clock';
import { retry } from '../util/retry';
import { Pacer } from './pacer';

export interface FanOutOptions<T> {
  items: T[];
  invoke: (item: T) => Promise<void>;
  isRetriable: (err: unknown) => boolean;
  perSecond: number;
  concurrency: number;
  /** No request starts after this instant (epoch ms). */
  deadline: number;
  maxAttempts?: number;
  onRetry?: (item: T, err: unknown, attempt: number) => void;
  clock?: Clock;
}

export interface FanOutResult<T> {
  started: T[];
  failed: Array<{ item: T; error: string; attempts: number }>;
  requests: number;
  throttledOrFailedRequests: number;
}

class OutOfTimeError extends Error {
  constructor() {
    super('the scheduler ran out of time before this partition could be started');
  }
}

export async function fanOut<T>(options: FanOutOptions<T>): Promise<FanOutResult<T>> {
  const clock = options.clock ?? systemClock;
  const pacer = new Pacer(options.perSecond, clock);
  const result: FanOutResult<T> = { started: [], failed: [], requests: 0, throttledOrFailedRequests: 0 };
  const queue = [...options.items];

  async function start(item: T): Promise<void> {
    let requests = 0;
    try {
      await retry(
        async () => {
          // Every attempt, first or retried, takes its own slot under the rate limit.
          const wait = pacer.reserve();
          if (clock.now() + wait > options.deadline) throw new OutOfTimeError();
          if (wait > 0) await clock.sleep(wait);
          requests++;
          result.requests++;
          try {
            await options.invoke(item);
          } catch (err) {
            result.throttledOrFailedRequests++;
            throw err;
          }
        },
        {
          isRetriable: (err) => !(err instanceof OutOfTimeError) && options.isRetriable(err),
          attempts: options.maxAttempts ?? 8,
          baseDelayMs: 100,
          maxDelayMs: 2000,
          clock,
          onRetry: (err, attempt) => options.onRetry?.(item, err, attempt + 1),
        },
      );
      result.started.push(item);
    } catch (err) {
      result.failed.push({ item, error: (err as Error)?.message ?? String(err), attempts: requests });
    }
  }

  async function worker(): Promise<void> {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await start(item);
  }

  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  return result;
}

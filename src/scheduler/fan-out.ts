// Starts one consumer per planned partition: paced under the Invoke rate limit, a bounded number in
// flight, throttling and server errors retried with backoff, all inside the tick's time budget. Every
// partition ends either started or named as failed.
import { backoffDelay, sleep } from '../util/retry';
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
  now?: () => number;
}

export interface FanOutResult<T> {
  started: T[];
  failed: Array<{ item: T; error: string; attempts: number }>;
  requests: number;
  throttledOrFailedRequests: number;
}

export async function fanOut<T>(options: FanOutOptions<T>): Promise<FanOutResult<T>> {
  const now = options.now ?? Date.now;
  const pacer = new Pacer(options.perSecond, now);
  const maxAttempts = options.maxAttempts ?? 8;
  const result: FanOutResult<T> = { started: [], failed: [], requests: 0, throttledOrFailedRequests: 0 };
  const queue = [...options.items];

  async function attempt(item: T): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const wait = pacer.reserve();
      if (now() + wait > options.deadline) {
        result.failed.push({ item, error: 'the scheduler ran out of time before this partition could be started', attempts: attempt - 1 });
        return;
      }
      if (wait > 0) await sleep(wait);
      result.requests++;
      try {
        await options.invoke(item);
        result.started.push(item);
        return;
      } catch (err) {
        result.throttledOrFailedRequests++;
        if (!options.isRetriable(err) || attempt >= maxAttempts) {
          result.failed.push({ item, error: (err as Error)?.message ?? String(err), attempts: attempt });
          return;
        }
        options.onRetry?.(item, err, attempt);
        await sleep(backoffDelay(attempt - 1, { baseDelayMs: 100, maxDelayMs: 2000 }));
      }
    }
  }

  async function worker(): Promise<void> {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await attempt(item);
  }

  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  return result;
}

// The one retry loop: exponential backoff with jitter, a retryable predicate, and limits by attempts, by a
// deadline and by an abort signal. COS requests, Kafka requests and the scheduler's invocations use it.
import { systemClock, type Clock } from './clock';

export interface RetryOptions {
  /** Whether a failure may be tried again; the others are thrown at once. */
  isRetriable: (err: unknown) => boolean;
  /** Attempts in all, the first included (default: unbounded, so set a deadline). */
  attempts?: number;
  /** Epoch ms on `clock` after which no new attempt starts. */
  deadline?: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Aborting stops the waiting between attempts: the last failure is thrown. */
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
  /** Told before each wait; it may do work of its own first (a Kafka metadata refresh). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void | Promise<void>;
}

/**
 * The wait before attempt `attempt + 1`: the exponential ceiling, jittered into its upper half so that
 * clients retrying together spread out yet none retries much sooner than the backoff intends.
 */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Thrown when the signal stopped the retries; the cause is the last failure. */
export class RetriesStoppedError extends Error {
  constructor(cause: unknown) {
    super(`stopped retrying: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RetriesStoppedError';
  }
}

export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const attempts = options.attempts ?? Infinity;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const delay = backoffDelay(attempt, options, options.random);
      const outOfTime = options.deadline !== undefined && clock.now() + delay > options.deadline;
      if (attempt + 1 >= attempts || outOfTime || options.signal?.aborted || !options.isRetriable(err)) throw err;
      await options.onRetry?.(err, attempt, delay);
      try {
        await clock.sleep(delay, options.signal);
      } catch {
        throw new RetriesStoppedError(err);
      }
    }
  }
}

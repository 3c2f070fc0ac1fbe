// Retries with exponential backoff and full jitter, bounded by attempts and by a deadline.

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms after which no new attempt starts. */
  deadline?: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  isRetriable: (err: unknown) => boolean,
  policy: RetryPolicy,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const delay = backoffDelay(attempt, policy);
      const outOfTime = policy.deadline !== undefined && Date.now() + delay > policy.deadline;
      if (attempt + 1 >= policy.attempts || outOfTime || !isRetriable(err)) throw err;
      onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}

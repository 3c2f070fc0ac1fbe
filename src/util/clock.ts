// Time as a dependency: the lease, the dumper and the scheduler read the clock and wait through this, so
// tests move time forward instead of waiting for it.
import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms`; rejects with the signal's reason when it is aborted first. A `background` wait
   * does not keep the process alive by itself (a lease renewal loop must not hold a finished CLI open).
   */
  sleep(ms: number, signal?: AbortSignal, options?: { background?: boolean }): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal, options) => delay(Math.max(0, ms), undefined, { signal, ref: !options?.background }),
};

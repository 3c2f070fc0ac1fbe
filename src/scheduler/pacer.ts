// Spaces requests so that no more than `perSecond` start in any second, however they are retried.
import { systemClock, type Clock } from '../util/clock';

export class Pacer {
  private next = 0;
  readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Reserves the next start slot and returns how long to wait for it. */
  reserve(): number {
    const now = this.clock.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    return slot - now;
  }
}

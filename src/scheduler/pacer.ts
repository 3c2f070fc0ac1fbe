// Spaces requests so that no more than `perSecond` start in any second, however they are retried.

export class Pacer {
  private next = 0;
  readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Reserves the next start slot and returns how long to wait for it. */
  reserve(): number {
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    return slot - now;
  }
}

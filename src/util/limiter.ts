// Counts work in flight and lets callers wait for room; shared by all uploads of one consumer so that
// memory stays bounded however many objects are finishing at once.

export class Limiter {
  private active = 0;
  private waiters: Array<() => void> = [];
  /** Waiting for a free slot without taking it: woken on every release, after the takers. */
  private watchers: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  async acquire(): Promise<void> {
    while (!this.tryAcquire()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once `slots` slots (at most the limit) are free, without taking them. */
  async whenFree(slots = 1): Promise<void> {
    while (this.active > this.limit - Math.min(slots, this.limit)) await new Promise<void>((resolve) => this.watchers.push(resolve));
  }

  release(): void {
    this.active--;
    this.waiters.shift()?.();
    for (const wake of this.watchers.splice(0)) wake();
  }
}

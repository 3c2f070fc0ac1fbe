// Faults a test can inject into the local COS server, per operation: an error status, a connection reset
// mid-body, added latency, or an answer that never comes. The rule engine is pure; the server applies
// what it decides.

export type CosOperation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'ListObjects'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListMultipartUploads'
  | 'ListParts'
  | 'PutBucket'
  | 'HeadBucket';

export type Fault =
  | { kind: 'status'; status: number; code: string; message?: string }
  | { kind: 'reset' }
  | { kind: 'latency'; ms: number }
  | { kind: 'hang' };

export interface FaultRule {
  op: CosOperation | '*';
  /** Only keys starting with this (for example the data prefix, sparing leases and manifests). */
  keyPrefix?: string;
  /** The Nth matching call after the rule was added (1-based); unset: from the first. */
  nth?: number;
  /** How many calls it hits; default 1. Infinity for all. */
  times?: number;
  /** Chance per matching call, drawn from the injector's seeded generator. */
  probability?: number;
  fault: Fault;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  hits: number;
}

/** mulberry32: small, fast and good enough to make fault mixes reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private random = seededRandom(1);
  private readonly counts = new Map<string, number>();

  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, seen: 0, hits: 0 };
    this.rules.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** Decides the fault for one call, if any; the first matching rule that fires wins. */
  decide(op: CosOperation, key: string): Fault | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.op !== '*' && rule.op !== op) continue;
      if (rule.keyPrefix !== undefined && !key.startsWith(rule.keyPrefix)) continue;
      active.seen++;
      if (rule.nth !== undefined && active.seen < rule.nth) continue;
      if (active.hits >= (rule.times ?? 1)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.hits++;
      const name = `${rule.fault.kind}:${op}`;
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
      return rule.fault;
    }
    return undefined;
  }

  /** How many faults were injected, by `kind:operation`. */
  injected(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

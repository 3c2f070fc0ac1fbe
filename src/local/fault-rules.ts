// The rule engine behind the local servers' fault injection: which call a fault hits (by operation,
// target, position and chance). Pure and seeded, so a fault mix is reproducible.

export interface FaultRule<Op extends string, F> {
  op: Op | '*';
  /** Only targets (object keys, function names) starting with this. */
  target?: string;
  /** Only calls addressed (Host header, port aside) to a name ending with this. */
  host?: string;
  /** The Nth matching call after the rule was added (1-based); unset: from the first. */
  nth?: number;
  /** How many calls it hits; default 1. Infinity for all. */
  times?: number;
  /** Chance per matching call, drawn from the engine's seeded generator. */
  probability?: number;
  fault: F;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
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

export class FaultRules<Op extends string, F extends { kind?: string; code?: string }> {
  private rules: Array<{ rule: FaultRule<Op, F>; seen: number; hits: number }> = [];
  private random = seededRandom(1);
  private readonly counts = new Map<string, number>();

  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule<Op, F>): FaultHandle {
    const active = { rule, seen: 0, hits: 0 };
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

  /** The fault for one call, if any; the first matching rule that fires wins. */
  decide(op: Op, target: string, host = ''): F | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.op !== '*' && rule.op !== op) continue;
      if (rule.target !== undefined && !target.startsWith(rule.target)) continue;
      if (rule.host !== undefined && !host.replace(/:\d+$/, '').endsWith(rule.host)) continue;
      active.seen++;
      if (rule.nth !== undefined && active.seen < rule.nth) continue;
      if (active.hits >= (rule.times ?? 1)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.hits++;
      const name = `${rule.fault.kind ?? rule.fault.code}:${op}`;
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

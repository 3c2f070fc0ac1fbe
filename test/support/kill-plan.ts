// Where the kill soak stops a consumer: at a step of the dump's protocol as the COS server sees it (the Nth
// request of an operation on a kind of object, or the Nth object of a kind stored, its answer not yet
// sent), at a random instant (start-up, Kafka connect, fetches, encoding, the group commit), or nowhere.
// Plans are drawn from a seeded generator, one per invocation. Pure.
import type { CosOperation } from '../../src/local/cos-server';
import { BOOKKEEPING_SEGMENT, parseDataObjectKey } from '../../src/dump/keys';

/** What a COS request or stored key is about. */
export type ObjectKind = 'lease' | 'manifest' | 'abandoned' | 'start' | 'data';

const BOOKKEEPING = new RegExp(`(?:^|/)${BOOKKEEPING_SEGMENT}/(leases|manifests|start)/[^/]+/[^/]+/(\\d+)/(.*)$`);

/** The partition and kind of object a request's target (a key, or a listing's prefix) belongs to. */
export function classifyTarget(target: string): { partition: number; object: ObjectKind } | undefined {
  const m = BOOKKEEPING.exec(target);
  if (m) {
    const partition = Number(m[2]);
    if (m[1] === 'leases') return { partition, object: 'lease' };
    if (m[1] === 'start') return { partition, object: 'start' };
    return { partition, object: m[3]!.endsWith('.abandoned.json') ? 'abandoned' : 'manifest' };
  }
  const data = parseDataObjectKey(target);
  return data && { partition: data.partition, object: 'data' };
}

export type Trigger =
  | { on: 'request'; op: CosOperation; object: ObjectKind; nth: number }
  | { on: 'stored'; object: ObjectKind; nth: number }
  | { on: 'timer'; ms: number }
  | { on: 'none' };

type StepTrigger = Exclude<Trigger, { on: 'request' | 'stored' }> | { on: 'request'; op: CosOperation; object: ObjectKind } | { on: 'stored'; object: ObjectKind };

interface StepSpec {
  trigger: StepTrigger;
  /** The Nth occurrence is drawn from minNth..maxNth (1 by default). */
  minNth: number;
  maxNth: number;
  weight: number;
}

const request = (op: CosOperation, object: ObjectKind, weight: number, minNth = 1, maxNth = minNth): StepSpec => ({ trigger: { on: 'request', op, object }, minNth, maxNth, weight });
const stored = (object: ObjectKind, weight: number, minNth = 1, maxNth = minNth): StepSpec => ({ trigger: { on: 'stored', object }, minNth, maxNth, weight });

/** Operations only objects larger than a part make. */
const MULTIPART: CosOperation[] = ['InitiateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload'];

export function isMultipartStep(trigger: { on: string; op?: CosOperation }): boolean {
  return trigger.on === 'request' && trigger.op !== undefined && MULTIPART.includes(trigger.op);
}

/**
 * The protocol of one invocation, in order, as the COS server sees it. Steps that only some invocations
 * reach (a clean-up, a first start) have lower weights; a plan whose step never comes lets its run finish.
 */
const STEPS: StepSpec[] = [
  // Taking the lease: list the epochs, read the newest, create the next (its answer lost when stored), prune.
  request('ListObjects', 'lease', 3),
  request('GetObject', 'lease', 3),
  request('PutObject', 'lease', 3),
  stored('lease', 3),
  request('DeleteObject', 'lease', 2),
  // Cleaning up after a killed holder: aborting the multipart upload its lease record names.
  request('AbortMultipartUpload', 'data', 2),
  // Finding where the chain ends: start markers, manifests past the head, their data objects.
  request('ListObjects', 'start', 2),
  request('GetObject', 'manifest', 3, 1, 2),
  request('HeadObject', 'data', 3, 1, 2),
  request('ListObjects', 'manifest', 1, 1, 4),
  request('GetObject', 'start', 1),
  request('PutObject', 'start', 1),
  // Writing objects: upload, lease check, manifest, data (one PUT or a completion), head, commit.
  request('InitiateMultipartUpload', 'data', 4),
  request('UploadPart', 'data', 6, 1, 2),
  request('PutObject', 'manifest', 5, 1, 2),
  stored('manifest', 5, 1, 2),
  request('PutObject', 'data', 4, 1, 2),
  request('CompleteMultipartUpload', 'data', 5),
  stored('data', 5, 1, 2),
  request('ListObjects', 'lease', 4, 2, 6),
  request('PutObject', 'lease', 4, 2, 6),
  stored('lease', 4, 2, 6),
  // Anywhere at all, and nowhere.
  { trigger: { on: 'timer', ms: 0 }, minNth: 1, maxNth: 1, weight: 4 },
  { trigger: { on: 'none' }, minNth: 1, maxNth: 1, weight: 3 },
];

const TIMER_MAX_MS = 3000;

export interface RunPlan {
  trigger: Trigger;
  /** SIGSTOP instead of SIGKILL: the consumer becomes a zombie that a successor overtakes. */
  freeze: boolean;
  /** The invocation's time limit; the run is SIGKILLed past it, as SCF ends a function. */
  timeLimitMs: number;
}

export interface PlanOptions {
  freezeRate: number;
  /** Whether this partition's objects can be larger than a part; if not, multipart steps are never drawn. */
  multipart: boolean;
  /**
   * The last run was stopped with a multipart upload open, so this one may begin by aborting it; half the
   * time the plan stops it there, a step that otherwise only few runs reach.
   */
  uploadLeft?: boolean;
}

export function drawPlan(random: () => number, options: PlanOptions): RunPlan {
  if (options.uploadLeft && random() < 0.5) return { trigger: { on: 'request', op: 'AbortMultipartUpload', object: 'data', nth: 1 }, freeze: false, timeLimitMs: 60_000 };
  const steps = options.multipart ? STEPS : STEPS.filter((s) => !isMultipartStep(s.trigger));
  let roll = random() * steps.reduce((sum, s) => sum + s.weight, 0);
  const spec = steps.find((s) => (roll -= s.weight) < 0) ?? steps[steps.length - 1]!;
  const nth = spec.minNth + Math.floor(random() * (spec.maxNth - spec.minNth + 1));
  const t = spec.trigger;
  const trigger: Trigger = t.on === 'timer' ? { on: 'timer', ms: Math.floor(random() * TIMER_MAX_MS) } : t.on === 'none' ? t : { ...t, nth };
  const freeze = trigger.on !== 'none' && random() < options.freezeRate;
  // Mostly a minute; now and then a short budget, so the read deadline and the reserve after it are crossed.
  const timeLimitMs = random() < 0.2 ? 8000 + Math.floor(random() * 12_000) : 60_000;
  return { trigger, freeze, timeLimitMs };
}

/** The step a trigger names in the report: `PutObject manifest`, `stored data`, `lease #1` steps apart from later ones. */
export function stepLabel(trigger: Trigger): string {
  switch (trigger.on) {
    case 'request':
      return `${trigger.op} ${trigger.object}${trigger.object === 'lease' && trigger.op !== 'GetObject' && trigger.op !== 'DeleteObject' ? (trigger.nth === 1 ? ' (acquire)' : ' (check/renew)') : ''}`;
    case 'stored':
      return `stored ${trigger.object}${trigger.object === 'lease' ? (trigger.nth === 1 ? ' (acquire)' : ' (renew)') : ''}`;
    case 'timer':
      return 'at a random instant';
    case 'none':
      return 'none';
  }
}

/** Counts the matching events of one run and says when the trigger's Nth has come. */
export class TriggerCounter {
  private seen = 0;

  constructor(private readonly trigger: Trigger) {}

  /** True when this event is the one to stop the consumer at. */
  observe(event: { on: 'request'; op: CosOperation; object: ObjectKind } | { on: 'stored'; object: ObjectKind }): boolean {
    const t = this.trigger;
    if (t.on !== event.on || (t.on !== 'request' && t.on !== 'stored')) return false;
    if (t.object !== event.object) return false;
    if (t.on === 'request' && event.on === 'request' && t.op !== event.op) return false;
    return ++this.seen === t.nth;
  }
}

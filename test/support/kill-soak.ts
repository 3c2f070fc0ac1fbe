// The kill soak's machinery (the soak itself is test/reliability/kill-soak.test.ts): one lane per
// partition runs consumer processes one after another, each stopped as its seeded plan says
// (test/support/kill-plan.ts) when the COS server reports the planned step; a few are frozen into zombies
// instead. Everything that happens is counted in a report and noted in the partition's log file, beside
// the consumers' own log lines.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CosOperation } from '../../src/local/cos-server';
import { seededRandom } from '../../src/local/fault-rules';
import type { TestCos } from './cos';
import { spawnConsumer, type ConsumerProcess } from './dump';
import { randomCosFault } from './fault-mix';
import { classifyTarget, drawPlan, isMultipartStep, stepLabel, TriggerCounter, type ObjectKind, type RunPlan } from './kill-plan';
import { leaseFree } from './reliability';
import type { ProducedCounts, SoakProduction } from './soak-production';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

export interface KillSoakReport {
  seed: number;
  partitions: number;
  killsAsked: number;
  kills: number;
  killsByStep: Record<string, number>;
  freezes: number;
  freezesByStep: Record<string, number>;
  zombieOutcomes: Record<string, number>;
  invocations: number;
  outcomes: Record<string, number>;
  stopReasons: Record<string, number>;
  plansNotReached: Record<string, number>;
  failures: Record<string, number>;
  failureSamples: string[];
  unexpectedExits: string[];
  produced: ProducedCounts;
  calmRuns: number;
  recordsInKafka: number;
  recordsChecked: number;
  /** Over the partitions the census can read (`lines`, `jsonl`). */
  census: { partitions: number; objects: number; found: number; lost: number; duplicated: number; foreign: number };
  objects: number;
  /** Multipart uploads never completed nor aborted (storage a lifecycle rule must reclaim). */
  multipartUploadsLeft: number;
  uploadsLeftSamples: string[];
  cosFaultsInjected: Record<string, number>;
  cosFaultsTotal: number;
  seconds: number;
  /** Medians and 90th percentiles, in ms. */
  timings?: Record<string, { median: number; p90: number }>;
  logs?: string;
}

export function spread(values: number[]): { median: number; p90: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p90: at(0.9) };
}

export function emptyReport(seed: number, partitions: number, killsAsked: number, produced: ProducedCounts): KillSoakReport {
  return {
    seed,
    partitions,
    killsAsked,
    kills: 0,
    killsByStep: {},
    freezes: 0,
    freezesByStep: {},
    zombieOutcomes: {},
    invocations: 0,
    outcomes: {},
    stopReasons: {},
    plansNotReached: {},
    failures: {},
    failureSamples: [],
    unexpectedExits: [],
    produced,
    calmRuns: 0,
    recordsInKafka: 0,
    recordsChecked: 0,
    census: { partitions: 0, objects: 0, found: 0, lost: 0, duplicated: 0, foreign: 0 },
    objects: 0,
    multipartUploadsLeft: 0,
    uploadsLeftSamples: [],
    cosFaultsInjected: {},
    cosFaultsTotal: 0,
    seconds: 0,
  };
}

export interface KillSoakOptions {
  cos: TestCos;
  topic: string;
  partitions: number;
  seed: number;
  /** Share of plans that freeze (SIGSTOP) their consumer instead of killing it. */
  freezeRate: number;
  /** Where each partition's log file goes. */
  logDir: string;
  production: SoakProduction;
  /** The consumer's environment for a partition. */
  env: (partition: number) => Record<string, string>;
  /** Whether a partition's objects can be larger than a part. */
  multipart: (partition: number) => boolean;
}

type Exit = Awaited<ConsumerProcess['exited']>;
type CosEvent = { on: 'request'; op: CosOperation; object: ObjectKind } | { on: 'stored'; object: ObjectKind };

/** What a consumer said on stderr as it ended: its result or its error. */
function parseEnding(stderr: string): { result?: { status: string; lag?: number; toOffset?: number; stopReason?: string }; error?: string; name?: string } | undefined {
  const last = stderr.trim().split('\n').pop();
  try {
    return last ? JSON.parse(last) : undefined;
  } catch {
    return undefined;
  }
}

/** One partition's invocations, one after another, each stopped as its plan says. */
class Lane {
  kills = 0;
  private runs = 0;
  private readonly random: () => number;
  private observer: ((event: CosEvent) => void) | undefined;
  /** A multipart upload was begun and not yet completed or aborted: a stopped run may have left it. */
  private uploadLeft = false;
  /** Told when a lease epoch is stored: how a zombie learns that its successor holds the lease. */
  private onEpochStored: (() => void) | undefined;
  /** When the running consumer was started, until its first COS request. */
  private runStartedAt: number | undefined;

  constructor(
    private readonly soak: KillSoak,
    readonly partition: number,
  ) {
    this.random = seededRandom(soak.options.seed * 1009 + partition);
  }

  onCos(event: CosEvent): void {
    if (event.on === 'stored' && event.object === 'lease') this.onEpochStored?.();
    if (this.runStartedAt !== undefined) {
      this.soak.timings.startupMs.push(Date.now() - this.runStartedAt);
      this.runStartedAt = undefined;
    }
    if (event.on === 'request' && event.object === 'data') {
      if (event.op === 'InitiateMultipartUpload') this.uploadLeft = true;
      if (event.op === 'CompleteMultipartUpload' || event.op === 'AbortMultipartUpload') this.uploadLeft = false;
    }
    this.observer?.(event);
  }

  async run(budget: number): Promise<void> {
    while (this.kills < budget) {
      if (this.runs > budget * 8 + 40) throw new Error(`partition ${this.partition}: ${this.runs} invocations, but only ${this.kills} of ${budget} kills landed`);
      await this.waitLeaseFree();
      await this.invoke(await this.nextPlan(this.soak.options.freezeRate));
    }
  }

  /** Runs consumers with no stop planned until one dumps the partition to the end Kafka had then. */
  async finish(logEnd: number, attempts = 8): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < attempts; i++) {
      await this.waitLeaseFree();
      const ending = await this.invoke({ trigger: { on: 'none' }, freeze: false, timeLimitMs: 120_000 }, 'calm');
      this.soak.report.calmRuns++;
      seen.push(JSON.stringify(ending ?? null));
      if (ending?.result?.status === 'dumped' && ending.result.lag === 0 && ending.result.toOffset === logEnd) return [];
    }
    return [`partition ${this.partition} did not reach offset ${logEnd} in ${attempts} calm invocations: ${seen.join('; ')}`];
  }

  /**
   * The next run's plan. A plan to stop in a multipart upload gets a burst of records first, so that its
   * run has an object larger than a part to write (the steady trickle rarely makes one).
   */
  private async nextPlan(freezeRate: number): Promise<RunPlan> {
    const plan = drawPlan(this.random, { freezeRate, multipart: this.soak.options.multipart(this.partition), uploadLeft: this.uploadLeft });
    if (isMultipartStep(plan.trigger) && !(plan.trigger.on === 'request' && plan.trigger.op === 'AbortMultipartUpload')) await this.soak.options.production.burst(this.partition);
    return plan;
  }

  private async waitLeaseFree(): Promise<void> {
    const from = Date.now();
    // A killed consumer's last requests may still be in the server (an epoch being stored): let them land
    // before judging the lease, or the next consumer finds it held.
    await sleep(300);
    await leaseFree(this.soak.options.cos, this.soak.options.topic, this.partition);
    this.soak.timings.leaseWaitMs.push(Date.now() - from);
  }

  private async invoke(plan: RunPlan, phase: 'soak' | 'calm' = 'soak'): Promise<ReturnType<typeof parseEnding>> {
    const { report } = this.soak;
    const id = `p${this.partition}-${phase}-${++this.runs}`;
    const consumer = this.soak.spawn(this.partition, plan.timeLimitMs, id);
    this.soak.note(this.partition, { requestId: id, soak: 'spawned', plan });
    const spawnedAt = Date.now();
    this.runStartedAt = spawnedAt;
    report.invocations++;
    const label = stepLabel(plan.trigger);
    let fired: string | undefined;
    let onFreeze: () => void = () => {};
    const frozen = new Promise<void>((resolve) => (onFreeze = resolve));
    const stop = (why: string, freeze: boolean) => {
      if (fired) return;
      fired = why;
      this.observer = undefined;
      this.soak.note(this.partition, { requestId: id, soak: freeze ? 'frozen' : 'killed', at: why });
      consumer.child.kill(freeze ? 'SIGSTOP' : 'SIGKILL');
      if (freeze) onFreeze();
    };
    const trigger = plan.trigger;
    let timer: NodeJS.Timeout | undefined;
    if (trigger.on === 'timer') timer = setTimeout(() => stop(label, plan.freeze), trigger.ms);
    else if (trigger.on !== 'none') {
      const counter = new TriggerCounter(trigger);
      this.observer = (event) => counter.observe(event) && stop(label, plan.freeze);
    }
    // SCF ends a function at its time limit; a run still going then is killed the same way.
    const limit = setTimeout(() => stop('time limit', false), plan.timeLimitMs + 1000);
    const first = await Promise.race([consumer.exited, frozen.then(() => 'frozen' as const)]);
    clearTimeout(timer);
    clearTimeout(limit);
    this.observer = undefined;
    this.runStartedAt = undefined;
    if (first !== 'frozen') this.soak.timings.runMs.push(Date.now() - spawnedAt);
    if (first === 'frozen') return this.zombie(consumer, id, label);
    this.soak.note(this.partition, { requestId: id, soak: 'ended', code: first.code, signal: first.signal, ending: parseEnding(first.stderr) ?? null });
    return this.account(first, fired, label, phase);
  }

  /** What one ended run counts for in the report. */
  private account(exit: Exit, fired: string | undefined, label: string, phase: 'soak' | 'calm'): ReturnType<typeof parseEnding> {
    const { report } = this.soak;
    const ending = parseEnding(exit.stderr);
    if (fired && exit.signal === 'SIGKILL') {
      this.kills++;
      report.kills++;
      bump(report.killsByStep, fired);
      bump(report.outcomes, 'killed');
      return ending;
    }
    if (exit.code === 0 && ending?.result) {
      bump(report.outcomes, ending.result.status);
      if (ending.result.stopReason) bump(report.stopReasons, ending.result.stopReason);
      if (phase === 'soak' && label !== 'none') bump(report.plansNotReached, label);
      return ending;
    }
    if (exit.code === 1 && ending?.error) {
      bump(report.outcomes, 'failed');
      bump(report.failures, ending.name ?? 'Error');
      if (report.failureSamples.length < 40) report.failureSamples.push(`p${this.partition} ${ending.name}: ${ending.error.slice(0, 300)}`);
      return ending;
    }
    bump(report.outcomes, 'unexpected exit');
    report.unexpectedExits.push(`p${this.partition}: code ${exit.code} signal ${exit.signal}: ${exit.stderr.slice(-800)}`);
    return ending;
  }

  /**
   * A consumer stopped (SIGSTOP) mid-step: its lease runs out, a successor takes the partition over, and
   * the zombie wakes while the successor works. Whatever it then writes must not break the chain.
   */
  private async zombie(consumer: ConsumerProcess, id: string, label: string): Promise<ReturnType<typeof parseEnding>> {
    const { report } = this.soak;
    report.freezes++;
    bump(report.freezesByStep, label);
    await this.waitLeaseFree();
    let resumed = false;
    const resume = () => {
      if (resumed) return;
      resumed = true;
      this.soak.note(this.partition, { requestId: id, soak: 'resumed' });
      consumer.child.kill('SIGCONT');
    };
    // The zombie wakes a moment after its successor has stored its own lease epoch (woken before, it would
    // renew its expired lease and carry on as the holder, which is no zombie), or when the successor ends.
    const delay = Math.floor(this.random() * 2500);
    let wake: NodeJS.Timeout | undefined;
    this.onEpochStored = () => {
      this.onEpochStored = undefined;
      wake = setTimeout(resume, delay);
    };
    await this.invoke(await this.nextPlan(0));
    this.onEpochStored = undefined;
    clearTimeout(wake);
    resume();
    const limit = setTimeout(() => consumer.child.kill('SIGKILL'), 90_000);
    const exit = await consumer.exited;
    clearTimeout(limit);
    const ending = parseEnding(exit.stderr);
    this.soak.note(this.partition, { requestId: id, soak: 'zombie ended', code: exit.code, signal: exit.signal, ending: ending ?? null });
    bump(report.zombieOutcomes, exit.signal === 'SIGKILL' ? 'killed after 90 s' : ending?.result ? ending.result.status : `failed: ${ending?.name ?? exit.code}`);
    if (ending?.error && report.failureSamples.length < 40) report.failureSamples.push(`p${this.partition} zombie ${ending.name}: ${ending.error.slice(0, 300)}`);
    return ending;
  }
}

/** The lanes of a soak, what they share (COS events, log files) and the report they fill. */
export class KillSoak {
  readonly lanes: Lane[] = [];
  readonly live = new Set<ConsumerProcess>();
  /** Spawn to first COS request (process start, Kafka connect), spawn to exit, and waits for a free lease. */
  readonly timings = { startupMs: [] as number[], runMs: [] as number[], leaseWaitMs: [] as number[] };
  private readonly logFds: number[] = [];

  readonly report: KillSoakReport;

  constructor(readonly options: KillSoakOptions) {
    this.report = emptyReport(options.seed, options.partitions, 0, options.production.stats);
    for (let p = 0; p < options.partitions; p++) {
      this.lanes.push(new Lane(this, p));
      this.logFds.push(openSync(join(options.logDir, `p${p}.log`), 'a'));
    }
    options.cos.server.events.on('request', (op, target) => {
      const at = classifyTarget(target);
      if (at) this.lanes[at.partition]?.onCos({ on: 'request', op, object: at.object });
    });
    options.cos.server.events.on('stored', (key) => {
      const at = classifyTarget(key);
      if (at) this.lanes[at.partition]?.onCos({ on: 'stored', object: at.object });
    });
  }

  /** Runs the lanes until `kills` consumers were killed, split evenly across the partitions. */
  async kill(kills: number): Promise<void> {
    this.report.killsAsked = kills;
    const { partitions } = this.options;
    const budget = (p: number) => Math.floor(kills / partitions) + (p < kills % partitions ? 1 : 0);
    await Promise.all(this.lanes.map((lane) => lane.run(budget(lane.partition))));
  }

  /** Consumers with no stop planned, until every partition is dumped to its log end; the problems if not. */
  async finish(logEnd: (partition: number) => number): Promise<string[]> {
    return (await Promise.all(this.lanes.map((lane) => lane.finish(logEnd(lane.partition))))).flat();
  }

  spawn(partition: number, timeLimitMs: number, requestId: string): ConsumerProcess {
    const consumer = spawnConsumer(this.options.env(partition), partition, timeLimitMs, { requestId, stdout: this.logFds[partition] });
    this.live.add(consumer);
    void consumer.exited.then(() => this.live.delete(consumer));
    return consumer;
  }

  /** A line of the soak's own in the partition's log, beside the consumers' lines: what it did and saw. */
  note(partition: number, fields: Record<string, unknown>): void {
    writeSync(this.logFds[partition]!, `${JSON.stringify({ time: new Date().toISOString(), partition, ...fields })}\n`);
  }

  /** Ends the consumers still running (the soak's own, by their process) and closes the log files. */
  close(): void {
    for (const consumer of this.live) consumer.child.kill('SIGKILL');
    for (const fd of this.logFds.splice(0)) closeSync(fd);
  }
}

/** Changes the COS fault mix every few seconds until stopped. */
export async function injectFaults(cos: TestCos, random: () => number, running: () => boolean): Promise<void> {
  while (running()) {
    cos.server.faults.clear();
    for (let i = 1 + Math.floor(random() * 3); i > 0; i--) cos.server.faults.add(randomCosFault(random));
    const until = Date.now() + 5000 + Math.floor(random() * 15_000);
    while (running() && Date.now() < until) await sleep(250);
  }
  cos.server.faults.clear();
}

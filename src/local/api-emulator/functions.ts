// Runs SCF functions locally: each invocation in a worker thread that stays warm for its function (as an
// SCF container does), with the function's environment and role credentials, a real-looking context, the
// time limit enforced by killing the worker, and SCF's async semantics (queued, retried on failure).
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface FunctionDefinition {
  name: string;
  namespace?: string;
  /** A JavaScript file exporting `main_handler(event, context)`, such as dist/functions/consumer/index.js. */
  handlerFile: string;
  env?: Record<string, string>;
  timeoutSec: number;
  memoryMb: number;
  /** SCF retries a failed async invocation this many times (2 by default, as SCF does). */
  asyncRetries?: number;
}

export type InvocationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timeout';

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  namespace: string;
  qualifier: string;
  invocationType: 'Event' | 'RequestResponse';
  event: unknown;
  attempt: number;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  status: InvocationStatus;
  result?: unknown;
  error?: string;
  logs: string[];
}

export interface RunnerOptions {
  workers: number;
  region: string;
  appId: string;
  roleCredentials?: { secretId: string; secretKey: string; sessionToken?: string };
  asyncRetryDelayMs: number;
  onLog?: (functionName: string, line: string) => void;
}

// The worker's own code, passed as source so that it runs whether or not the project was built.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const handler = require(workerData.handlerFile);
parentPort.on('message', async (message) => {
  try {
    const result = await handler.main_handler(message.event, message.context);
    parentPort.postMessage({ ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: (err && err.name ? err.name + ': ' : '') + (err && err.message ? err.message : String(err)) });
  }
});
`;

interface Slot {
  fn: string;
  worker: Worker;
  busy: boolean;
  current?: InvocationRecord;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class FunctionRunner {
  private readonly functions = new Map<string, FunctionDefinition>();
  private readonly records: InvocationRecord[] = [];
  private readonly queue: InvocationRecord[] = [];
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<string, (record: InvocationRecord) => void>();
  private pendingRetries = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: RunnerOptions) {}

  register(definition: FunctionDefinition): void {
    this.functions.set(key(definition.namespace ?? 'default', definition.name), definition);
  }

  find(name: string, namespace: string): FunctionDefinition | undefined {
    return this.functions.get(key(namespace, name));
  }

  hasNamespace(namespace: string): boolean {
    return [...this.functions.values()].some((f) => (f.namespace ?? 'default') === namespace);
  }

  invocations(): InvocationRecord[] {
    return this.records;
  }

  /** Queues an async invocation and returns its request id at once. */
  invokeAsync(definition: FunctionDefinition, qualifier: string, event: unknown): string {
    return this.enqueue(definition, qualifier, event, 'Event', 1).requestId;
  }

  /** Runs a synchronous invocation and waits for its end. */
  invokeSync(definition: FunctionDefinition, qualifier: string, event: unknown): Promise<InvocationRecord> {
    const record = this.enqueue(definition, qualifier, event, 'RequestResponse', 1);
    return new Promise((resolve) => this.waiting.set(record.requestId, resolve));
  }

  private enqueue(definition: FunctionDefinition, qualifier: string, event: unknown, type: InvocationRecord['invocationType'], attempt: number): InvocationRecord {
    const record: InvocationRecord = {
      requestId: randomUUID(),
      functionName: definition.name,
      namespace: definition.namespace ?? 'default',
      qualifier,
      invocationType: type,
      event,
      attempt,
      queuedAt: Date.now(),
      status: 'queued',
      logs: [],
    };
    this.records.push(record);
    this.queue.push(record);
    this.dispatch();
    return record;
  }

  /** Resolves once nothing is queued, running or waiting to be retried. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.pendingRetries === 0 && this.slots.every((s) => !s.busy);
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private slotFor(fnKey: string): Slot | undefined {
    const warm = this.slots.find((s) => s.fn === fnKey && !s.busy);
    if (warm) return warm;
    if (this.slots.length >= this.options.workers) {
      // Evict an idle container of another function to make room, as SCF recycles idle instances.
      const idle = this.slots.find((s) => !s.busy);
      if (!idle) return undefined;
      this.remove(idle);
    }
    const definition = this.functions.get(fnKey)!;
    const slot: Slot = { fn: fnKey, worker: this.spawn(definition), busy: false };
    this.slots.push(slot);
    return slot;
  }

  private spawn(definition: FunctionDefinition): Worker {
    const namespace = definition.namespace ?? 'default';
    const role = this.options.roleCredentials;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SCF_FUNCTIONNAME: definition.name,
      SCF_NAMESPACE: namespace,
      SCF_FUNCTIONVERSION: '$LATEST',
      SCF_RUNTIME: 'Nodejs18.15',
      TENCENTCLOUD_REGION: this.options.region,
      TENCENTCLOUD_APPID: this.options.appId,
      ...(role ? { TENCENTCLOUD_SECRETID: role.secretId, TENCENTCLOUD_SECRETKEY: role.secretKey, ...(role.sessionToken ? { TENCENTCLOUD_SESSIONTOKEN: role.sessionToken } : {}) } : {}),
      ...definition.env,
    };
    const worker = new Worker(WORKER_SOURCE, { eval: true, env, stdout: true, stderr: true, workerData: { handlerFile: definition.handlerFile }, resourceLimits: { maxOldGenerationSizeMb: definition.memoryMb } });
    const capture = (chunk: Buffer) => {
      const slot = this.slots.find((s) => s.worker === worker);
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        slot?.current?.logs.push(line);
        this.options.onLog?.(definition.name, line);
      }
    };
    worker.stdout.on('data', capture);
    worker.stderr.on('data', capture);
    worker.unref();
    return worker;
  }

  private remove(slot: Slot): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
  }

  private dispatch(): void {
    if (this.closed) return;
    for (let i = 0; i < this.queue.length; ) {
      const record = this.queue[i]!;
      const slot = this.slotFor(key(record.namespace, record.functionName));
      if (!slot) return;
      this.queue.splice(i, 1);
      void this.run(slot, record);
    }
  }

  private async run(slot: Slot, record: InvocationRecord): Promise<void> {
    const definition = this.functions.get(slot.fn)!;
    slot.busy = true;
    slot.current = record;
    record.status = 'running';
    record.startedAt = Date.now();
    const limitMs = definition.timeoutSec * 1000;
    const context = {
      request_id: record.requestId,
      function_name: definition.name,
      namespace: record.namespace,
      function_version: '$LATEST',
      memory_limit_in_mb: definition.memoryMb,
      time_limit_in_ms: limitMs,
      tencentcloud_region: this.options.region,
      tencentcloud_appid: this.options.appId,
      tencentcloud_uin: this.options.appId,
    };
    const outcome = await new Promise<{ status: InvocationStatus; result?: unknown; error?: string }>((resolve) => {
      const done = (value: { status: InvocationStatus; result?: unknown; error?: string }) => {
        clearTimeout(timer);
        slot.worker.off('message', onMessage);
        slot.worker.off('error', onError);
        slot.worker.off('exit', onExit);
        resolve(value);
      };
      const timer = setTimeout(() => done({ status: 'timeout', error: `Invocation timed out after ${definition.timeoutSec} s` }), limitMs);
      const onMessage = (m: { ok: boolean; result?: unknown; error?: string }) => done(m.ok ? { status: 'succeeded', result: m.result } : { status: 'failed', error: m.error });
      const onError = (err: Error) => done({ status: 'failed', error: `The function crashed: ${err.message}` });
      const onExit = (code: number) => done({ status: 'failed', error: `The function's process exited (code ${code})` });
      slot.worker.on('message', onMessage);
      slot.worker.once('error', onError);
      slot.worker.once('exit', onExit);
      slot.worker.postMessage({ event: record.event, context });
    });
    Object.assign(record, outcome, { endedAt: Date.now() });
    slot.current = undefined;
    slot.busy = false;
    // A timed-out or crashed container is discarded; SCF starts a fresh one.
    if (outcome.status !== 'succeeded' && this.slots.includes(slot)) this.remove(slot);
    this.waiting.get(record.requestId)?.(record);
    this.waiting.delete(record.requestId);
    if (record.invocationType === 'Event' && outcome.status !== 'succeeded' && record.attempt <= (definition.asyncRetries ?? 2) && !this.closed) {
      this.pendingRetries++;
      setTimeout(() => {
        this.pendingRetries--;
        this.enqueue(definition, record.qualifier, record.event, 'Event', record.attempt + 1);
        this.checkIdle();
      }, this.options.asyncRetryDelayMs).unref();
    }
    this.dispatch();
    this.checkIdle();
  }

  /** Kills up to `count` running invocations at once, as a crashed SCF instance would die. */
  crashRunning(count = 1): number {
    const busy = this.slots.filter((s) => s.busy).slice(0, count);
    for (const slot of busy) void slot.worker.terminate();
    return busy.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
    this.queue.length = 0;
    this.pendingRetries = 0;
    this.checkIdle();
  }
}

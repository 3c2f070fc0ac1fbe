// A per-partition lease in COS, so that two live consumers of one partition never interleave.
//
// COS has no compare-and-swap, only create-if-absent (`x-cos-forbid-overwrite`). So each acquisition
// creates a new epoch object `{folder}{epoch}`; exactly one contender can create a given epoch. The holder
// renews by rewriting its own epoch object (nobody else writes that key). A contender judges the newest
// epoch free when it is released or when COS's own clock says it was last written more than `ttlMs` ago
// (the `Date` and `Last-Modified` of one answer: no clocks of two machines are compared). The holder
// checks before every irreversible step that no newer epoch exists and that its last renewal is recent.
import { ObjectExistsError, listAll, type ObjectStore } from '../cos/store';
import { systemClock, type Clock } from '../util/clock';

export interface LeaseHolder {
  requestId: string;
  functionName: string;
  startedAt: string;
}

export interface LeaseRecord {
  epoch: number;
  holder: LeaseHolder;
  acquiredAt: string;
  renewedAt: string;
  released: boolean;
  /** Multipart uploads in progress, so a successor can abort what a crashed holder left behind. */
  uploads: Array<{ key: string; uploadId: string }>;
  /**
   * What the holder says of its work, opaque here (the dump keeps where its chain ends). Each new epoch
   * starts with its predecessor's, so it survives the clean-up of old epochs.
   */
  state?: unknown;
}

export interface LeaseOptions {
  store: ObjectStore;
  folder: string;
  holder: LeaseHolder;
  ttlMs?: number;
  renewEveryMs?: number;
  onRenewError?: (err: unknown) => void;
  clock?: Clock;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;

export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

export type AcquireResult =
  | { acquired: true; lease: Lease; previous?: LeaseRecord }
  | { acquired: false; holder: LeaseRecord; ageMs: number };

function parseRecord(body: Buffer, key: string): LeaseRecord {
  try {
    const record = JSON.parse(body.toString('utf8')) as LeaseRecord;
    if (typeof record.epoch !== 'number' || typeof record.holder !== 'object') throw new Error('missing fields');
    return { ...record, uploads: Array.isArray(record.uploads) ? record.uploads : [] };
  } catch (err) {
    throw new Error(`lease object ${key} is not a lease record: ${(err as Error).message}`, { cause: err });
  }
}

/** Epochs are zero-padded so that listing order is epoch order. */
function epochKey(folder: string, epoch: number): string {
  return `${folder}${String(epoch).padStart(20, '0')}`;
}

function epochOf(key: string, folder: string): number | undefined {
  const name = key.slice(folder.length);
  return /^\d+$/.test(name) ? Number(name) : undefined;
}

async function epochKeys(store: ObjectStore, folder: string): Promise<Array<{ key: string; epoch: number }>> {
  const keys: Array<{ key: string; epoch: number }> = [];
  for await (const object of listAll(store, folder)) {
    const epoch = epochOf(object.key, folder);
    if (epoch !== undefined) keys.push({ key: object.key, epoch });
  }
  return keys.sort((a, b) => a.epoch - b.epoch);
}

export class Lease {
  private readonly stopRenewing = new AbortController();
  private renewing: Promise<void> | undefined;
  /** When the last successful write of our record was sent: COS stamps it no earlier than this. */
  private confirmedAt: number;
  /** This holder's own uploads in progress. */
  private uploads: LeaseRecord['uploads'] = [];
  /** Uploads crashed predecessors left, kept in the record until they are aborted. */
  private leftovers: LeaseRecord['uploads'];
  private state: unknown;
  private released = false;

  constructor(
    private readonly options: LeaseOptions,
    readonly epoch: number,
    private readonly record: LeaseRecord,
    sentAt: number,
  ) {
    this.confirmedAt = sentAt;
    this.state = record.state;
    this.leftovers = record.uploads;
  }

  get key(): string {
    return epochKey(this.options.folder, this.epoch);
  }

  private get ttlMs(): number {
    return this.options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  startRenewing(): void {
    const every = this.options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    const signal = this.stopRenewing.signal;
    void (async () => {
      for (;;) {
        try {
          await this.clock.sleep(every, signal, { background: true });
        } catch {
          return; // stopped
        }
        await this.renew().catch((err) => this.options.onRenewError?.(err));
      }
    })();
  }

  private async write(released: boolean): Promise<void> {
    const sentAt = this.clock.now();
    const body: LeaseRecord = { ...this.record, renewedAt: new Date(sentAt).toISOString(), released, uploads: [...this.leftovers, ...this.uploads], state: this.state };
    await this.options.store.putObject(this.key, Buffer.from(JSON.stringify(body)), { contentType: 'application/json' });
    this.confirmedAt = sentAt;
  }

  async renew(): Promise<void> {
    if (this.released) return;
    this.renewing ??= this.write(false).finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /**
   * Writes the holder's state into its lease object now (a renewal that carries news). Only the holder
   * writes its epoch, so a zombie's late write lands in its own, older epoch, which nobody reads.
   */
  async recordState(state: unknown): Promise<void> {
    this.state = state;
    await this.renewing?.catch(() => {});
    await this.renew();
  }

  /** The multipart uploads crashed predecessors left, named in this lease's record until cleared. */
  get leftoverUploads(): LeaseRecord['uploads'] {
    return this.leftovers;
  }

  /** The leftovers are aborted: the record stops naming them. */
  async clearLeftoverUploads(): Promise<void> {
    this.leftovers = [];
    await this.renewing?.catch(() => {});
    await this.renew();
  }

  /** Records the multipart uploads in progress in the lease object, at once when one starts. */
  async trackUploads(uploads: LeaseRecord['uploads']): Promise<void> {
    this.uploads = uploads;
    if (uploads.length > 0) {
      await this.renewing?.catch(() => {});
      await this.renew();
    }
  }

  /** Throws LeaseLostError unless this lease is certainly still ours. Call before every irreversible step. */
  async assertHeld(): Promise<void> {
    // A holder stops acting a third of the TTL before its lease could be judged expired.
    const limit = (this.ttlMs * 2) / 3;
    if (this.clock.now() - this.confirmedAt > limit) {
      await this.renew().catch(() => {});
      const silentMs = this.clock.now() - this.confirmedAt;
      if (silentMs > limit) throw new LeaseLostError(`lease ${this.key} not renewed for ${silentMs} ms; stopping before another consumer takes over`);
    }
    const newer = await this.options.store.listObjects(this.options.folder, { marker: this.key, maxKeys: 1 });
    const taken = newer.objects.find((o) => epochOf(o.key, this.options.folder) !== undefined);
    if (taken) throw new LeaseLostError(`lease ${this.key} was taken over (${taken.key} exists)`);
  }

  async release(): Promise<void> {
    this.stopRenewing.abort();
    await this.renewing?.catch(() => {});
    if (this.released) return;
    this.released = true;
    await this.write(true);
  }

  stop(): void {
    this.stopRenewing.abort();
    this.released = true;
  }
}

interface LeaseState {
  epochs: Array<{ key: string; epoch: number }>;
  latest?: { key: string; epoch: number };
  record?: LeaseRecord;
  /** Set when the newest epoch is held by a live consumer. */
  live?: { holder: LeaseRecord; ageMs: number };
}

/** Reads the newest epoch and judges it by COS's clock; undefined when it vanished while being read. */
async function readLease(store: ObjectStore, folder: string, ttlMs: number): Promise<LeaseState | undefined> {
  const epochs = await epochKeys(store, folder);
  const latest = epochs[epochs.length - 1];
  if (!latest) return { epochs };
  const stored = await store.getObject(latest.key);
  if (!stored) return undefined;
  const record = parseRecord(stored.body, latest.key);
  const ageMs = stored.serverTime.getTime() - stored.lastModified.getTime();
  return { epochs, latest, record, live: !record.released && ageMs <= ttlMs ? { holder: record, ageMs } : undefined };
}

/** What the newest epoch's holder said of its work (its state), without taking the lease: for tools that report. */
export async function leaseState(store: ObjectStore, folder: string): Promise<unknown> {
  for (;;) {
    const state = await readLease(store, folder, DEFAULT_LEASE_TTL_MS);
    if (state) return state.record?.state;
  }
}

/** Tries to take the partition's lease. A live holder is reported, not waited for. */
export async function acquireLease(options: LeaseOptions): Promise<AcquireResult> {
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await readLease(options.store, options.folder, ttlMs);
    if (!state) continue; // deleted under us by a newer holder's clean-up: look again
    if (state.live) return { acquired: false, holder: state.live.holder, ageMs: state.live.ageMs };
    const epoch = (state.latest?.epoch ?? 0) + 1;
    const sentAt = (options.clock ?? systemClock).now();
    const now = new Date(sentAt).toISOString();
    // The predecessor's uploads and state carry over: if this holder dies before it has aborted the uploads
    // a crashed predecessor left, the next one still learns of them.
    const record: LeaseRecord = { epoch, holder: options.holder, acquiredAt: now, renewedAt: now, released: false, uploads: state.record?.uploads ?? [], state: state.record?.state };
    const key = epochKey(options.folder, epoch);
    try {
      await options.store.putObject(key, Buffer.from(JSON.stringify(record)), { forbidOverwrite: true, contentType: 'application/json' });
    } catch (err) {
      if (err instanceof ObjectExistsError) continue; // another contender won this epoch: see who
      throw err;
    }
    // Older epochs are history now; the newest one before ours stays so a zombie sees it was superseded.
    for (const old of state.epochs.slice(0, -1)) await options.store.deleteObject(old.key).catch(() => {});
    const lease = new Lease(options, epoch, record, sentAt);
    lease.startRenewing();
    return { acquired: true, lease, previous: state.record };
  }
  throw new Error(`could not settle the lease in ${options.folder} after 5 attempts (heavy contention)`);
}

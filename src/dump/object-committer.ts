// The irreversible steps of a dump, in the order that makes it exactly once (docs/exactly-once.md): the
// manifest (create-if-absent), then the data object (create-if-absent), then the chain's head in the
// lease, then the group commit. Before each step the lease must still be ours; a manifest already stored
// must describe the same plan, or another consumer wrote this range first and this one stops without writing.
import { ObjectExistsError } from '../cos/store';
import type { Clock } from '../util/clock';
import { headAfter, recordAbandonedPlan, type ChainHead } from './chain';
import { manifestKey } from './keys';
import { decodeManifest, encodeManifest, NO_RECORDS, samePlan, type Manifest } from './manifest';
import type { OffsetRange } from './offset-range';
import type { OpenObject, PartitionTarget } from './open-object';
import { encodeCommitMetadata } from './partition-log';

export class PlanConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanConflictError';
  }
}

/** What the committer needs of the lease: proof it is still held, and a place for uploads and the chain's head. */
export interface LeaseGuard {
  assertHeld(): Promise<void>;
  trackUploads(uploads: Array<{ key: string; uploadId: string }>): Promise<void>;
  recordState(state: unknown): Promise<void>;
}

export interface CommitterOptions extends PartitionTarget {
  commit: (offset: number, metadata: string) => Promise<void>;
  lease: LeaseGuard;
  /** Identifies this invocation in manifests. */
  writer: string;
  clock: Clock;
  /** The chain's head as the invocation found it. */
  head: ChainHead;
  /** When the chain last grew, as the group's metadata said. */
  advancedAt?: number;
  /** Each manifest of the chain this invocation stored (or confirmed), once its range is committed. */
  onCommitted?: (manifest: Manifest) => void;
}

export class ObjectCommitter {
  private currentHead: ChainHead;
  private advancedAt: number | undefined;

  constructor(private readonly options: CommitterOptions) {
    this.currentHead = options.head;
    this.advancedAt = options.advancedAt;
  }

  /** Where the chain ends now, with the window and the last record of its last object. */
  get head(): ChainHead {
    return this.currentHead;
  }

  /** Seals the object and stores its manifest and data; then records the chain's new end and commits it. */
  async commitObject(object: OpenObject): Promise<Manifest> {
    const stored = await object.body.seal();
    const manifest = this.manifestFor(object.range, {
      key: object.key,
      bytes: stored,
      contentBytes: object.body.inputBytes,
      windowStartMs: object.windowStartMs,
    });
    try {
      if (object.plan && !samePlan(object.plan, manifest)) {
        throw new PlanConflictError(
          `re-reading ${object.key} gave ${manifest.records} records for offsets ${manifest.startOffset}..${manifest.nextOffset - 1}, but its manifest says ${object.plan.records} for ..${object.plan.nextOffset - 1} (was the format changed?)`,
        );
      }
      await this.options.lease.assertHeld();
      if (!object.plan) await this.storeManifest(manifest);
      await this.storeData(object, manifest);
    } catch (err) {
      await object.body.abort().catch(() => {});
      throw err;
    } finally {
      void this.options.lease.trackUploads([]);
    }
    await this.advance(manifest);
    return manifest;
  }

  /**
   * A range with nothing to write (tombstones in `lines`, markers, aborted records) or lost to retention
   * still gets a manifest, so the chain has no gaps.
   */
  async commitRange(range: OffsetRange, fields: Partial<Manifest> = {}): Promise<Manifest> {
    const manifest = this.manifestFor(range, { key: null, ...fields });
    await this.options.lease.assertHeld();
    await this.storeManifest(manifest);
    await this.advance(manifest);
    return manifest;
  }

  /**
   * Gives up a plan whose first records retention deleted before it could be finished: its data key is
   * claimed with the empty object `claim` (so that no late writer can complete the plan after the chain has
   * moved on), and a record beside the manifest says where the chain goes on. Returns that offset: the
   * plan's own end if the plan turns out to have been completed after all.
   */
  async abandonPlan(plan: Manifest, claim: OpenObject, continuesAt: number, reason: string): Promise<number> {
    await this.options.lease.assertHeld();
    let emptyBytes: number;
    try {
      emptyBytes = await claim.body.seal();
      await claim.body.finish({ abandoned: 'true' });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err;
      const existing = await this.options.store.headObject(plan.key!);
      if (existing?.size === plan.bytes) {
        await this.advance(plan);
        return plan.nextOffset;
      }
      // Claimed empty by an abandonment that did not get to record itself: finish recording it.
      emptyBytes = existing?.size ?? 0;
    }
    return this.recordAbandonment(plan, emptyBytes, continuesAt, reason);
  }

  /** Records an abandonment whose data key is already claimed; returns where the chain goes on. */
  async recordAbandonment(plan: Manifest, emptyBytes: number, continuesAt: number, reason: string): Promise<number> {
    await this.options.lease.assertHeld();
    const record = await recordAbandonedPlan(this.options.store, this.options.chain, {
      startOffset: plan.startOffset,
      continuesAt,
      emptyBytes,
      reason,
      createdAt: new Date(this.options.clock.now()).toISOString(),
      writer: this.options.writer,
    });
    await this.recordHead({ ...this.currentHead, nextOffset: record.continuesAt });
    await this.commit();
    return record.continuesAt;
  }

  /** Commits the chain's end to the group, the mirror the CKafka console shows; with why reading stopped, at the end. */
  async commit(stop?: string): Promise<void> {
    await this.options.lease.assertHeld();
    const head = this.currentHead;
    await this.options.commit(head.nextOffset, encodeCommitMetadata({ window: head.windowStartMs ?? undefined, advancedAt: this.advancedAt, stop }));
  }

  private async advance(manifest: Manifest): Promise<void> {
    this.advancedAt = this.options.clock.now();
    await this.recordHead(headAfter(manifest, this.options.chain.generation, this.currentHead));
    await this.commit();
    this.options.onCommitted?.(manifest);
  }

  /** The head goes into the lease before the group commit, so a committed offset is never ahead of it. */
  private async recordHead(head: ChainHead): Promise<void> {
    this.currentHead = head;
    await this.options.lease.recordState(head);
  }

  private manifestFor(range: OffsetRange, fields: Partial<Manifest> & Pick<Manifest, 'key'>): Manifest {
    const { chain, topic, format, formatSettings, compression } = this.options;
    return {
      version: 1,
      topic,
      instanceId: chain.layout.instanceId,
      topicId: chain.layout.topicId,
      partition: chain.partition,
      startOffset: range.startOffset,
      nextOffset: range.nextOffset,
      ...NO_RECORDS,
      ...range.counts(),
      format,
      formatSettings,
      compression,
      windowStartMs: null,
      createdAt: new Date(this.options.clock.now()).toISOString(),
      writer: this.options.writer,
      ...fields,
    };
  }

  private async storeData(object: OpenObject, manifest: Manifest): Promise<void> {
    try {
      await object.body.finish({ 'next-offset': String(manifest.nextOffset), records: String(manifest.records) });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err;
      // The same plan, written by an earlier attempt that crashed before committing: same bytes.
      const existing = await this.options.store.headObject(object.key);
      if (existing?.size !== manifest.bytes) {
        throw new PlanConflictError(`${object.key} exists with ${existing?.size} bytes where its manifest says ${manifest.bytes}`);
      }
    }
  }

  private async storeManifest(manifest: Manifest): Promise<void> {
    const { store, chain, topic } = this.options;
    const key = manifestKey(chain, manifest.startOffset);
    try {
      await store.putObject(key, encodeManifest(manifest), { forbidOverwrite: true, contentType: 'application/json' });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err;
      const existing = await store.getObject(key);
      const theirs = existing ? decodeManifest(existing.body, key) : undefined;
      if (!theirs || !samePlan(theirs, manifest)) {
        throw new PlanConflictError(
          `another consumer already stored offsets ${manifest.startOffset}.. of ${topic}/${chain.partition} differently (${key}: up to ${theirs?.nextOffset}); this invocation stops without writing`,
        );
      }
    }
  }
}

// The irreversible steps of a dump, in the order that makes it exactly once (docs/exactly-once.md): the
// manifest (create-if-absent), then the data object (create-if-absent), then the group commit. Before each
// step the lease must still be ours; a manifest already stored must describe the same plan, or another
// consumer wrote this range first and this one stops without writing.
import { ObjectExistsError } from '../cos/store';
import type { Clock } from '../util/clock';
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

/** What the committer needs of the lease: proof it is still held, and where to record uploads in flight. */
export interface LeaseGuard {
  assertHeld(): Promise<void>;
  trackUploads(uploads: Array<{ key: string; uploadId: string }>): Promise<void>;
}

export interface CommitterOptions extends PartitionTarget {
  commit: (offset: number, metadata: string) => Promise<void>;
  lease: LeaseGuard;
  /** Identifies this invocation in manifests. */
  writer: string;
  clock: Clock;
  /** Each manifest of the chain this invocation stored (or confirmed), once its range is committed. */
  onCommitted?: (manifest: Manifest) => void;
}

export class ObjectCommitter {
  constructor(private readonly options: CommitterOptions) {}

  /** Seals the object and stores its manifest and data; then commits its end offset. */
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
    await this.commit(manifest.nextOffset, object.windowStartMs);
    this.options.onCommitted?.(manifest);
    return manifest;
  }

  /**
   * A range with nothing to write (tombstones in `lines`, markers, aborted records) or lost to retention
   * still gets a manifest, so the chain has no gaps.
   */
  async commitRange(range: OffsetRange, floorWindow: number | undefined, fields: Partial<Manifest> = {}): Promise<Manifest> {
    const manifest = this.manifestFor(range, { key: null, ...fields });
    await this.options.lease.assertHeld();
    await this.storeManifest(manifest);
    await this.commit(manifest.nextOffset, floorWindow);
    this.options.onCommitted?.(manifest);
    return manifest;
  }

  /** The group's offset, with the window of the last object so that windows never go back. */
  async commit(offset: number, floorWindow: number | undefined): Promise<void> {
    await this.options.lease.assertHeld();
    await this.options.commit(offset, encodeCommitMetadata({ window: floorWindow }));
  }

  private manifestFor(range: OffsetRange, fields: Partial<Manifest> & Pick<Manifest, 'key'>): Manifest {
    const { layout, topic, partition, format, compression } = this.options;
    return {
      version: 1,
      topic,
      instanceId: layout.instanceId,
      topicId: layout.topicId,
      partition,
      startOffset: range.startOffset,
      nextOffset: range.nextOffset,
      ...NO_RECORDS,
      ...range.counts(),
      format,
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
    const { store, layout, topic, partition } = this.options;
    const key = manifestKey(layout, partition, manifest.startOffset);
    try {
      await store.putObject(key, encodeManifest(manifest), { forbidOverwrite: true, contentType: 'application/json' });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err;
      const existing = await store.getObject(key);
      const theirs = existing ? decodeManifest(existing.body, key) : undefined;
      if (!theirs || !samePlan(theirs, manifest)) {
        throw new PlanConflictError(
          `another consumer already stored offsets ${manifest.startOffset}.. of ${topic}/${partition} differently (${key}: up to ${theirs?.nextOffset}); this invocation stops without writing`,
        );
      }
    }
  }
}

// Dumps one partition from its committed offset into COS objects, committing each object's end offset
// only after the object and its manifest are stored. The correctness argument is in docs/exactly-once.md.
import { BufferPool, ObjectUpload } from '../cos/object-upload';
import { ObjectExistsError, type ObjectStore } from '../cos/store';
import type { Lease } from '../lease/lease';
import { OffsetOutOfRangeError, readPartition } from '../kafka/partition-reader';
import type { KafkaRecord } from '../kafka/record-batch';
import { Limiter } from '../util/limiter';
import { createFormat, SKIPPED, type FormatCounts, type RecordFormat } from './format';
import { dataObjectKey, extensionFor, manifestKey, startMarkerKey, type Layout } from './keys';
import { decodeManifest, encodeManifest, NO_RECORDS, samePlan, type Manifest } from './manifest';
import { GZIP_MEMBER_BYTES, GzipBody, PlainBody, type ObjectBody } from './object-body';
import { OpenObject } from './open-object';
import { encodeCommitMetadata, type PartitionLog } from './partition-log';
import { placeRecord, recordWindow, type OpenObjectState, type PlacementRules } from './rotation';
import { DataLossError, decideStart } from './start-position';
import { isUsableTimestamp, isWindowClosed } from './window';
import type { StartPosition } from '../config/config';

export interface DumpSettings {
  format: 'lines' | 'jsonl';
  compression: 'none' | 'gzip';
  windowMinutes: number;
  windowGraceSeconds: number;
  flushOpenWindow: boolean;
  maxObjectBytes: number;
  partSizeBytes: number;
  uploadConcurrency: number;
  storageClass: string;
  fetchMaxBytes: number;
  startPosition: StartPosition;
  onOffsetOutOfRange: 'fail' | 'earliest';
}

export interface DumperOptions {
  log: PartitionLog;
  store: ObjectStore;
  layout: Layout;
  lease: Lease;
  settings: DumpSettings;
  /** No fetch starts after this instant (epoch ms); what is read by then is written and committed. */
  readDeadline: number;
  /** Identifies this invocation in manifests and metadata. */
  writer: string;
  now?: () => number;
  onEvent?: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

export type StopReason = 'caught-up' | 'open-window' | 'deadline' | 'no-progress';

export interface DumpSummary {
  topic: string;
  partition: number;
  groupId: string;
  fromOffset: number;
  toOffset: number;
  /** The log end seen at start; `lag` is what remains below it. */
  endOffset: number;
  lag: number;
  records: number;
  bytes: number;
  contentBytes: number;
  objects: Array<{ key: string; startOffset: number; nextOffset: number; records: number; bytes: number }>;
  emptyRanges: number;
  adopted: number;
  tombstones: number;
  invalidUtf8: number;
  skippedOffsets: number;
  invalidTimestamps: number;
  lost?: { from: number; to: number };
  stopReason: StopReason;
}

export class PlanConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanConflictError';
  }
}

const FETCH_WAIT_MS = 200;

export class PartitionDumper {
  private readonly format: RecordFormat;
  private readonly pool: BufferPool;
  /** gzip members: input gathered and compressed in small pieces, apart from the part buffers. */
  private readonly memberPool: BufferPool;
  private readonly limiter: Limiter;
  private readonly now: () => number;
  private open: OpenObject | undefined;
  /** Start of the range not yet covered by a finished object: the next object's start offset. */
  private rangeStart = 0;
  private position = 0;
  private floorWindow: number | undefined;
  private plan: Manifest | undefined;
  /** What the current range (from rangeStart) has seen: the next manifest's counts. */
  private rangeCounts: FormatCounts = { tombstones: 0, invalidUtf8: 0 };
  private rangeSkipped = 0;
  private readonly summary: DumpSummary;
  private readonly placementRules: PlacementRules;
  /** Refilled for each record's placement rather than allocated. */
  private readonly openState: OpenObjectState = { windowStartMs: 0, records: 0, storedBoundWithRecord: 0 };

  constructor(private readonly options: DumperOptions) {
    const { settings, log } = options;
    this.format = createFormat(settings.format, log.partition);
    this.limiter = new Limiter(settings.uploadConcurrency);
    this.pool = new BufferPool(settings.partSizeBytes, settings.uploadConcurrency + 2);
    this.memberPool = new BufferPool(GZIP_MEMBER_BYTES, 4);
    this.now = options.now ?? Date.now;
    this.placementRules = { maxObjectBytes: settings.maxObjectBytes, flushOpenWindow: settings.flushOpenWindow };
    this.summary = {
      topic: log.topic,
      partition: log.partition,
      groupId: log.groupId,
      fromOffset: 0,
      toOffset: 0,
      endOffset: 0,
      lag: 0,
      records: 0,
      bytes: 0,
      contentBytes: 0,
      objects: [],
      emptyRanges: 0,
      adopted: 0,
      tombstones: 0,
      invalidUtf8: 0,
      skippedOffsets: 0,
      invalidTimestamps: 0,
      stopReason: 'caught-up',
    };
  }

  private event(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.options.onEvent?.(level, message, { topic: this.options.log.topic, partition: this.options.log.partition, ...fields });
  }

  async run(): Promise<DumpSummary> {
    const { log, store, layout, settings } = this.options;
    const start = await decideStart(log, store, {
      markerKey: startMarkerKey(layout, log.partition),
      startPosition: settings.startPosition,
      onOutOfRange: settings.onOffsetOutOfRange,
    });
    if (start.lost) {
      this.summary.lost = start.lost;
      this.event('error', 'records lost before they were dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', {
        lostFrom: start.lost.from,
        lostTo: start.lost.to - 1,
        lostCount: start.lost.to - start.lost.from,
      });
    }
    this.summary.fromOffset = start.lost?.from ?? start.offset;
    this.summary.endOffset = start.logEnd;
    this.floorWindow = start.floorWindow;
    // Records below the log start were deleted unread: the chain records that range as lost. (A commit past
    // the log end belongs to a log that no longer exists; there is nothing to record for it.)
    if (start.lost && start.lost.to === start.offset) {
      this.rangeStart = this.position = start.lost.from;
      await this.recordLoss(start.lost.to);
    }
    this.rangeStart = this.position = await this.adoptFinishedObjects(start.offset);
    if (start.fresh || this.position !== start.offset) await this.commit(this.position);

    try {
      await this.readAndWrite(start.logEnd);
      if (this.open) await this.finishObject(this.open);
      else if (this.position > this.rangeStart) await this.finishEmptyRange();
    } catch (err) {
      await this.open?.body.abort().catch(() => {});
      void this.options.lease.trackUploads([]);
      throw err;
    }
    this.summary.toOffset = this.rangeStart;
    this.summary.lag = Math.max(0, this.summary.endOffset - this.rangeStart);
    this.summary.tombstones = this.format.counts.tombstones;
    this.summary.invalidUtf8 = this.format.counts.invalidUtf8;
    return this.summary;
  }

  /**
   * Walks the chain of objects that earlier invocations stored but did not commit (a crash between
   * upload and commit, or a regressed commit): each manifest names its successor's start offset. A
   * manifest without its data object is a plan to finish exactly as written.
   */
  private async adoptFinishedObjects(offset: number): Promise<number> {
    const { store, layout, log } = this.options;
    for (;;) {
      const key = manifestKey(layout, log.partition, offset);
      const stored = await store.getObject(key);
      if (!stored) return offset;
      const manifest = decodeManifest(stored.body, key);
      if (manifest.startOffset !== offset || manifest.partition !== log.partition) throw new Error(`manifest ${key} describes ${manifest.partition}@${manifest.startOffset}, not ${log.partition}@${offset}`);
      if (manifest.key !== null && !(await store.headObject(manifest.key))) {
        this.plan = manifest;
        this.event('warn', 'finishing an object an earlier invocation planned but did not store', { key: manifest.key, startOffset: offset, nextOffset: manifest.nextOffset });
        return offset;
      }
      this.summary.adopted++;
      this.floorWindow = manifest.windowStartMs ?? this.floorWindow;
      this.event('info', 'adopting an object stored by an earlier invocation', { key: manifest.key, startOffset: offset, nextOffset: manifest.nextOffset });
      offset = manifest.nextOffset;
    }
  }

  private async readAndWrite(logEnd: number): Promise<void> {
    const { log, settings } = this.options;
    const target = Math.max(logEnd, this.plan?.nextOffset ?? 0);
    for (;;) {
      try {
        const more = () => this.now() <= this.options.readDeadline;
        for await (const chunk of readPartition(this.position, target, { fetch: (offset) => log.fetch(offset, settings.fetchMaxBytes, FETCH_WAIT_MS), more })) {
          for (const record of chunk.records) {
            const placed = this.place(record);
            if (placed === false || (placed !== true && !(await placed))) return;
          }
          // Markers, aborted transactions and compaction leave offsets without records; they are covered all the same.
          await this.skipTo(chunk.nextOffset);
          await this.open?.body.makeRoomFor(0);
        }
        if (this.position < target) this.summary.stopReason = this.now() > this.options.readDeadline ? 'deadline' : 'no-progress';
        return;
      } catch (err) {
        if (!(err instanceof OffsetOutOfRangeError)) throw err;
        await this.handleDeletedWhileReading();
      }
    }
  }

  /** Retention deleted records while we were reading them. What we have is good; the rest is gone. */
  private async handleDeletedWhileReading(): Promise<void> {
    const { log, settings } = this.options;
    const logStart = Math.max(await log.offsetFor('earliest'), this.position + 1);
    if (this.open) await this.finishObject(this.open);
    else if (this.position > this.rangeStart) await this.finishEmptyRange();
    if (settings.onOffsetOutOfRange === 'fail') throw new DataLossError(log.topic, log.partition, this.position, logStart, 'deleted by retention while the dump was reading them');
    this.summary.lost = { from: this.position, to: logStart };
    this.event('error', 'records deleted by retention while being dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', {
      lostFrom: this.position,
      lostTo: logStart - 1,
      lostCount: logStart - this.position,
    });
    await this.recordLoss(logStart);
  }

  /** Covers offsets that hold nothing to write. A planned object ends exactly where its plan says. */
  private async skipTo(offset: number): Promise<void> {
    const planEnd = this.open?.plan?.nextOffset;
    if (planEnd !== undefined && offset >= planEnd) {
      this.advance(planEnd);
      await this.finishObject(this.open!);
    }
    this.advance(offset);
  }

  private advance(offset: number): void {
    if (offset <= this.position) return;
    this.rangeSkipped += offset - this.position;
    this.summary.skippedOffsets += offset - this.position;
    this.position = offset;
    if (this.open) this.open.nextOffset = offset;
  }

  /**
   * Writes one record; false when reading must stop before it (its window is still open). Synchronous
   * unless an object must be finished or a part must wait for an upload slot: an async call per record
   * would allocate more than the record's own bytes at a million records per second.
   */
  private place(record: KafkaRecord): boolean | Promise<boolean> {
    const { settings } = this.options;
    const planEnd = this.open?.plan?.nextOffset;
    if (planEnd !== undefined && record.offset >= planEnd) return this.skipTo(record.offset).then(() => this.place(record));
    this.advance(record.offset);
    const size = this.format.measure(record);
    if (size === SKIPPED) {
      this.position = record.offset + 1;
      if (this.open) this.open.nextOffset = this.position;
      return true;
    }
    const open = this.open;
    const now = this.now();
    const window = recordWindow(record.timestamp, settings.windowMinutes, open?.windowStartMs ?? this.floorWindow, now);
    if (!isUsableTimestamp(record.timestamp)) this.summary.invalidTimestamps++;

    if (this.plan && !open) {
      this.open = this.openObject(this.plan.windowStartMs ?? window, this.plan);
      return this.write(record, size);
    }
    if (open?.plan) return this.write(record, size);
    if (open) {
      this.openState.windowStartMs = open.windowStartMs;
      this.openState.records = open.records;
      this.openState.storedBoundWithRecord = open.body.storedBound(size);
    }
    const placement = placeRecord(
      open ? this.openState : undefined,
      window,
      isWindowClosed(window, settings.windowMinutes, settings.windowGraceSeconds, now),
      this.placementRules,
    );
    if (placement === 'stop') {
      this.summary.stopReason = 'open-window';
      return false;
    }
    // Past the deadline, no new object is started: what is open gets finished and committed in time.
    if (placement !== 'append' && now > this.options.readDeadline) {
      this.summary.stopReason = 'deadline';
      return false;
    }
    if (placement === 'rotate') {
      return this.finishObject(open!).then(() => {
        this.open = this.openObject(window);
        return this.write(record, size);
      });
    }
    if (placement === 'open') this.open = this.openObject(window);
    return this.write(record, size);
  }

  /** Writes a placed record of `size` bytes into the open object, once the object has room for it. */
  private write(record: KafkaRecord, size: number): true | Promise<true> {
    const target = this.open!;
    if (!target.body.hasRoomFor(size)) return target.body.makeRoomFor(size).then(() => this.write(record, size));
    this.format.write(record, target.body);
    target.took(record);
    this.position = record.offset + 1;
    return true;
  }

  private openObject(windowStartMs: number, plan?: Manifest): OpenObject {
    const { store, layout, log, settings } = this.options;
    const startOffset = this.rangeStart;
    const key = plan?.key ?? dataObjectKey(layout, windowStartMs, log.partition, startOffset, extensionFor(settings.format, settings.compression));
    const upload = new ObjectUpload({
      store,
      key,
      pool: this.pool,
      limiter: this.limiter,
      put: {
        forbidOverwrite: true,
        storageClass: settings.storageClass,
        contentType: settings.format === 'lines' ? 'text/plain; charset=utf-8' : 'application/x-ndjson',
        metadata: { topic: log.topic, partition: String(log.partition), 'start-offset': String(startOffset), format: settings.format, compression: settings.compression },
      },
      onMultipartStarted: (uploadId) => this.options.lease.trackUploads([{ key, uploadId }]),
    });
    const body: ObjectBody = settings.compression === 'gzip' ? new GzipBody(upload, this.memberPool) : new PlainBody(upload);
    return new OpenObject(key, startOffset, windowStartMs, body, this.format.counts, this.rangeCounts, plan);
  }

  private manifestFor(key: string | null, nextOffset: number, fields: Partial<Manifest>): Manifest {
    const { layout, log, settings } = this.options;
    return {
      version: 1,
      key,
      topic: log.topic,
      instanceId: layout.instanceId,
      topicId: layout.topicId,
      partition: log.partition,
      startOffset: this.rangeStart,
      nextOffset,
      ...NO_RECORDS,
      format: settings.format,
      compression: settings.compression,
      windowStartMs: null,
      firstTimestamp: null,
      lastTimestamp: null,
      createdAt: new Date(this.now()).toISOString(),
      writer: this.options.writer,
      ...fields,
    };
  }

  /**
   * Stores the manifest (create-if-absent), then the data object (create-if-absent), then commits. A
   * manifest already there must describe the same object, or another consumer wrote this range first.
   */
  private async finishObject(object: OpenObject): Promise<void> {
    this.open = undefined;
    const stored = await object.body.seal();
    const manifest = this.manifestFor(object.key, object.nextOffset, {
      records: object.records,
      firstRecordOffset: object.firstRecordOffset,
      lastRecordOffset: object.lastRecordOffset,
      tombstones: object.tombstones,
      invalidUtf8: object.invalidUtf8,
      skippedOffsets: this.rangeSkipped,
      bytes: stored,
      contentBytes: object.body.inputBytes,
      windowStartMs: object.windowStartMs,
      firstTimestamp: object.firstTimestamp,
      lastTimestamp: object.lastTimestamp,
    });
    try {
      if (object.plan && !samePlan(object.plan, manifest)) {
        throw new PlanConflictError(
          `re-reading ${object.key} gave ${manifest.records} records for offsets ${manifest.startOffset}..${manifest.nextOffset - 1}, but its manifest says ${object.plan.records} for ..${object.plan.nextOffset - 1} (was the format changed?)`,
        );
      }
      await this.options.lease.assertHeld();
      if (!object.plan) await this.writeManifest(manifest);
      await this.storeData(object, manifest);
    } catch (err) {
      await object.body.abort().catch(() => {});
      throw err;
    } finally {
      void this.options.lease.trackUploads([]);
    }
    this.plan = undefined;
    this.floorWindow = object.windowStartMs;
    this.startRange(object.nextOffset);
    this.summary.records += manifest.records;
    this.summary.bytes += manifest.bytes;
    this.summary.contentBytes += manifest.contentBytes;
    this.summary.objects.push({ key: object.key, startOffset: manifest.startOffset, nextOffset: manifest.nextOffset, records: manifest.records, bytes: manifest.bytes });
    await this.commit(object.nextOffset);
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

  private async writeManifest(manifest: Manifest): Promise<void> {
    const { store, layout, log } = this.options;
    const key = manifestKey(layout, log.partition, manifest.startOffset);
    try {
      await store.putObject(key, encodeManifest(manifest), { forbidOverwrite: true, contentType: 'application/json' });
    } catch (err) {
      if (!(err instanceof ObjectExistsError)) throw err;
      const existing = await store.getObject(key);
      const theirs = existing ? decodeManifest(existing.body, key) : undefined;
      if (!theirs || !samePlan(theirs, manifest)) {
        throw new PlanConflictError(
          `another consumer already stored offsets ${manifest.startOffset}.. of ${log.topic}/${log.partition} differently (${key}: up to ${theirs?.nextOffset}); this invocation stops without writing`,
        );
      }
    }
  }

  /** Offsets with nothing to write (tombstones in `lines`, markers, aborted records) still get a manifest, so the chain has no gaps. */
  private async finishEmptyRange(): Promise<void> {
    await this.finishRangeWithoutData({ tombstones: this.format.counts.tombstones - this.rangeCounts.tombstones, skippedOffsets: this.rangeSkipped });
    this.summary.emptyRanges++;
  }

  /** Retention deleted [position, to): the chain records the loss, so verify reports it instead of a gap. */
  private async recordLoss(to: number): Promise<void> {
    await this.finishRangeWithoutData({ lostOffsets: to - this.position }, to);
  }

  private async finishRangeWithoutData(fields: Partial<Manifest>, nextOffset = this.position): Promise<void> {
    await this.options.lease.assertHeld();
    await this.writeManifest(this.manifestFor(null, nextOffset, fields));
    this.position = nextOffset;
    this.startRange(nextOffset);
    await this.commit(nextOffset);
  }

  private startRange(offset: number): void {
    this.rangeStart = offset;
    this.rangeCounts = { ...this.format.counts };
    this.rangeSkipped = 0;
  }

  private async commit(offset: number): Promise<void> {
    await this.options.lease.assertHeld();
    await this.options.log.commit(offset, encodeCommitMetadata({ window: this.floorWindow }));
  }
}

// Dumps one partition: where to start (the committed offset, the chain stored after it), then records read
// in offset order into objects, each committed only after it and its manifest are stored. The steps live
// in their own modules: start-position, chain, partition-writer (placement), object-factory (keys and
// uploads), object-committer (the irreversible steps). The correctness argument is docs/exactly-once.md.
import type { ObjectStore } from '../cos/store';
import type { StartPosition } from '../config/config';
import { OffsetOutOfRangeError, readPartition } from '../kafka/partition-reader';
import { systemClock, type Clock } from '../util/clock';
import { followChain } from './chain';
import type { CompressionName } from './compression';
import { FORMATS, type FormatName } from './format';
import { startMarkerKey, type Layout } from './keys';
import type { Manifest } from './manifest';
import { ObjectCommitter, type LeaseGuard } from './object-committer';
import { ObjectFactory } from './object-factory';
import type { PartitionTarget } from './open-object';
import type { PartitionLog } from './partition-log';
import { PartitionWriter, type StopReason } from './partition-writer';
import { DataLossError, decideStart } from './start-position';

export { PlanConflictError } from './object-committer';
export type { StopReason } from './partition-writer';

export interface DumpSettings {
  format: FormatName;
  compression: CompressionName;
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
  lease: LeaseGuard;
  settings: DumpSettings;
  /** No fetch starts after this instant (epoch ms); what is read by then is written and committed. */
  readDeadline: number;
  /** Identifies this invocation in manifests and metadata. */
  writer: string;
  clock?: Clock;
  /** Log lines of the dump (the caller's logger already names topic and partition). */
  onEvent?: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

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
  unusableTimestamps: number;
  lost?: { from: number; to: number };
  stopReason: StopReason;
}

const FETCH_WAIT_MS = 200;

/** The invocation's totals, from the manifests it committed: each range counted by its own manifest. */
function summarize(committed: Manifest[]): Pick<DumpSummary, 'records' | 'bytes' | 'contentBytes' | 'objects' | 'emptyRanges' | 'tombstones' | 'invalidUtf8' | 'skippedOffsets' | 'unusableTimestamps'> {
  const totals = { records: 0, bytes: 0, contentBytes: 0, objects: [] as DumpSummary['objects'], emptyRanges: 0, tombstones: 0, invalidUtf8: 0, skippedOffsets: 0, unusableTimestamps: 0 };
  for (const m of committed) {
    totals.records += m.records;
    totals.bytes += m.bytes;
    totals.contentBytes += m.contentBytes;
    totals.tombstones += m.tombstones;
    totals.invalidUtf8 += m.invalidUtf8;
    totals.skippedOffsets += m.skippedOffsets;
    totals.unusableTimestamps += m.unusableTimestamps;
    if (m.key !== null) totals.objects.push({ key: m.key, startOffset: m.startOffset, nextOffset: m.nextOffset, records: m.records, bytes: m.bytes });
    else if (m.lostOffsets === 0) totals.emptyRanges++;
  }
  return totals;
}

export async function dumpPartition(options: DumperOptions): Promise<DumpSummary> {
  const { log, store, layout, settings, lease } = options;
  const clock = options.clock ?? systemClock;
  const event = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => options.onEvent?.(level, message, fields);
  const committed: Manifest[] = [];
  const target: PartitionTarget = { store, layout, topic: log.topic, partition: log.partition, format: settings.format, compression: settings.compression };
  const committer = new ObjectCommitter({
    ...target,
    commit: (offset, metadata) => log.commit(offset, metadata),
    lease,
    writer: options.writer,
    clock,
    onCommitted: (manifest) => committed.push(manifest),
  });
  const factory = new ObjectFactory({
    ...target,
    storageClass: settings.storageClass,
    partSizeBytes: settings.partSizeBytes,
    uploadConcurrency: settings.uploadConcurrency,
    trackUpload: (key, uploadId) => lease.trackUploads([{ key, uploadId }]),
  });
  const newWriter = (offset: number, floorWindow?: number, plan?: Manifest) =>
    new PartitionWriter({ format: FORMATS[settings.format].create(log.partition), factory, committer, rules: settings, clock, readDeadline: options.readDeadline }, { offset, floorWindow, plan });

  const start = await decideStart(log, store, { markerKey: startMarkerKey(layout, log.partition), startPosition: settings.startPosition, onOutOfRange: settings.onOffsetOutOfRange });
  let lost = start.lost;
  if (lost) {
    event('error', 'records lost before they were dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', { lostFrom: lost.from, lostTo: lost.to - 1, lostCount: lost.to - lost.from });
    // Records below the log start were deleted unread: the chain records that range as lost. (A commit past
    // the log end belongs to a log that no longer exists; there is nothing to record for it.)
    if (lost.to === start.offset) await newWriter(lost.from, start.floorWindow).recordLoss(lost.to);
  }
  const chain = await followChain(store, layout, log.partition, start.offset, start.floorWindow);
  for (const m of chain.adopted) event('info', 'adopting an object stored by an earlier invocation', { key: m.key, startOffset: m.startOffset, nextOffset: m.nextOffset });
  if (chain.plan) event('warn', 'finishing an object an earlier invocation planned but did not store', { key: chain.plan.key, startOffset: chain.plan.startOffset, nextOffset: chain.plan.nextOffset });
  if (start.fresh || chain.offset !== start.offset) await committer.commit(chain.offset, chain.floorWindow);

  const writer = newWriter(chain.offset, chain.floorWindow, chain.plan);
  const readTo = Math.max(start.logEnd, writer.planEnd ?? 0);
  try {
    for (;;) {
      try {
        await readInto(writer, log, settings.fetchMaxBytes, () => clock.now() <= options.readDeadline, readTo);
        if (!writer.stopReason && writer.position < readTo) writer.stopReason = clock.now() > options.readDeadline ? 'deadline' : 'no-progress';
        break;
      } catch (err) {
        if (!(err instanceof OffsetOutOfRangeError)) throw err;
        // Retention deleted records while we were reading them. What we have is good; the rest is gone.
        const from = writer.position;
        const logStart = Math.max(await log.offsetFor('earliest'), from + 1);
        await writer.finish();
        if (settings.onOffsetOutOfRange === 'fail') throw new DataLossError(log.topic, log.partition, from, logStart, 'deleted by retention while the dump was reading them');
        lost = { from, to: logStart };
        event('error', 'records deleted by retention while being dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', { lostFrom: from, lostTo: logStart - 1, lostCount: logStart - from });
        await writer.recordLoss(logStart);
      }
    }
    await writer.finish();
  } catch (err) {
    await writer.abort();
    void lease.trackUploads([]);
    throw err;
  }
  const toOffset = writer.position;
  return {
    topic: log.topic,
    partition: log.partition,
    groupId: log.groupId,
    fromOffset: start.lost?.from ?? start.offset,
    toOffset,
    endOffset: start.logEnd,
    lag: Math.max(0, start.logEnd - toOffset),
    adopted: chain.adopted.length,
    ...summarize(committed),
    ...(lost ? { lost } : {}),
    stopReason: writer.stopReason ?? 'caught-up',
  };
}

/** Reads from the writer's position towards `target`, record by record, until done or told to stop. */
async function readInto(writer: PartitionWriter, log: PartitionLog, fetchMaxBytes: number, more: () => boolean, target: number): Promise<void> {
  for await (const chunk of readPartition(writer.position, target, { fetch: (offset) => log.fetch(offset, fetchMaxBytes, FETCH_WAIT_MS), more })) {
    for (const record of chunk.records) {
      const placed = writer.take(record);
      if (placed === false || (placed !== true && !(await placed))) return;
    }
    await writer.coverTo(chunk.nextOffset);
    await writer.makeRoom();
  }
}

// Dumps one partition: where its chain in COS ends (start-position, chain), then records read in offset
// order into objects, each committed only after it and its manifest are stored. The steps live in their
// own modules: partition-writer (placement), object-factory (keys and uploads), object-committer (the
// irreversible steps). The correctness argument is docs/exactly-once.md.
import type { ObjectStore } from '../cos/store';
import type { StartPosition } from '../config/config';
import { OffsetOutOfRangeError } from '../kafka/partition-reader';
import { systemClock, type Clock } from '../util/clock';
import type { ChainHead } from './chain';
import { COMPRESSIONS } from './compression';
import { FORMATS } from './format';
import type { Layout } from './keys';
import type { Manifest } from './manifest';
import type { ObjectSettings } from './object-settings';
import { ObjectCommitter, type LeaseGuard } from './object-committer';
import { ObjectFactory } from './object-factory';
import type { PartitionTarget } from './open-object';
import { decodeCommitMetadata, type PartitionLog } from './partition-log';
import { PartitionWriter, type OddTimestamp, type StopReason } from './partition-writer';
import { DataLossError, decideStart, type StartDecision } from './start-position';

export { PlanConflictError } from './object-committer';
export type { StopReason } from './partition-writer';

export interface DumpSettings extends ObjectSettings {
  maxObjectBytes: number;
  partSizeBytes: number;
  uploadConcurrency: number;
  storageClass: string;
  startPosition: StartPosition;
  onOffsetOutOfRange: 'fail' | 'earliest';
}

export interface DumperOptions {
  log: PartitionLog;
  store: ObjectStore;
  layout: Layout;
  lease: LeaseGuard;
  /** The chain's head as the previous lease holder recorded it. */
  head?: ChainHead;
  settings: DumpSettings;
  /** No fetch starts after this instant (epoch ms); what is read by then is written and committed. */
  readDeadline: number;
  /** Identifies this invocation in manifests and metadata. */
  writer: string;
  /**
   * Work that must end before the dump writes anything but a start marker (the cleanup of a dead holder's
   * uploads): it runs beside the start decision, which only reads, and creates at most that marker.
   */
  beforeWriting?: Promise<void>;
  clock?: Clock;
  /** Log lines of the dump (the caller's logger already names topic and partition). */
  onEvent?: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

export interface DumpSummary {
  topic: string;
  partition: number;
  groupId: string;
  /** The chain dumped into: 0 for the first, more after the topic was re-created. */
  generation: number;
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

function lossEvent(lost: { from: number; to: number }) {
  return { lostFrom: lost.from, lostTo: lost.to - 1, lostCount: lost.to - lost.from };
}

export async function dumpPartition(options: DumperOptions): Promise<DumpSummary> {
  const { log, store, layout, settings, lease } = options;
  const clock = options.clock ?? systemClock;
  const event = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) => options.onEvent?.(level, message, fields);

  const start = await decideStart(log, { store, layout, head: options.head, startPosition: settings.startPosition, onOutOfRange: settings.onOffsetOutOfRange, clock, assertHeld: () => lease.assertHeld() });
  reportStart(start, event);
  await options.beforeWriting;
  const committed: Manifest[] = [];
  const target: PartitionTarget = { store, chain: start.chain, topic: log.topic, format: settings.format, formatSettings: settings.formatSettings, compression: settings.compression };
  const spec = FORMATS[settings.format];
  await spec.prepare?.(settings.formatSettings);
  await COMPRESSIONS[settings.compression].prepare?.();
  const format = spec.create(log.partition, settings.formatSettings);
  const committer = new ObjectCommitter({
    ...target,
    commit: (offset, metadata) => log.commit(offset, metadata),
    lease,
    writer: options.writer,
    clock,
    head: { v: 1, generation: start.chain.generation, nextOffset: start.lost?.from ?? start.offset, windowStartMs: start.floorWindow ?? null, lastRecord: start.lastRecord ?? null },
    advancedAt: decodeCommitMetadata(start.committedMetadata).advancedAt,
    onCommitted: (manifest) => committed.push(manifest),
  });
  const factory = new ObjectFactory({
    ...target,
    storageClass: settings.storageClass,
    partSizeBytes: settings.partSizeBytes,
    uploadConcurrency: settings.uploadConcurrency,
    trackUpload: (key, uploadId) => lease.trackUploads([{ key, uploadId }]),
  });
  const newWriter = (offset: number, plan?: Manifest) =>
    new PartitionWriter({ format, factory, committer, rules: settings, readDeadline: options.readDeadline }, { offset, plan });

  let lost = start.lost;
  if (lost) await newWriter(lost.from).recordLoss(lost.to);
  let offset = start.offset;
  if (start.abandoning) {
    // An abandonment claimed the plan's data key and stopped before it recorded where the chain goes on.
    const emptyBytes = (await store.headObject(start.abandoning.key!))?.size ?? 0;
    offset = await committer.recordAbandonment(start.abandoning, emptyBytes, Math.max(start.logStart, start.abandoning.startOffset + 1), 'retention deleted records of the plan before it was finished');
  }
  // The group's offset mirrors the chain's end: re-committed when Kafka forgot it or it differs.
  if (start.committed !== committer.head.nextOffset) {
    event('info', 'the group offset does not match the chain in COS, which is the record of the dump: re-committing the chain end', { committed: start.committed ?? null, chainEnd: committer.head.nextOffset });
    await committer.commit();
  }

  const writer = newWriter(offset, start.plan);
  const readTo = Math.max(start.logEnd, writer.planEnd ?? 0);
  // A plan is finished whatever the deadline: an earlier invocation read it within the same budget.
  const more = () => writer.planEnd !== undefined || clock.now() <= options.readDeadline;
  try {
    for (;;) {
      try {
        await readInto(writer, log, more, readTo, clock);
        if (!writer.stopReason && writer.position < readTo) writer.stopReason = clock.now() > options.readDeadline ? 'deadline' : 'no-progress';
        break;
      } catch (err) {
        if (!(err instanceof OffsetOutOfRangeError)) throw err;
        // Retention deleted records while we were reading them. What we have is good; the rest is gone.
        const from = writer.position;
        const logStart = Math.max(await log.offsetFor('earliest'), from + 1);
        const fail = settings.onOffsetOutOfRange === 'fail';
        if (writer.planEnd !== undefined) {
          // The plan an earlier invocation left can never be written as it was.
          if (fail) throw new DataLossError(log.topic, log.partition, from, logStart, 'deleted by retention before an object an earlier invocation planned could be finished');
          lost = { from, to: logStart };
          event('error', 'records of a planned object deleted by retention before it was finished; giving the plan up and going on (ON_OFFSET_OUT_OF_RANGE=earliest)', lossEvent(lost));
          await writer.abandonPlan(logStart, `offsets ${from}..${logStart - 1} were deleted by retention before the plan was finished`);
          continue;
        }
        await writer.finish();
        if (fail) throw new DataLossError(log.topic, log.partition, from, logStart, 'deleted by retention while the dump was reading them');
        lost = { from, to: logStart };
        event('error', 'records deleted by retention while being dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', lossEvent(lost));
        await writer.recordLoss(logStart);
      }
    }
    await writer.finish();
    // An invocation that moved nothing still says why, so that a partition which stops advancing is seen.
    if (committed.length === 0) await committer.commit(writer.stopReason ?? 'caught-up');
  } catch (err) {
    await writer.abort();
    void lease.trackUploads([]);
    throw err;
  }
  if (writer.firstOddTimestamp) {
    const odd: OddTimestamp = writer.firstOddTimestamp;
    event('warn', `${writer.oddTimestamps} records had a timestamp too far ${odd.verdict} to place them in time (a producer's clock is wrong?); they were filed by the time they were dumped`, {
      count: writer.oddTimestamps,
      firstOffset: odd.offset,
      firstTimestamp: odd.timestamp,
      firstTimestampIso: new Date(odd.timestamp).toISOString(),
      toleranceMs: settings.timestampToleranceMs,
    });
  }
  const toOffset = writer.position;
  return {
    topic: log.topic,
    partition: log.partition,
    groupId: log.groupId,
    generation: start.chain.generation,
    fromOffset: start.lost?.from ?? start.offset,
    toOffset,
    endOffset: start.logEnd,
    lag: Math.max(0, start.logEnd - toOffset),
    adopted: start.adopted.length,
    ...summarize(committed),
    ...(lost ? { lost } : {}),
    stopReason: writer.stopReason ?? 'caught-up',
  };
}

function reportStart(start: StartDecision, event: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void): void {
  if (start.newChain) event('warn', 'the stored chain does not belong to this log (topic deleted and re-created, or log truncated): starting a new chain beside it', { generation: start.chain.generation, why: start.newChain, from: start.offset });
  if (start.lost) event('error', 'records lost before they were dumped; going on from the earliest offset (ON_OFFSET_OUT_OF_RANGE=earliest)', lossEvent(start.lost));
  for (const m of start.adopted) event('info', 'adopting an object stored by an earlier invocation', { key: m.key, startOffset: m.startOffset, nextOffset: m.nextOffset });
  if (start.plan) event('warn', 'finishing an object an earlier invocation planned but did not store', { key: start.plan.key, startOffset: start.plan.startOffset, nextOffset: start.plan.nextOffset });
}

/** Reads from the writer's position towards `target`, record by record, until done or told to stop. */
async function readInto(writer: PartitionWriter, log: PartitionLog, more: () => boolean, target: number, clock: Clock): Promise<void> {
  for await (const chunk of log.read(writer.position, target, more)) {
    let now = clock.now();
    for (const record of chunk.records) {
      const placed = writer.take(record, now);
      if (placed === false) return;
      if (placed !== true) {
        if (!(await placed)) return;
        now = clock.now();
      }
    }
    await writer.coverTo(chunk.nextOffset);
    await writer.makeRoom();
  }
}

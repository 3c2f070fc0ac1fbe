// Where a partition's dump starts: the end of its chain in COS (the source of truth), checked against the
// log Kafka holds now. The group's committed offset is only a mirror for the CKafka console, and a hint:
// Kafka forgets the offsets of a memberless group after offsets.retention.minutes, and those of a deleted
// topic at once. A chain that no longer fits the log (a topic deleted and re-created under the same name)
// is left as it is and a new chain starts beside it.
import { createOrRead, type ObjectStore } from '../cos/store';
import type { StartPosition } from '../config/config';
import type { Clock } from '../util/clock';
import { locateChainEnd, type ChainHead, type ChainPosition } from './chain';
import { startMarkerKey, type ChainRef, type Layout } from './keys';
import type { Manifest } from './manifest';
import type { PartitionLog } from './partition-log';

export class DataLossError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly lostFrom: number,
    readonly lostTo: number,
    reason: string,
  ) {
    super(
      `${topic}/${partition}: offsets ${lostFrom}..${lostTo - 1} (${lostTo - lostFrom} records) were ${reason} before they were dumped. ` +
        'Set ON_OFFSET_OUT_OF_RANGE=earliest to record the loss and go on from the earliest offset.',
    );
    this.name = 'DataLossError';
  }
}

export interface StartOptions {
  store: ObjectStore;
  layout: Layout;
  /** The chain's end as the partition's last lease holder recorded it. */
  head?: ChainHead;
  startPosition: StartPosition;
  onOutOfRange: 'fail' | 'earliest';
  clock: Clock;
  /** Throws unless the lease is still held: a start marker decides for every later invocation. */
  assertHeld: () => Promise<void>;
}

export interface StartDecision {
  chain: ChainRef;
  /** Where writing starts: the chain's end, or the start of a plan to finish. */
  offset: number;
  floorWindow?: number;
  /** The last record of the chain's last data object. */
  lastRecord?: ChainHead['lastRecord'];
  plan?: Manifest;
  /** A plan whose abandonment was interrupted (its data key claimed, its record not yet written). */
  abandoning?: Manifest;
  adopted: Manifest[];
  logStart: number;
  logEnd: number;
  /** The group's committed offset as found (undefined when Kafka has none), and its metadata. */
  committed?: number;
  committedMetadata?: string | null;
  /** Offsets the log no longer holds that no manifest covers, to record as lost (ON_OFFSET_OUT_OF_RANGE=earliest). */
  lost?: { from: number; to: number };
  /** Why a new chain was started beside the stored one. */
  newChain?: string;
}

interface StartMarker {
  offset: number;
  position: string;
  createdAt: string;
  /** For a chain after the first: why it was started. */
  reason?: string;
}

/** The start every first invocation of a chain agrees on: `position` resolved once and stored create-if-absent. */
async function agreedStart(log: PartitionLog, store: ObjectStore, chain: ChainRef, position: StartPosition, options: Pick<StartOptions, 'clock' | 'assertHeld'>, reason?: string): Promise<number> {
  const key = startMarkerKey(chain);
  const existing = await store.getObject(key);
  if (existing) return (JSON.parse(existing.body.toString('utf8')) as StartMarker).offset;
  // Irreversible like a manifest: a zombie must not start a chain (a new generation above all) for everyone.
  await options.assertHeld();
  const marker: StartMarker = { offset: await log.offsetFor(position), position: String(position), createdAt: new Date(options.clock.now()).toISOString(), ...(reason ? { reason } : {}) };
  const { body } = await createOrRead(store, key, Buffer.from(JSON.stringify(marker)));
  return (JSON.parse(body.toString('utf8')) as StartMarker).offset;
}

/** The record at `offset` as the log holds it now, if it holds one there. */
async function recordAt(log: PartitionLog, offset: number): Promise<{ offset: number; timestamp: number } | undefined> {
  for await (const chunk of log.read(offset, offset + 1, () => true)) {
    for (const record of chunk.records) return record.offset === offset ? { offset, timestamp: record.timestamp } : undefined;
  }
  return undefined;
}

/**
 * Why the stored chain cannot be the log's (the topic was deleted and re-created, or the log truncated),
 * or undefined when it can be. The evidence: a chain that ends past the log's end; or, when the group's
 * mirror offset is gone, a last dumped record that the log now holds with another timestamp.
 */
async function chainMismatch(log: PartitionLog, position: ChainPosition, committed: number | undefined, logStart: number, logEnd: number): Promise<string | undefined> {
  if (position.offset > logEnd) return `the chain in COS ends at offset ${position.offset}, past the log's end ${logEnd}`;
  // Kafka drops a deleted topic's group offsets: an offset still in step with the chain vouches for it.
  if (committed === position.offset) return undefined;
  const last = position.lastRecord;
  if (!last || last.timestamp < 0 || last.offset < logStart || last.offset >= logEnd) return undefined;
  const now = await recordAt(log, last.offset);
  if (now && now.timestamp !== last.timestamp) {
    return `the record at offset ${last.offset} has timestamp ${now.timestamp} in the log, but ${last.timestamp} when it was dumped`;
  }
  return undefined;
}

/** The range the log no longer holds between `from` and its start: lost, or refused, as configured. */
function judgeLoss(log: PartitionLog, from: number, logStart: number, options: StartOptions): { from: number; to: number } | undefined {
  if (from >= logStart) return undefined;
  if (options.onOutOfRange === 'fail') throw new DataLossError(log.topic, log.partition, from, logStart, 'deleted by retention');
  return { from, to: logStart };
}

export async function decideStart(log: PartitionLog, options: StartOptions): Promise<StartDecision> {
  const { store, layout, head } = options;

  const [committedOffset, logStart, logEnd] = await Promise.all([log.committed(), log.offsetFor('earliest'), log.offsetFor('latest')]);
  const committed = committedOffset?.offset;
  const { chain, position } = await locateChainEnd(store, layout, log.partition, head, committed);
  const base = { chain, logStart, logEnd, committed, committedMetadata: committedOffset?.metadata, adopted: [] };
  if (!position) {
    // Nothing stored in this chain yet. The first chain may continue a group's offset (the original dump
    // functions, or an older version of this one); otherwise every first invocation agrees on one start.
    const begin = chain.generation === 0 && committed !== undefined ? committed : await agreedStart(log, store, chain, options.startPosition, options);
    if (begin > logEnd) return { ...base, offset: logStart, newChain: `the group's offset ${begin} is past the log's end ${logEnd} (topic re-created or log truncated); nothing of this log is in COS yet` };
    const lost = judgeLoss(log, begin, logStart, options);
    return { ...base, offset: lost ? logStart : begin, lost };
  }

  // The log end was read before the chain: if this invocation stalled in between (a zombie past its lease,
  // a long pause), the next holder may have taken the chain past it. A log only grows, so only a chain end
  // past the log end read *after* the chain is evidence of another log.
  const endNow = position.offset > logEnd ? await log.offsetFor('latest') : logEnd;
  const mismatch = await chainMismatch(log, position, committed, logStart, endNow);
  if (mismatch) {
    const next: ChainRef = { ...chain, generation: chain.generation + 1 };
    const begin = await agreedStart(log, store, next, 'earliest', options, mismatch);
    const lost = judgeLoss(log, begin, logStart, options);
    return { ...base, chain: next, offset: lost ? logStart : begin, lost, floorWindow: position.floorWindow, newChain: mismatch };
  }
  const decision: StartDecision = { ...base, logEnd: endNow, offset: position.offset, floorWindow: position.floorWindow, lastRecord: position.lastRecord, adopted: position.adopted, plan: position.plan, abandoning: position.abandoning };
  // Loss is judged against the chain: only offsets no manifest covers and the log no longer holds. (A plan
  // whose records are partly gone is the read loop's to resolve.)
  if (!position.plan && !position.abandoning) {
    decision.lost = judgeLoss(log, position.offset, logStart, options);
    if (decision.lost) decision.offset = logStart;
  }
  return decision;
}

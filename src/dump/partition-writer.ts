// Places each record of a partition: into the open object, into a new one (a later window, or the size
// limit), or nowhere yet (its window is still open, or the time budget is spent). Offsets without records
// are covered too, so that the chain of ranges never has a gap. Synchronous unless an object must be
// committed or a part must wait for an upload slot: an async call per record would allocate more than
// the record's own bytes at a million records per second.
import type { KafkaRecord } from '../kafka/record-batch';
import { SKIPPED, type RecordFormat } from './format';
import type { Manifest } from './manifest';
import type { ObjectCommitter } from './object-committer';
import { PlanConflictError } from './object-committer';
import type { ObjectFactory } from './object-factory';
import { OffsetRange } from './offset-range';
import type { OpenObject } from './open-object';
import { appendingTimestamps, fitsSizeLimit, judgeTimestamp, placeRecord, recordWindow, type OpenObjectState, type PlacementRules, type TimestampSpan, type TimestampVerdict, type WindowRules } from './rotation';
import { isWindowClosed } from './window';

export type StopReason = 'caught-up' | 'open-window' | 'deadline' | 'no-progress';

export type WriterRules = WindowRules & PlacementRules;

export interface WriterOptions {
  format: RecordFormat;
  factory: ObjectFactory;
  committer: ObjectCommitter;
  rules: WriterRules;
  /** No new object starts after this instant (epoch ms): what is open gets committed in time. */
  readDeadline: number;
}

/** The first record of the invocation whose timestamp was out of tolerance, for the warning that names it. */
export interface OddTimestamp {
  offset: number;
  timestamp: number;
  verdict: Exclude<TimestampVerdict, 'usable' | 'none'>;
}

export class PartitionWriter {
  private range: OffsetRange;
  private open: OpenObject | undefined;
  private plan: Manifest | undefined;
  /** Why writing stopped before the end, when it did. */
  stopReason: StopReason | undefined;
  /** Records filed by dump time because their timestamp was out of tolerance; the first of them. */
  oddTimestamps = 0;
  firstOddTimestamp: OddTimestamp | undefined;
  /** Refilled for each record's placement rather than allocated. */
  private readonly openState: OpenObjectState = { windowStartMs: 0, records: 0, storedBoundWithRecord: 0 };
  /** Timestamps that append to the open object, for the object and clock reading they were computed for. */
  private appending: TimestampSpan = { from: 0, below: 0, notAfter: 0 };
  private appendingOpen: OpenObject | undefined;
  private appendingNow = NaN;

  constructor(
    private readonly options: WriterOptions,
    start: { offset: number; plan?: Manifest },
  ) {
    this.range = new OffsetRange(start.offset);
    this.plan = start.plan;
  }

  /** The next offset to read: every offset before it is covered by a committed or the current range. */
  get position(): number {
    return this.range.nextOffset;
  }

  /** Where a plan left by an earlier invocation ends, while it is being finished (whatever the deadline). */
  get planEnd(): number | undefined {
    return this.plan?.nextOffset;
  }

  /** Window of the chain's last object: windows never go back within a partition. */
  private get floorWindow(): number | undefined {
    return this.open?.windowStartMs ?? this.options.committer.head.windowStartMs ?? undefined;
  }

  /**
   * Writes one record; false when reading must stop before it. `now` is the caller's reading of the clock,
   * taken once per batch rather than per record (and again after a wait): windows and deadlines are
   * minutes, and a clock call per record was about 3% of a dump's CPU in profiles.
   */
  take(record: KafkaRecord, now: number): boolean | Promise<boolean> {
    const { format, rules } = this.options;
    if (this.plan && record.offset >= this.plan.nextOffset) return this.endPlan().then(() => this.take(record, now));
    const size = format.measure(record);
    if (size === SKIPPED) {
      this.range.leaveOut(record);
      return true;
    }
    const open = this.open;
    if (open && !this.plan && this.joinsOpen(open, record, size, now)) return this.write(record, size, 'usable');
    const floor = this.floorWindow;
    const verdict = judgeTimestamp(record.timestamp, floor, now, rules.timestampToleranceMs);
    const window = recordWindow(record.timestamp, verdict, floor, now, rules);

    if (this.plan) {
      this.open ??= this.openObject(window, this.plan);
      return this.write(record, size, verdict);
    }
    if (open) {
      this.openState.windowStartMs = open.windowStartMs;
      this.openState.records = open.range.records;
      this.openState.storedBoundWithRecord = this.storedBoundWith(open, size);
    }
    const placement = placeRecord(open ? this.openState : undefined, window, isWindowClosed(window, rules.windowMinutes, rules.windowGraceSeconds, now), rules);
    if (placement === 'stop') return this.stop('open-window');
    if (placement !== 'append' && now > this.options.readDeadline) return this.stop('deadline');
    if (placement === 'rotate') {
      return this.commitOpen().then(() => {
        this.open = this.openObject(window);
        return this.write(record, size, verdict);
      });
    }
    if (placement === 'open') this.open = this.openObject(window);
    return this.write(record, size, verdict);
  }

  /** The record is appended to the open object with a usable timestamp: what most records of a busy partition get. */
  private joinsOpen(open: OpenObject, record: KafkaRecord, size: number, now: number): boolean {
    if (this.appendingOpen !== open || this.appendingNow !== now) {
      this.appending = appendingTimestamps(open.windowStartMs, now, this.options.rules);
      this.appendingOpen = open;
      this.appendingNow = now;
    }
    const t = record.timestamp;
    const span = this.appending;
    if (!(t >= span.from && t < span.below && t <= span.notAfter)) return false;
    return fitsSizeLimit(open.range.records, this.storedBoundWith(open, size), this.options.rules.maxObjectBytes);
  }

  /** The open object's stored size at the most with a record of `size` bytes more (and what the format holds back). */
  private storedBoundWith(open: OpenObject, size: number): number {
    return open.body.storedBound(size + (this.options.format.pendingBound ?? 0));
  }

  private openObject(window: number, plan?: Manifest): OpenObject {
    this.options.format.reset?.();
    return this.options.factory.open(window, this.range, plan);
  }

  /** Covers offsets before `offset` that hold nothing to write (markers, aborted or compacted records). */
  coverTo(offset: number): void | Promise<void> {
    if (this.plan && offset >= this.plan.nextOffset) return this.endPlan().then(() => this.range.skipTo(offset));
    this.range.skipTo(offset);
  }

  /** Waits while the open object's parts queue for upload slots, so memory stays a few parts. */
  async makeRoom(): Promise<void> {
    await this.open?.body.makeRoomFor(0);
  }

  /** Retention deleted [position, to) unread: the chain records the loss, so verify reports it, not a gap. */
  async recordLoss(to: number): Promise<void> {
    await this.finish();
    this.range.lose(to);
    await this.commitRange();
  }

  /**
   * Retention deleted the first records of the plan being finished: the plan can never be written as it
   * was. Gives it up (see ObjectCommitter.abandonPlan) and goes on from `continuesAt`.
   */
  async abandonPlan(continuesAt: number, reason: string): Promise<void> {
    const plan = this.plan!;
    await this.abort();
    const claim = this.openObject(plan.windowStartMs ?? 0, plan);
    this.options.format.finish?.(claim.body);
    const next = await this.options.committer.abandonPlan(plan, claim, continuesAt, reason);
    this.plan = undefined;
    this.range = new OffsetRange(next);
  }

  /** Commits what is open: the object, or a range that held nothing to write. A plan is finished first. */
  async finish(): Promise<void> {
    if (this.open) await this.commitOpen();
    else if (!this.range.isEmpty) await this.commitRange();
  }

  /** Drops the object being written (an invocation that fails leaves nothing half-written). */
  async abort(): Promise<void> {
    await this.open?.body.abort().catch(() => {});
    this.open = undefined;
    this.options.format.reset?.();
  }

  private stop(reason: StopReason): false {
    this.stopReason = reason;
    return false;
  }

  /** Writes a placed record into the open object, once the object has room for what it may emit. */
  private write(record: KafkaRecord, size: number, verdict: TimestampVerdict): true | Promise<true> {
    const body = this.open!.body;
    const { format } = this.options;
    const emits = format.emitBound?.(record) ?? size;
    if (!body.hasRoomFor(emits)) return body.makeRoomFor(emits).then(() => this.write(record, size, verdict));
    format.write(record, body, this.range);
    this.range.took(record, verdict === 'usable');
    if (verdict === 'ahead' || verdict === 'behind') {
      this.oddTimestamps++;
      this.firstOddTimestamp ??= { offset: record.offset, timestamp: record.timestamp, verdict };
    }
    return true;
  }

  /** A planned object ends exactly where its plan says. */
  private async endPlan(): Promise<void> {
    const plan = this.plan!;
    this.range.skipTo(plan.nextOffset);
    if (!this.open) {
      throw new PlanConflictError(`re-reading offsets ${plan.startOffset}..${plan.nextOffset - 1} found no records, but the manifest of ${plan.key} says ${plan.records}`);
    }
    await this.commitOpen();
  }

  private async commitOpen(): Promise<void> {
    const object = this.open!;
    this.open = undefined;
    const { format } = this.options;
    if (format.finish) {
      await object.body.makeRoomFor(format.pendingBound ?? 0);
      format.finish(object.body);
    }
    await this.options.committer.commitObject(object);
    this.plan = undefined;
    this.range = new OffsetRange(object.range.nextOffset);
  }

  private async commitRange(): Promise<void> {
    await this.options.committer.commitRange(this.range);
    this.range = new OffsetRange(this.range.nextOffset);
  }
}

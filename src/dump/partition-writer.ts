// Places each record of a partition: into the open object, into a new one (a later window, or the size
// limit), or nowhere yet (its window is still open, or the time budget is spent). Offsets without records
// are covered too, so that the chain of ranges never has a gap. Synchronous unless an object must be
// committed or a part must wait for an upload slot: an async call per record would allocate more than
// the record's own bytes at a million records per second.
import type { KafkaRecord } from '../kafka/record-batch';
import type { Clock } from '../util/clock';
import { SKIPPED, type RecordFormat } from './format';
import type { Manifest } from './manifest';
import type { ObjectCommitter } from './object-committer';
import { PlanConflictError } from './object-committer';
import type { ObjectFactory } from './object-factory';
import { OffsetRange } from './offset-range';
import type { OpenObject } from './open-object';
import { placeRecord, recordWindow, type OpenObjectState } from './rotation';
import { isUsableTimestamp, isWindowClosed } from './window';

export type StopReason = 'caught-up' | 'open-window' | 'deadline' | 'no-progress';

export interface WriterRules {
  windowMinutes: number;
  windowGraceSeconds: number;
  flushOpenWindow: boolean;
  maxObjectBytes: number;
}

export interface WriterOptions {
  format: RecordFormat;
  factory: ObjectFactory;
  committer: ObjectCommitter;
  rules: WriterRules;
  clock: Clock;
  /** No new object starts after this instant (epoch ms): what is open gets committed in time. */
  readDeadline: number;
}

export interface WriterStart {
  offset: number;
  /** Window of the last object of the chain: windows never go back within a partition. */
  floorWindow?: number;
  /** An object an earlier invocation planned (manifest stored, data not): it is written first, exactly. */
  plan?: Manifest;
}

export class PartitionWriter {
  private range: OffsetRange;
  private open: OpenObject | undefined;
  private plan: Manifest | undefined;
  private floorWindow: number | undefined;
  /** Why writing stopped before the end, when it did. */
  stopReason: StopReason | undefined;
  /** Refilled for each record's placement rather than allocated. */
  private readonly openState: OpenObjectState = { windowStartMs: 0, records: 0, storedBoundWithRecord: 0 };

  constructor(
    private readonly options: WriterOptions,
    start: WriterStart,
  ) {
    this.range = new OffsetRange(start.offset);
    this.floorWindow = start.floorWindow;
    this.plan = start.plan;
  }

  /** The next offset to read: every offset before it is covered by a committed or the current range. */
  get position(): number {
    return this.range.nextOffset;
  }

  /** Where a plan left by an earlier invocation ends, if one is being finished. */
  get planEnd(): number | undefined {
    return this.plan?.nextOffset;
  }

  /** Writes one record; false when reading must stop before it. */
  take(record: KafkaRecord): boolean | Promise<boolean> {
    const { format, rules, clock, factory } = this.options;
    if (this.plan && record.offset >= this.plan.nextOffset) return this.endPlan().then(() => this.take(record));
    const size = format.measure(record);
    if (size === SKIPPED) {
      this.range.leaveOut(record);
      return true;
    }
    const open = this.open;
    const now = clock.now();
    const usable = isUsableTimestamp(record.timestamp);
    const window = recordWindow(record.timestamp, rules.windowMinutes, open?.windowStartMs ?? this.floorWindow, now);

    if (this.plan) {
      this.open ??= factory.open(window, this.range, this.plan);
      return this.write(record, size, usable);
    }
    if (open) {
      this.openState.windowStartMs = open.windowStartMs;
      this.openState.records = open.range.records;
      this.openState.storedBoundWithRecord = open.body.storedBound(size);
    }
    const placement = placeRecord(open ? this.openState : undefined, window, isWindowClosed(window, rules.windowMinutes, rules.windowGraceSeconds, now), rules);
    if (placement === 'stop') return this.stop('open-window');
    if (placement !== 'append' && now > this.options.readDeadline) return this.stop('deadline');
    if (placement === 'rotate') {
      return this.commitOpen().then(() => {
        this.open = factory.open(window, this.range);
        return this.write(record, size, usable);
      });
    }
    if (placement === 'open') this.open = factory.open(window, this.range);
    return this.write(record, size, usable);
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

  /** Commits what is open: the object, or a range that held nothing to write. */
  async finish(): Promise<void> {
    if (this.open) await this.commitOpen();
    else if (!this.range.isEmpty) await this.commitRange();
  }

  /** Drops the object being written (an invocation that fails leaves nothing half-written). */
  async abort(): Promise<void> {
    await this.open?.body.abort().catch(() => {});
    this.open = undefined;
  }

  private stop(reason: StopReason): false {
    this.stopReason = reason;
    return false;
  }

  /** Writes a placed record of `size` bytes into the open object, once the object has room for it. */
  private write(record: KafkaRecord, size: number, usableTimestamp: boolean): true | Promise<true> {
    const body = this.open!.body;
    if (!body.hasRoomFor(size)) return body.makeRoomFor(size).then(() => this.write(record, size, usableTimestamp));
    this.options.format.write(record, body, this.range);
    this.range.took(record, usableTimestamp);
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
    await this.options.committer.commitObject(object);
    this.plan = undefined;
    this.floorWindow = object.windowStartMs;
    this.range = new OffsetRange(object.range.nextOffset);
  }

  private async commitRange(): Promise<void> {
    await this.options.committer.commitRange(this.range, this.floorWindow);
    this.range = new OffsetRange(this.range.nextOffset);
  }
}

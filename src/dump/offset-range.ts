// The offsets one manifest will cover and what they held, counted as they are covered. Each object (or
// range without data) owns one, so its counts are its own, never a difference of running totals.
import type { KafkaRecord } from '../kafka/record-batch';
import type { FormatTally } from './format';
import type { Manifest } from './manifest';

export class OffsetRange implements FormatTally {
  /** First offset not yet covered: everything from startOffset up to here belongs to this range. */
  nextOffset: number;
  records = 0;
  tombstones = 0;
  invalidUtf8 = 0;
  /** Offsets that carried no record to write: transaction markers, aborted or compacted records. */
  skippedOffsets = 0;
  /** Records whose timestamp could not place them in time (none, or out of tolerance): filed by the window they came in. */
  unusableTimestamps = 0;
  /** Offsets retention deleted before they were read. */
  lostOffsets = 0;
  firstRecordOffset: number | null = null;
  lastRecordOffset: number | null = null;
  // Timestamps are doubles (epoch ms pass 2^31): kept in fields that only ever hold numbers (NaN for none),
  // V8 updates them in place, where a field that may hold null boxed a new number for every record.
  private lastRecordTs = NaN;
  private firstTs = NaN;
  private lastTs = NaN;

  constructor(readonly startOffset: number) {
    this.nextOffset = startOffset;
  }

  get isEmpty(): boolean {
    return this.nextOffset === this.startOffset;
  }

  /** Covers the offsets before `offset` that held nothing (a gap in the log, or the batch's markers). */
  skipTo(offset: number): void {
    if (offset <= this.nextOffset) return;
    this.skippedOffsets += offset - this.nextOffset;
    this.nextOffset = offset;
  }

  /** Covers offsets up to `offset` that retention deleted unread: the chain records the loss. */
  lose(offset: number): void {
    if (offset <= this.nextOffset) return;
    this.lostOffsets += offset - this.nextOffset;
    this.nextOffset = offset;
  }

  /** A tombstone the format leaves out: covered and counted, nothing written. */
  leaveOut(record: KafkaRecord): void {
    this.skipTo(record.offset);
    this.tombstones++;
    this.nextOffset = record.offset + 1;
  }

  /** A record whose bytes the format has written into this range's object. */
  took(record: KafkaRecord, usableTimestamp: boolean): void {
    this.skipTo(record.offset);
    this.records++;
    this.firstRecordOffset ??= record.offset;
    this.lastRecordOffset = record.offset;
    this.lastRecordTs = record.timestamp;
    if (usableTimestamp) {
      if (Number.isNaN(this.firstTs)) this.firstTs = record.timestamp;
      this.lastTs = record.timestamp;
    } else {
      this.unusableTimestamps++;
    }
    this.nextOffset = record.offset + 1;
  }

  get lastRecordTimestamp(): number | null {
    return orNull(this.lastRecordTs);
  }

  get firstTimestamp(): number | null {
    return orNull(this.firstTs);
  }

  get lastTimestamp(): number | null {
    return orNull(this.lastTs);
  }

  /** The manifest fields these counts make. */
  counts(): Pick<Manifest, 'records' | 'tombstones' | 'invalidUtf8' | 'skippedOffsets' | 'unusableTimestamps' | 'lostOffsets' | 'firstRecordOffset' | 'lastRecordOffset' | 'lastRecordTimestamp' | 'firstTimestamp' | 'lastTimestamp'> {
    return {
      lostOffsets: this.lostOffsets,
      records: this.records,
      tombstones: this.tombstones,
      invalidUtf8: this.invalidUtf8,
      skippedOffsets: this.skippedOffsets,
      unusableTimestamps: this.unusableTimestamps,
      firstRecordOffset: this.firstRecordOffset,
      lastRecordOffset: this.lastRecordOffset,
      lastRecordTimestamp: this.lastRecordTimestamp,
      firstTimestamp: this.firstTimestamp,
      lastTimestamp: this.lastTimestamp,
    };
  }
}

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

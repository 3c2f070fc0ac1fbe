// One data object being written: its place in the layout, its body and what it has taken in so far.
import type { KafkaRecord } from '../kafka/record-batch';
import type { FormatCounts } from './format';
import type { Manifest } from './manifest';
import type { ObjectBody } from './object-body';

export class OpenObject {
  records = 0;
  nextOffset: number;
  firstRecordOffset: number | null = null;
  lastRecordOffset: number | null = null;
  firstTimestamp: number | null = null;
  lastTimestamp: number | null = null;

  constructor(
    readonly key: string,
    readonly startOffset: number,
    readonly windowStartMs: number,
    readonly body: ObjectBody,
    private readonly counts: FormatCounts,
    /** The format's counts when this object's range began, so that its own share can be told. */
    private readonly countsAtStart: FormatCounts,
    /** Set when re-writing an object whose manifest a crashed invocation left: it must end exactly there. */
    readonly plan?: Manifest,
  ) {
    this.nextOffset = startOffset;
  }

  /** Takes a record the format has measured; the caller writes its bytes to `body`. */
  took(record: KafkaRecord): void {
    this.records++;
    this.firstRecordOffset ??= record.offset;
    this.lastRecordOffset = record.offset;
    if (record.timestamp >= 0) {
      this.firstTimestamp ??= record.timestamp;
      this.lastTimestamp = record.timestamp;
    }
    this.nextOffset = record.offset + 1;
  }

  get tombstones(): number {
    return this.counts.tombstones - this.countsAtStart.tombstones;
  }

  get invalidUtf8(): number {
    return this.counts.invalidUtf8 - this.countsAtStart.invalidUtf8;
  }
}

// `lines`, the original product's format: each value's bytes, then "\n". Values are copied straight from
// the fetched buffer; they are checked for UTF-8 only to be counted, never altered.
import { isUtf8 } from 'node:buffer';
import type { KafkaRecord } from '../../kafka/record-batch';
import { SKIPPED, type ByteSink, type FormatCounts, type RecordFormat } from './format';

const NEWLINE = 0x0a;

export class LinesFormat implements RecordFormat {
  readonly name = 'lines' as const;
  readonly counts: FormatCounts = { tombstones: 0, invalidUtf8: 0 };
  /** Whether the record measured last is not valid UTF-8: counted once it is written. */
  private invalid = 0;

  measure(record: KafkaRecord): number {
    const value = record.value;
    if (value === null) {
      this.counts.tombstones++;
      return SKIPPED;
    }
    this.invalid = isUtf8(value) ? 0 : 1;
    return value.length + 1;
  }

  write(record: KafkaRecord, sink: ByteSink): void {
    sink.append(record.value!);
    sink.appendByte(NEWLINE);
    this.counts.invalidUtf8 += this.invalid;
    this.invalid = 0;
  }
}

// `lines`, the original product's format: each value's bytes, then "\n". Values are copied straight from
// the fetched buffer; they are checked for UTF-8 only to be counted, never altered.
import { isUtf8 } from 'node:buffer';
import type { KafkaRecord } from '../../kafka/record-batch';
import { byteCount } from '../../util/bytes';
import { SKIPPED, type ByteSink, type FormatTally, type RecordFormat } from './format';

const NEWLINE = 0x0a;

export class LinesFormat implements RecordFormat {
  measure(record: KafkaRecord): number {
    return record.value === null ? SKIPPED : byteCount(record.value) + 1;
  }

  write(record: KafkaRecord, sink: ByteSink, tally: FormatTally): void {
    const value = record.value!;
    sink.append(value);
    sink.appendByte(NEWLINE);
    if (!isUtf8(value)) tally.invalidUtf8++;
  }
}

// `jsonl`: one JSON object per record, keeping key, headers and metadata. Bytes that are not valid UTF-8
// are written as base64 with an `*Encoding` flag, so binary data survives exactly.
import { isUtf8 } from 'node:buffer';
import type { KafkaRecord } from '../../kafka/record-batch';
import type { ByteSink, FormatCounts, RecordFormat } from './format';

interface EncodedBytes {
  text: string | null;
  base64: boolean;
}

function encode(bytes: Buffer | null, counts: FormatCounts): EncodedBytes {
  if (bytes === null) return { text: null, base64: false };
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), base64: false };
  counts.invalidUtf8++;
  return { text: bytes.toString('base64'), base64: true };
}

export class JsonlFormat implements RecordFormat {
  readonly name = 'jsonl' as const;
  readonly counts: FormatCounts = { tombstones: 0, invalidUtf8: 0 };
  /** The line of the record measured last (records arrive in one reused object: matched by offset). */
  private measured: { offset: number; line: Buffer } | undefined;

  constructor(private readonly partition: number) {}

  private line(record: KafkaRecord): Buffer {
    const key = encode(record.key, this.counts);
    const value = encode(record.value, this.counts);
    if (record.value === null) this.counts.tombstones++;
    const out: Record<string, unknown> = { partition: this.partition, offset: record.offset, timestamp: record.timestamp, key: key.text };
    if (key.base64) out.keyEncoding = 'base64';
    out.headers = record.headers.map((h) => {
      const encoded = encode(h.value, this.counts);
      return encoded.base64 ? { key: h.key, value: encoded.text, valueEncoding: 'base64' } : { key: h.key, value: encoded.text };
    });
    out.value = value.text;
    if (value.base64) out.valueEncoding = 'base64';
    return Buffer.from(`${JSON.stringify(out)}\n`, 'utf8');
  }

  measure(record: KafkaRecord): number {
    const line = this.line(record);
    this.measured = { offset: record.offset, line };
    return line.length;
  }

  write(record: KafkaRecord, sink: ByteSink): void {
    const line = this.measured?.offset === record.offset ? this.measured.line : this.line(record);
    this.measured = undefined;
    sink.append(line);
  }
}

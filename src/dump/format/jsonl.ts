// `jsonl`: one JSON object per record, keeping key, headers and metadata. Bytes that are not valid UTF-8
// are written as base64 with an `*Encoding` flag, so binary data survives exactly. Keys and values are
// escaped from their bytes straight into the object: building a string and a line per record would
// allocate three times the data and cost more memory than a 128 MB function has to spare.
import { isUtf8 } from 'node:buffer';
import type { KafkaRecord } from '../../kafka/record-batch';
import type { ByteSink, FormatTally, RecordFormat } from './format';
import { integerLength, jsonStringLength, writeInteger, writeJsonString } from './json-bytes';

const ascii = (text: string) => Buffer.from(text, 'latin1');
const OFFSET = ascii(',"offset":');
const TIMESTAMP = ascii(',"timestamp":');
const KEY = ascii(',"key":');
const KEY_BASE64 = ascii(',"keyEncoding":"base64"');
const HEADERS = ascii(',"headers":');
const NO_HEADERS = ascii('[]');
const VALUE = ascii(',"value":');
const VALUE_BASE64 = ascii(',"valueEncoding":"base64"');
const CLOSE = ascii('}\n');
const NULL = ascii('null');

/** A key or value as measured: null, UTF-8 to escape, or base64 text (quotes included). */
class Field {
  bytes: Buffer | null = null;
  base64: Buffer | null = null;
  length = 0;

  measure(bytes: Buffer | null): number {
    this.bytes = bytes;
    this.base64 = null;
    if (bytes === null) this.length = NULL.length;
    else if (isUtf8(bytes)) this.length = jsonStringLength(bytes);
    else {
      this.base64 = Buffer.from(`"${bytes.toString('base64')}"`, 'latin1');
      this.length = this.base64.length;
    }
    return this.length;
  }

  write(sink: ByteSink): void {
    if (this.base64) sink.append(this.base64);
    else if (this.bytes) writeJsonString(this.bytes, this.length, sink);
    else sink.append(NULL);
  }
}

/** Headers are rare and small: they go through JSON.stringify. Returns the JSON and its base64 values. */
function headersJson(record: KafkaRecord): { json: Buffer; base64: number } {
  if (record.headers.length === 0) return { json: NO_HEADERS, base64: 0 };
  let base64 = 0;
  const headers = record.headers.map((h) => {
    if (h.value === null || isUtf8(h.value)) return { key: h.key, value: h.value?.toString('utf8') ?? null };
    base64++;
    return { key: h.key, value: h.value.toString('base64'), valueEncoding: 'base64' };
  });
  return { json: Buffer.from(JSON.stringify(headers), 'utf8'), base64 };
}

export class JsonlFormat implements RecordFormat {
  private readonly key = new Field();
  private readonly value = new Field();
  private headers: { json: Buffer; base64: number } = { json: NO_HEADERS, base64: 0 };
  /** The offset of the record measured last (records arrive in one reused object). */
  private measuredOffset = -1;
  /** `{"partition":N,"offset":`, the same for every record. */
  private readonly open: Buffer;

  constructor(partition: number) {
    this.open = Buffer.concat([ascii(`{"partition":${JSON.stringify(partition)}`), OFFSET]);
  }

  measure(record: KafkaRecord): number {
    let length = this.open.length + integerLength(record.offset) + TIMESTAMP.length + integerLength(record.timestamp);
    length += KEY.length + this.key.measure(record.key) + (this.key.base64 ? KEY_BASE64.length : 0);
    length += VALUE.length + this.value.measure(record.value) + (this.value.base64 ? VALUE_BASE64.length : 0);
    this.headers = headersJson(record);
    length += HEADERS.length + this.headers.json.length + CLOSE.length;
    this.measuredOffset = record.offset;
    return length;
  }

  write(record: KafkaRecord, sink: ByteSink, tally: FormatTally): void {
    if (this.measuredOffset !== record.offset) this.measure(record);
    this.measuredOffset = -1;
    if (record.value === null) tally.tombstones++;
    tally.invalidUtf8 += (this.key.base64 ? 1 : 0) + (this.value.base64 ? 1 : 0) + this.headers.base64;
    sink.append(this.open);
    writeInteger(record.offset, sink);
    sink.append(TIMESTAMP);
    writeInteger(record.timestamp, sink);
    sink.append(KEY);
    this.key.write(sink);
    if (this.key.base64) sink.append(KEY_BASE64);
    sink.append(HEADERS);
    sink.append(this.headers.json);
    sink.append(VALUE);
    this.value.write(sink);
    if (this.value.base64) sink.append(VALUE_BASE64);
    sink.append(CLOSE);
  }
}

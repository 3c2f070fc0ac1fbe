// Rows as the tests compare them, whoever read them: bytes as base64 (STRING columns as the bytes they
// store), timestamps as epoch ms. expectedRow() is the oracle: what a Kafka record must become, decided
// here with the WHATWG fatal UTF-8 decoder rather than the writer's own check.
import type { KafkaRecord } from '../../src/kafka/record-batch';

export interface ReadRow {
  partition: number;
  offset: number;
  timestamp: number | null;
  key: string | null;
  key_bytes: string | null;
  value: string | null;
  value_bytes: string | null;
  headers: Array<[string, string | null]> | null;
}

const strict = new TextDecoder('utf-8', { fatal: true });

function isText(bytes: Buffer): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const b64 = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString('base64'));

export function expectedRow(partition: number, record: KafkaRecord): ReadRow {
  const split = (bytes: Buffer | null) => (bytes !== null && isText(bytes) ? [b64(bytes), null] : [null, b64(bytes)]);
  const [key, keyBytes] = split(record.key);
  const [value, valueBytes] = split(record.value);
  return {
    partition,
    offset: record.offset,
    timestamp: record.timestamp === -1 ? null : record.timestamp,
    key: key!,
    key_bytes: keyBytes!,
    value: value!,
    value_bytes: valueBytes!,
    headers: record.headers.map((h) => [h.key, b64(h.value)]),
  };
}

/** A deep copy: the writer is given records whose buffers the caller then overwrites. */
export function copyRecord(record: KafkaRecord): KafkaRecord {
  const copy = (b: Buffer | null) => (b === null ? null : Buffer.from(b));
  return { ...record, key: copy(record.key), value: copy(record.value), headers: record.headers.map((h) => ({ key: h.key, value: copy(h.value) })) };
}

/** What the generator may produce, beyond plain JSON-like text values. */
export interface RecordMix {
  /** Values of a few MiB, now and then. */
  bigValues?: boolean;
}

const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xe2, 0x82], // truncated
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0x80],
];
const TEXTS = ['', 'a', 'key-1', 'é', '日本語', '🙂 emoji', 'nul\u0000inside', 'ctrl\u0001\u001f', 'quote " and \\ backslash', '\ufeffbom'];

/**
 * Seeded records covering what a topic can hold: tombstones, null and empty keys and values, invalid
 * UTF-8, headers (none, repeated keys, null and binary values), missing and odd timestamps, offset gaps.
 */
export function generateRecords(seed: number, count: number, mix: RecordMix = {}): KafkaRecord[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const text = () => {
    const r = random();
    if (r < 0.3) return Buffer.from(pick(TEXTS));
    // eslint-disable-next-line no-control-regex -- JSON-like text: characters JSON would escape are left out
    const fields = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => `"f${i}":"${pick(TEXTS).replace(/["\\\u0000-\u001f]/g, '')}${Math.floor(random() * 1e6)}"`);
    return Buffer.from(`{${fields.join(',')}}`);
  };
  const keyOrValue = (nullChance: number) => {
    const r = random();
    if (r < nullChance) return null;
    if (r < nullChance + 0.05) return Buffer.alloc(0);
    if (r < nullChance + 0.12) return Buffer.concat([text(), Buffer.from(pick(INVALID_UTF8)), text()]);
    if (r < nullChance + 0.15) return bytes(1 + Math.floor(random() * 64));
    return text();
  };
  const timestamp = () => {
    const r = random();
    if (r < 0.1) return -1;
    if (r < 0.12) return pick([0, 1, 253402300799999, 4102444800000]);
    return 1_764_000_000_000 + Math.floor(random() * 86_400_000);
  };
  const records: KafkaRecord[] = [];
  let offset = Math.floor(random() * 2 ** 40);
  for (let i = 0; i < count; i++) {
    offset += random() < 0.05 ? 2 + Math.floor(random() * 100) : 1;
    const headerCount = random() < 0.6 ? 0 : Math.floor(random() * 5);
    const headers = Array.from({ length: headerCount }, () => ({
      key: random() < 0.3 ? 'dup' : pick(TEXTS),
      value: random() < 0.2 ? null : random() < 0.2 ? bytes(Math.floor(random() * 16)) : Buffer.from(pick(TEXTS)),
    }));
    let value = keyOrValue(0.08);
    if (mix.bigValues && random() < 0.004) {
      const big = Buffer.alloc((2 + Math.floor(random() * 2)) * 1024 * 1024 + Math.floor(random() * 1000), pick(TEXTS.slice(1)));
      value = random() < 0.5 ? big : Buffer.concat([big, bytes(4096)]);
    }
    records.push({ offset, timestamp: timestamp(), key: keyOrValue(0.2), value, headers });
  }
  return records;
}

/**
 * Hands each record to `add` the way the fetch path does: one reused record object whose buffers are
 * views into one reused scratch buffer, overwritten with garbage as soon as add() returns.
 */
export function feedReused(records: readonly KafkaRecord[], add: (record: KafkaRecord) => void): void {
  let scratch = Buffer.alloc(1024 * 1024);
  const reused: KafkaRecord = { offset: 0, timestamp: 0, key: null, value: null, headers: [] };
  for (const record of records) {
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + record.headers.reduce((n, h) => n + (h.value?.length ?? 0), 0);
    if (size > scratch.length) scratch = Buffer.alloc(size * 2);
    let at = 0;
    const place = (b: Buffer | null) => {
      if (b === null) return null;
      b.copy(scratch, at);
      const view = scratch.subarray(at, at + b.length);
      at += b.length;
      return view;
    };
    reused.offset = record.offset;
    reused.timestamp = record.timestamp;
    reused.key = place(record.key);
    reused.value = place(record.value);
    reused.headers = record.headers.map((h) => ({ key: h.key, value: place(h.value) }));
    add(reused);
    scratch.fill(0xa5, 0, at);
  }
}

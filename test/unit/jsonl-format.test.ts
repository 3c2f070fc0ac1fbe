// The jsonl writer escapes bytes itself: its output must be byte for byte what JSON.stringify gives for
// the decoded record, for any bytes a record can carry.
import { isUtf8 } from 'node:buffer';
import { JsonlFormat } from '../../src/dump/format/jsonl';
import { BufferSink } from '../../src/dump/format';
import type { KafkaRecord } from '../../src/kafka/record-batch';

/** The straightforward definition: decode, build the object, JSON.stringify. */
function reference(partition: number, r: KafkaRecord): string {
  const field = (b: Buffer | null) => (b === null ? { text: null, base64: false } : isUtf8(b) ? { text: b.toString('utf8'), base64: false } : { text: b.toString('base64'), base64: true });
  const key = field(r.key);
  const value = field(r.value);
  const out: Record<string, unknown> = { partition, offset: r.offset, timestamp: r.timestamp, key: key.text };
  if (key.base64) out.keyEncoding = 'base64';
  out.headers = r.headers.map((h) => {
    const v = field(h.value);
    return v.base64 ? { key: h.key, value: v.text, valueEncoding: 'base64' } : { key: h.key, value: v.text };
  });
  out.value = value.text;
  if (value.base64) out.valueEncoding = 'base64';
  return `${JSON.stringify(out)}\n`;
}

// A small deterministic generator, so a failure can be replayed.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
const SAMPLES = ['plain', '"quoted"', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000\u0001\u001f\u007f', 'é中文😀', '\u2028\u2029', '\ufeffbom', '</script>', ''];

function bytes(): Buffer | null {
  switch (Math.floor(random() * 5)) {
    case 0:
      return null;
    case 1:
      return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(SAMPLES)).join(''));
    case 2:
      return Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
    case 3:
      return Buffer.from([0xed, 0xa0, 0x80]); // an encoded lone surrogate: not valid UTF-8
    default:
      return Buffer.from(pick(SAMPLES));
  }
}

describe('JsonlFormat', () => {
  it('writes exactly what JSON.stringify writes, and measures exactly what it writes', () => {
    const partition = 7;
    const format = new JsonlFormat(partition);
    let invalid = 0;
    let tombstones = 0;
    const tally = { tombstones: 0, invalidUtf8: 0 };
    for (let i = 0; i < 5000; i++) {
      const record: KafkaRecord = {
        offset: pick([0, 9, 10, i, 2 ** 31 + i, Number.MAX_SAFE_INTEGER]),
        timestamp: pick([-1, 0, 1767225600000 + i, 253402300799999]),
        key: bytes(),
        value: bytes(),
        headers: Array.from({ length: Math.floor(random() * 3) }, () => ({ key: pick(SAMPLES), value: bytes() })),
      };
      const expected = reference(partition, record);
      for (const b of [record.key, record.value, ...record.headers.map((h) => h.value)]) if (b !== null && !isUtf8(b)) invalid++;
      if (record.value === null) tombstones++;
      const sink = new BufferSink();
      const measured = format.measure(record);
      format.write(record, sink, tally);
      const written = sink.bytes();
      expect(written.toString('utf8')).toBe(expected);
      expect(written.equals(Buffer.from(expected))).toBe(true);
      expect(measured).toBe(written.length);
    }
    expect(tally).toEqual({ invalidUtf8: invalid, tombstones });
  });

  it('escapes values longer than its 64 KiB chunk exactly, escapes straddling every chunk boundary', () => {
    const format = new JsonlFormat(0);
    // Escapes of 2 and 6 bytes at every phase around the chunk's end, in values up to 300 KiB.
    for (const unit of ['"', '\u0001', 'ab"', 'abc\u001f', 'x'.repeat(1000) + '\n']) {
      for (const size of [65535, 65536, 65537, 140000, 300000]) {
        const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
        const record: KafkaRecord = { offset: size, timestamp: 0, key: Buffer.from(text.slice(0, 70000)), value: Buffer.from(text), headers: [] };
        const sink = new BufferSink();
        const measured = format.measure(record);
        format.write(record, sink, { tombstones: 0, invalidUtf8: 0 });
        expect(sink.bytes().equals(Buffer.from(reference(0, record)))).toBe(true);
        expect(measured).toBe(sink.bytes().length);
      }
    }
  });
});

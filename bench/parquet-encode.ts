// Focused benchmark of the Parquet encoder alone (no Kafka, no COS): encodes N GiB of ~1 KiB JSON-like
// records into a sink that copies into a reused part buffer, and reports MB/s, peak RSS and the bytes stored next to the
// `lines` format on the same records, plain and gzip (1 MiB members, as the consumer compresses them).
//
//   node scripts/run-ts.mjs bench/parquet-encode.ts [--gib 1] [--compression snappy,gzip,zstd,none] [--row-group-mib 4]
//
// Each compression runs in a child process of its own, so that each peak RSS is its own; every process
// holds the same 16 MiB pool of sample records (the stand-in for fetch buffers), built before the clock starts.
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { loadZstd } from '../src/kafka/codecs/zstd';
import type { KafkaRecord } from '../src/kafka/record-batch';
import { LinesFormat } from '../src/dump/format/lines';
import { GZIP_MEMBER_BYTES } from '../src/dump/object-body';
import { sampleEvent } from '../src/local/sample-data';
import { seededRandom } from '../src/local/fault-rules';
import { ParquetObjectWriter, PARQUET_COMPRESSIONS, type ParquetCompression } from '../src/dump/format/parquet';

const MiB = 1024 * 1024;
const POOL_BYTES = 16 * MiB;

/** One fetch-buffer-like pool of distinct ~1 KiB JSON values: records are views into it, as from a fetch. */
interface Pool {
  pool: Buffer;
  ends: Uint32Array;
}

function recordPool(): Pool {
  const random = seededRandom(7);
  const pool = Buffer.allocUnsafe(POOL_BYTES + 4096);
  const ends: number[] = [];
  let pos = 0;
  for (let i = 0; pos < POOL_BYTES; i++) {
    const events: string[] = [];
    let length = 12;
    while (length < 1000) {
      const event = sampleEvent(i * 8 + events.length, random, 1_764_000_000_000 + i * 10);
      events.push(event);
      length += event.length + 1;
    }
    pos += pool.write(`{"events":[${events.join(',')}]}`, pos, 'utf8');
    ends.push(pos);
  }
  return { pool, ends: Uint32Array.from(ends) };
}

/** Calls `each` with one reused record per row until `bytes` of values have gone by. */
function forEachRecord({ pool, ends }: Pool, bytes: number, each: (record: KafkaRecord) => void): { records: number; valueBytes: number } {
  const keys = Array.from({ length: 5000 }, (_, i) => Buffer.from(`user-${i}`));
  const record: KafkaRecord = { offset: 0, timestamp: 0, key: null, value: null, headers: [] };
  let valueBytes = 0;
  let records = 0;
  while (valueBytes < bytes) {
    let start = 0;
    for (let i = 0; i < ends.length && valueBytes < bytes; i++) {
      record.offset = records;
      record.timestamp = 1_764_000_000_000 + records;
      record.key = keys[records % keys.length]!;
      record.value = pool.subarray(start, ends[i]);
      start = ends[i]!;
      each(record);
      valueBytes += record.value.length;
      records++;
    }
  }
  return { records, valueBytes };
}

/** Copies into one reused 8 MiB part, as an upload does (without uploading), and counts. */
class PartSink {
  bytes = 0;
  private readonly part = Buffer.allocUnsafe(8 * MiB);
  private pos = 0;
  append(bytes: Buffer): void {
    for (let from = 0; from < bytes.length; ) {
      const n = Math.min(bytes.length - from, this.part.length - this.pos);
      bytes.copy(this.part, this.pos, from, from + n);
      this.pos = (this.pos + n) % this.part.length;
      from += n;
    }
    this.bytes += bytes.length;
  }
  appendByte(byte: number): void {
    this.part[this.pos] = byte;
    this.pos = (this.pos + 1) % this.part.length;
    this.bytes++;
  }
}

/** Gathers lines into 1 MiB gzip members, as the consumer's gzip body does, and counts their bytes. */
class GzipMembers {
  bytes = 0;
  private readonly member = Buffer.allocUnsafe(GZIP_MEMBER_BYTES);
  private pos = 0;
  append(bytes: Buffer): void {
    for (let from = 0; from < bytes.length; ) {
      const n = Math.min(bytes.length - from, this.member.length - this.pos);
      bytes.copy(this.member, this.pos, from, from + n);
      this.pos += n;
      from += n;
      if (this.pos === this.member.length) this.seal();
    }
  }
  appendByte(byte: number): void {
    this.append(Buffer.of(byte));
  }
  seal(): void {
    if (this.pos > 0) this.bytes += gzipSync(this.member.subarray(0, this.pos)).length;
    this.pos = 0;
  }
}

/** CPU seconds of this process since `from`: steadier than wall time on a shared machine. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

function encodeParquet(bytes: number, compression: ParquetCompression, rowGroupBytes: number): void {
  const pool = recordPool();
  const sink = new PartSink();
  const writer = new ParquetObjectWriter({ partition: 0, rowGroupBytes, compression });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { records, valueBytes } = forEachRecord(pool, bytes, (record) => writer.add(record, sink));
  writer.finish(sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSince(cpu);
  console.log(JSON.stringify({ compression, records, valueBytes, storedBytes: sink.bytes, seconds, mbPerSecond: valueBytes / 1e6 / seconds, cpuSeconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

/** `lines` on the same records: its speed into a counting sink, and its stored size plain and gzip. */
function encodeLines(bytes: number): void {
  const pool = recordPool();
  const lines = new LinesFormat();
  const sink = new PartSink();
  const tally = { tombstones: 0, invalidUtf8: 0 };
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { records, valueBytes } = forEachRecord(pool, bytes, (record) => {
    lines.measure(record);
    lines.write(record, sink, tally);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSince(cpu);
  const gzip = new GzipMembers();
  forEachRecord(pool, bytes, (record) => {
    gzip.append(record.value!);
    gzip.appendByte(0x0a);
  });
  gzip.seal();
  console.log(JSON.stringify({ compression: 'lines', records, valueBytes, storedBytes: sink.bytes, gzipBytes: gzip.bytes, seconds, mbPerSecond: valueBytes / 1e6 / seconds, cpuSeconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { gib: { type: 'string', default: '1' }, compression: { type: 'string', default: PARQUET_COMPRESSIONS.join(',') }, 'row-group-mib': { type: 'string', default: '4' }, child: { type: 'string' } },
  });
  const bytes = Number(values.gib) * 1024 * MiB;
  const rowGroupBytes = Number(values['row-group-mib']) * MiB;
  if (values.child === 'lines') return encodeLines(bytes);
  if (values.child) {
    await loadZstd();
    return encodeParquet(bytes, values.child as ParquetCompression, rowGroupBytes);
  }

  const results: Array<Record<string, number | string>> = [];
  for (const child of ['lines', ...values.compression.split(',')]) {
    const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--gib', values.gib, '--row-group-mib', values['row-group-mib'], '--child', child], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`${child}: exited with ${run.status}`);
    results.push(JSON.parse(run.stdout.trim().split('\n').pop()!));
  }
  const lines = results[0]!;
  console.log(`${values.gib} GiB of ~1 KiB JSON records (${lines.records} records); row groups of ${values['row-group-mib']} MiB; Node ${process.version}`);
  console.log('| format | MB/s (values, wall) | CPU s per GiB | MB/s per CPU second | x lines (CPU) | peak RSS MiB | stored MiB | vs lines+gzip |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const mib = (n: number | string) => (Number(n) / MiB).toFixed(1);
  const gib = Number(values.gib);
  const perCpu = (r: Record<string, number | string>) => Number(r.valueBytes) / 1e6 / Number(r.cpuSeconds);
  const row = (name: string, r: Record<string, number | string>, vsGzip: string) =>
    `| ${name} | ${Number(r.mbPerSecond).toFixed(0)} | ${(Number(r.cpuSeconds) / gib).toFixed(2)} | ${perCpu(r).toFixed(0)} | ${(perCpu(r) / perCpu(lines)).toFixed(2)} | ${Number(r.peakRssMiB).toFixed(0)} | ${mib(r.storedBytes!)} | ${vsGzip} |`;
  console.log(row('lines', lines, ''));
  console.log(`| lines+gzip (1 MiB members) | | | | | | ${mib(lines.gzipBytes!)} | 1.00 |`);
  for (const r of results.slice(1)) console.log(row(`parquet ${r.compression}`, r, (Number(r.storedBytes) / Number(lines.gzipBytes)).toFixed(2)));
}

void main();

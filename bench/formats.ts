// Output formats on the same log-like JSON (about 1 KiB per record, an uncompressed topic written by
// kcat): each FORMAT and COMPRESSION our consumer offers, into COS, with its speed, CPU-seconds per GiB,
// peak RSS, the bytes it stored and those bytes against `lines` + gzip (the original dump's choice).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { scfMemorySizeFor } from '../src/deploy/scf-memory';
import { logLine, writeLinesFile } from '../src/local/kafka/datasets';
import { kcatProduce } from '../src/local/kafka/producers';
import { createTopicAndWait } from '../src/local/kafka/topics';
import { measure } from './compressed';
import type { BenchEnv, Contestants } from './contestants';
import type { FormatRow } from './report';

const GiB = 1024 ** 3;

/** What each row sets; the first `lines` + gzip row is the yardstick of stored bytes. */
export const FORMAT_RUNS: Array<{ format: string; compression: string; env: Record<string, string> }> = [
  { format: 'lines', compression: 'none', env: {} },
  { format: 'lines', compression: 'gzip', env: { COMPRESSION: 'gzip' } },
  { format: 'lines', compression: 'zstd', env: { COMPRESSION: 'zstd' } },
  { format: 'jsonl', compression: 'none', env: { FORMAT: 'jsonl' } },
  { format: 'jsonl', compression: 'gzip', env: { FORMAT: 'jsonl', COMPRESSION: 'gzip' } },
  { format: 'jsonl', compression: 'zstd', env: { FORMAT: 'jsonl', COMPRESSION: 'zstd' } },
  { format: 'parquet', compression: 'snappy pages', env: { FORMAT: 'parquet', PARQUET_COMPRESSION: 'snappy' } },
  { format: 'parquet', compression: 'zstd pages', env: { FORMAT: 'parquet', PARQUET_COMPRESSION: 'zstd' } },
  { format: 'parquet', compression: 'gzip pages', env: { FORMAT: 'parquet', PARQUET_COMPRESSION: 'gzip' } },
];

export async function runFormats(env: BenchEnv, contestants: Contestants, gib: number): Promise<FormatRow[]> {
  const file = join(env.scratch, 'formats-lines.txt');
  const lines = writeLinesFile(file, logLine, { bytes: gib * GiB }, 23);
  const bytes = statSync(file).size;
  const topic = 'bench-formats';
  const admin = new Kafka({ clientId: 'bench', brokers: [env.broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createTopicAndWait(admin, topic, 1);
    env.log(`producing ${lines.records} records of log JSON with kcat, uncompressed`);
    await kcatProduce({ bootstrap: env.broker.bootstrap, topic }, { file, records: lines.records }, 'none');
    const rows: FormatRow[] = [];
    for (const run of FORMAT_RUNS) {
      const r = await contestants.ours(topic, 'cos', run.env, lines.records);
      const row: FormatRow = { format: run.format, compression: run.compression, dataset: `${gib} GiB of log JSON`, ...measure(r, bytes), storedBytes: r.storedBytes!, scfMemoryMb: scfMemorySizeFor(r.peakRssMiB) };
      rows.push(row);
      env.log(`  ${run.format}, ${run.compression}: ${r.seconds.toFixed(1)} s, ${row.mbPerSecond.toFixed(0)} MB/s, peak ${r.peakRssMiB.toFixed(0)} MiB, stored ${(row.storedBytes / 1e6).toFixed(0)} MB`);
    }
    await admin.deleteTopics({ topics: [topic] });
    return rows;
  } finally {
    await admin.disconnect();
  }
}

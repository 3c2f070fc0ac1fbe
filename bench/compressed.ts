// Compressed topics, as production producers write them: log-like JSON of about 1 KiB (gzip about 5-6x)
// from kcat in every codec and from Kafka's own Java producer in lz4 and zstd, a very compressible set
// (about 50x) in zstd, and records up to 15 MiB among small ones. For each, in the same run: our consumer
// into COS and with the null sink, kcat to a file, and our COS client storing as many bytes with nothing
// to read (the fastest this COS server takes them here); peak RSS and CPU-seconds per GiB of each.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { logLine, repetitiveLine, withLargeRecords, writeLinesFile, type LineGenerator } from '../src/local/kafka/datasets';
import { kcatProduce, producerPerformance } from '../src/local/kafka/producers';
import { createTopicAndWait } from '../src/local/kafka/topics';
import type { KafkaCodec } from '../src/local/kafka/versions';
import { LOCAL_MESSAGE_MAX_BYTES } from '../src/local/kafka/server-properties';
import type { BenchEnv, Contestants, Run } from './contestants';
import type { CompressedRow, Measure } from './report';

const GiB = 1024 ** 3;

interface CompressedDataset {
  name: string;
  generator: LineGenerator;
  producer: 'kcat' | 'java';
  codec: KafkaCodec;
  /** Which size flag sets its size. */
  size: 'compressed' | 'large';
}

const LOG_JSON = 'log JSON, 1 KiB';
export const COMPRESSED_DATASETS: CompressedDataset[] = [
  ...(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).map((codec) => ({ name: LOG_JSON, generator: logLine, producer: 'kcat' as const, codec, size: 'compressed' as const })),
  ...(['lz4', 'zstd'] as const).map((codec) => ({ name: LOG_JSON, generator: logLine, producer: 'java' as const, codec, size: 'compressed' as const })),
  { name: 'repetitive JSON, 1 KiB', generator: repetitiveLine, producer: 'kcat', codec: 'zstd', size: 'compressed' },
  { name: 'log JSON with records up to 15 MiB', generator: withLargeRecords(logLine), producer: 'kcat', codec: 'lz4', size: 'large' },
];

/** What `--sets` matches: producer, codec, dataset name, and "large" for the large-record set. */
function tagOf(dataset: CompressedDataset): string {
  return `${dataset.producer} ${dataset.codec} ${dataset.name} ${dataset.size}`.toLowerCase();
}

/** The datasets `--sets` picks: each comma-separated term picks those whose tag has every word of it. */
export function pickDatasets(sets: string | undefined): CompressedDataset[] {
  if (sets === undefined) return COMPRESSED_DATASETS;
  const terms = sets.split(',').map((t) => t.trim().toLowerCase().split(/\s+/).filter(Boolean)).filter((t) => t.length > 0);
  const picked = COMPRESSED_DATASETS.filter((d) => terms.some((words) => words.every((w) => tagOf(d).includes(w))));
  if (picked.length === 0) throw new Error(`--sets "${sets}" matches no compressed dataset (they are: ${COMPRESSED_DATASETS.map(tagOf).join('; ')})`);
  return picked;
}

/** Distinct lines ProducerPerformance draws its payloads from (it holds them all in its heap). */
const PAYLOAD_LINES = 20_000;

function storedBytes(dataDir: string, topic: string): number {
  const folder = join(dataDir, `${topic}-0`);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

/** Speed, peak memory and CPU per GiB of one run that dumped `bytes`. */
export function measure(run: Run, bytes: number): Measure {
  const perGiB = (seconds: number) => seconds / (bytes / GiB);
  return {
    seconds: run.seconds,
    mbPerSecond: bytes / 1e6 / run.seconds,
    peakRssMiB: run.peakRssMiB,
    cpuSecondsPerGiB: perGiB(run.cpuSeconds),
    ...(run.serverCpuSeconds === undefined ? {} : { serverCpuSecondsPerGiB: perGiB(run.serverCpuSeconds) }),
  };
}

export async function runCompressed(env: BenchEnv, contestants: Contestants, sizes: { compressedGiB: number; largeGiB: number }, repeat: number, sets?: string): Promise<CompressedRow[]> {
  const datasets = pickDatasets(sets);
  const kafka = new Kafka({ clientId: 'bench', brokers: [env.broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const files = new Map<string, { file: string; records: number }>();
  const rows: CompressedRow[] = [];
  try {
    for (const [i, dataset] of datasets.entries()) {
      const gib = dataset.size === 'large' ? sizes.largeGiB : sizes.compressedGiB;
      const key = `${dataset.name}/${gib}`;
      if (!files.has(key)) {
        const file = join(env.scratch, `lines-${files.size}.txt`);
        const { records } = writeLinesFile(file, dataset.generator, { bytes: gib * GiB }, 13);
        files.set(key, { file, records });
      }
      const lines = files.get(key)!;
      const topic = `bench-compressed-${i}`;
      await createTopicAndWait(admin, topic, 1, [{ name: 'max.message.bytes', value: String(LOCAL_MESSAGE_MAX_BYTES) }]);
      const producer = dataset.producer === 'kcat' ? 'kcat (librdkafka)' : `Kafka ${env.broker.version} ProducerPerformance`;
      env.log(`producing ${lines.records} records of ${dataset.name} with ${producer}, ${dataset.codec}`);
      if (dataset.producer === 'kcat') {
        await kcatProduce({ bootstrap: env.broker.bootstrap, topic }, lines, dataset.codec, { 'message.max.bytes': LOCAL_MESSAGE_MAX_BYTES });
      } else {
        const payloads = join(env.scratch, 'payloads.txt');
        writeLinesFile(payloads, dataset.generator, { count: PAYLOAD_LINES }, 17);
        await producerPerformance({ bootstrap: env.broker.bootstrap, topic }, { file: payloads }, lines.records, env.broker.version, dataset.codec);
      }
      const label = `${dataset.name}, ${producer} ${dataset.codec}`;
      // kcat first: its output's size is the dataset's size (every value and a newline, as `lines` writes).
      const sizing = await contestants.kcatToFile(topic);
      const bytes = sizing.outputBytes!;
      const best = await contestants.rounds(label, repeat, bytes / 1e6, [
        ['into COS', () => contestants.ours(topic, 'cos', {}, lines.records)],
        ['into COS, warm', () => contestants.ours(topic, 'cos', {}, lines.records, true)],
        ['null sink', () => contestants.ours(topic, 'null', {}, lines.records)],
        ['kcat', () => contestants.kcatToFile(topic)],
        ['upload only', () => contestants.uploadOnly(bytes)],
      ]);
      rows.push({
        dataset: dataset.name,
        producer,
        codec: dataset.codec,
        records: lines.records,
        megabytes: bytes / 1e6,
        compressionRatio: bytes / storedBytes(env.broker.dataDir, topic),
        intoCos: measure(best.get('into COS')!, bytes),
        warmIntoCos: measure(best.get('into COS, warm')!, bytes),
        nullSink: measure(best.get('null sink')!, bytes),
        kcat: measure(best.get('kcat')!, bytes),
        uploadOnly: measure(best.get('upload only')!, bytes),
      });
      // The next dataset needs the room: scratch is memory when the machine has it.
      await admin.deleteTopics({ topics: [topic] });
    }
  } finally {
    await admin.disconnect();
  }
  return rows;
}

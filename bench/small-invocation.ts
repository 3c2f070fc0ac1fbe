// What a quiet partition costs: a whole invocation that finds a few new records, from the process's start
// (a cold SCF instance: Node.js, the bundle, Kafka, COS) and as a reused instance's next invocation, beside
// kcat reading the same records. A topic with a few partitions that each get a trickle pays this on every
// schedule tick, so its fixed costs matter more to a bill than any speed per GiB. Ours are the runner's own
// accounts (process.cpuUsage, every thread), kcat's what bash's `times` reports for it.
import { join } from 'node:path';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { logLine, writeLinesFile } from '../src/local/kafka/datasets';
import { kcatProduce } from '../src/local/kafka/producers';
import { createTopicAndWait } from '../src/local/kafka/topics';
import { wholeProcess, type BenchEnv, type Contestants, type Run } from './contestants';
import { inTurns, median } from './report';

export interface SmallInvocationRow {
  variant: string;
  milliseconds: number;
  cpuMilliseconds: number;
  /** Absent for kcat, which runs under bash (for its CPU) where the polled memory would be bash's. */
  peakRssMiB?: number;
}

export interface SmallInvocation {
  records: number;
  megabytes: number;
  codec: string;
  runs: number;
  rows: SmallInvocationRow[];
}

const RECORDS = 200;
const CODEC = 'lz4';

export async function measureSmallInvocation(env: BenchEnv, contestants: Contestants, runs: number): Promise<SmallInvocation> {
  const topic = 'bench-small-invocation';
  const kafka = new Kafka({ clientId: 'bench', brokers: [env.broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicAndWait(admin, topic, 1);
    const file = join(env.scratch, 'small-invocation.txt');
    const lines = writeLinesFile(file, logLine, { count: RECORDS }, 19);
    await kcatProduce({ bootstrap: env.broker.bootstrap, topic }, { file, records: lines.records }, CODEC);
    const variants: Array<{ name: string; run: () => Promise<Run>; rss: boolean }> = [
      { name: 'ckafka-to-cos into COS, fresh process', run: async () => wholeProcess(await contestants.ours(topic, 'cos', {}, lines.records)), rss: true },
      { name: "ckafka-to-cos into COS, a reused instance's next invocation", run: () => contestants.ours(topic, 'cos', {}, lines.records, true), rss: true },
      { name: 'kcat to a file, fresh process', run: () => contestants.kcatToFile(topic, true), rss: false },
    ];
    const samples = await inTurns(runs, variants.map(({ name, run }) => [name, run] as const));
    const rows = variants.map(({ name, rss }) => {
      const all = samples.get(name)!;
      return { variant: name, milliseconds: median(all.map((r) => r.seconds * 1000)), cpuMilliseconds: median(all.map((r) => r.cpuSeconds * 1000)), ...(rss ? { peakRssMiB: median(all.map((r) => r.peakRssMiB)) } : {}) };
    });
    await admin.deleteTopics({ topics: [topic] });
    return { records: lines.records, megabytes: lines.valueBytes / 1e6, codec: CODEC, runs, rows };
  } finally {
    await admin.disconnect();
  }
}

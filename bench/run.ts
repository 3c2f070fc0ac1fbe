// `npm run bench` / `ckafka-cos bench`: our consumer against Kafka's own console consumer and kcat on the
// same data in the same run; compressed topics from kcat and the Java producer; our consumer's peak memory
// on a large backlog and its serverless cost; the scheduler's fan-out rate; the consumer's cold start.
// Writes bench-results/ (JSON, markdown, SVG) and the README's benchmark section.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { scfMemorySizeFor } from '../src/deploy/scf-memory';
import { startApiEmulator } from '../src/local/api-emulator';
import { LOCAL_CREDENTIALS } from '../src/local/defaults';
import { KafkaBroker } from '../src/local/kafka/broker';
import { ensureKcat } from '../src/local/kafka/kcat';
import { ensureScfNode, SCF_NODE_VERSION } from '../src/local/scf-node';
import { producerPerformance } from '../src/local/kafka/producers';
import { createTopicAndWait } from '../src/local/kafka/topics';
import { DEFAULT_KAFKA_VERSION } from '../src/local/kafka/versions';
import { cacheDir, projectRoot } from '../src/local/paths';
import { runScheduler } from '../src/scheduler/scheduler';
import { DISCARD_LOGS } from '../src/log';
import { measureColdStart } from './cold-start';
import { measureSmallInvocation } from './small-invocation';
import { runCompressed } from './compressed';
import { runFormats } from './formats';
import { BUCKET, Contestants, REGION, type BenchEnv } from './contestants';
import { cpuSplit, pinProcess } from './cpu-split';
import { startBackground } from './processes';
import { allTargetsMet, markdownReport, svgChart, withBenchmarkSection, type BenchResults, type ThroughputRow } from './report';

const GiB = 1024 ** 3;
const SECTIONS = ['throughput', 'compressed', 'formats', 'memory', 'fanout', 'coldstart'] as const;
type Section = (typeof SECTIONS)[number];

const HELP = `usage: npm run bench -- [--only SECTIONS] [--gib N] [--small-gib N] [--compressed-gib N] [--large-gib N] [--sets LIST] [--rss-gib N] [--rate R] [--partitions P] [--repeat N] [--service-cpus LIST] [--out DIR] [--no-readme]
  --only S            comma-separated sections to run (default all): ${SECTIONS.join(', ')}
  --gib N             size of the 1 KiB-record dataset and of the formats' dataset (default 1)
  --small-gib N       size of the 100 B and 16 KiB datasets (default 0.25)
  --compressed-gib N  size of each compressed dataset, as dumped (default 0.5; eight datasets)
  --large-gib N       size of the dataset with records up to 15 MiB (default 0.5, as the other compressed sets)
  --sets LIST         compressed datasets to run, by codec or name, e.g. lz4,large or "java zstd" (default all)
  --rss-gib N         backlog of the memory and cost run (default 2)
  --rate R            configured invoke rate of the fan-out run (default 50, the product's default)
  --partitions P      partitions of the fan-out run (default 1000)
  --repeat N          rounds of the throughput runs; each tool's median is reported (default 3)
  --service-cpus LIST the broker and the COS server on these CPUs (taskset's list: 2,3 or 2-3), the
                      contestants on the others, so that into COS measures our consumer, not the COS
                      server sharing its CPUs (default: everything shares every CPU)
  --no-readme         leave README.md alone (a partial run never updates it)`;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function sectionsOf(only: string | undefined): Set<Section> {
  if (!only) return new Set(SECTIONS);
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
  return new Set(names as Section[]);
}

/** A topic of one partition filled by Kafka's own producer-perf tool: fast, and the same bytes for every contestant. */
async function dataset(broker: KafkaBroker, topic: string, recordBytes: number, bytes: number): Promise<number> {
  const records = Math.max(1, Math.floor(bytes / recordBytes));
  const admin = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await createTopicAndWait(admin, topic, 1, [{ name: 'max.message.bytes', value: String(Math.max(1048588, recordBytes * 2)) }]);
  await admin.disconnect();
  log(`producing ${records} records of ${recordBytes} B into ${topic}`);
  await producerPerformance({ bootstrap: broker.bootstrap, topic }, { recordSize: recordBytes }, records, broker.version, 'none');
  return records;
}

export async function runBenchmark(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      gib: { type: 'string', default: '1' },
      'small-gib': { type: 'string', default: '0.25' },
      'compressed-gib': { type: 'string', default: '0.5' },
      'large-gib': { type: 'string', default: '0.5' },
      sets: { type: 'string' },
      'rss-gib': { type: 'string', default: '2' },
      rate: { type: 'string', default: '50' },
      partitions: { type: 'string', default: '1000' },
      repeat: { type: 'string', default: '3' },
      'service-cpus': { type: 'string' },
      out: { type: 'string', default: 'bench-results' },
      'no-readme': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const sections = sectionsOf(values.only);
  const gib = positive('gib', values.gib);
  const small = positive('small-gib', values['small-gib']);
  const compressedGiB = positive('compressed-gib', values['compressed-gib']);
  const largeGiB = positive('large-gib', values['large-gib']);
  const rssGib = positive('rss-gib', values['rss-gib']);
  const repeat = Math.max(1, Math.floor(positive('repeat', values.repeat)));
  const split = values['service-cpus'] === undefined ? undefined : cpuSplit(values['service-cpus'], cpus().length);
  const root = projectRoot();
  const runner = join(root, 'dist', 'bench', 'consumer-runner');
  if (!existsSync(runner)) throw new Error(`${runner} is missing: run \`npm run build\` first`);
  const kcat = ensureKcat(log);
  // Our consumer runs on the Node.js release SCF runs it on; the rest of the bench on this one.
  const scfNode = ensureScfNode(log);
  const consumerNode = scfNode ?? process.execPath;
  const consumerNodeVersion = scfNode ? SCF_NODE_VERSION : process.versions.node;
  if (!scfNode) log(`Node.js ${SCF_NODE_VERSION} is not available here: our consumer runs on this Node.js, ${process.versions.node}`);
  const work = cacheDir('bench', String(Date.now()));
  mkdirSync(work, { recursive: true });
  // The broker's log, the outputs and COS data go to memory when there is room: COS would be remote, and
  // the disk's write-back of freshly produced data is not what is measured. The throughput datasets stay
  // in the log together; a compressed one is deleted when measured, beside its lines file.
  const datasetBytes =
    (sections.has('throughput') ? gib + 2 * small : 0) * GiB +
    (sections.has('compressed') ? 3 * Math.max(compressedGiB, largeGiB) : 0) * GiB +
    (sections.has('formats') ? 2 * gib : 0) * GiB +
    (sections.has('memory') ? rssGib : 0) * GiB;
  const shm = existsSync('/dev/shm') ? statfsSync('/dev/shm') : undefined;
  const inMemory = shm !== undefined && shm.bavail * shm.bsize > datasetBytes + 3 * GiB;
  const scratch = inMemory ? join('/dev/shm', `ckafka-cos-bench-${process.pid}`) : join(work, 'scratch');
  mkdirSync(scratch, { recursive: true });
  // The bench first, so that every process it starts inherits the contestants' CPUs; then the services move.
  if (split) pinProcess(process.pid, split.contestants, 'the bench');
  const broker = await KafkaBroker.start({ dir: join(scratch, 'kafka'), heapMb: 1024, log });
  // The COS server is its own process, as COS is: its CPU is measured apart from the contestants'.
  const cosServer = await startBackground(process.execPath, [join(root, 'bin', 'ckafka-cos.js'), 'local', 'cos', '--dir', join(scratch, 'cos'), '--bucket', BUCKET, '--region', REGION]);
  const env: BenchEnv = { broker, kcat, runner, consumerNode, cosServer, cosEndpoint: (JSON.parse(cosServer.firstLine) as { endpoint: string }).endpoint, scratch, log };
  const contestants = new Contestants(env);
  const throughput: ThroughputRow[] = [];

  async function contestantsOn(label: string, recordBytes: number, bytes: number): Promise<void> {
    const topic = `bench-${recordBytes}`;
    const records = await dataset(broker, topic, recordBytes, bytes);
    const mb = (records * recordBytes) / 1e6;
    const best = await contestants.rounds(label, repeat, mb, [
      ['ckafka-to-cos, null sink', () => contestants.ours(topic, 'null')],
      ['ckafka-to-cos, into COS', () => contestants.ours(topic, 'cos')],
      ['kcat to a file', () => contestants.kcatToFile(topic)],
      ['kafka-console-consumer to a file', () => contestants.consoleConsumer(topic, records)],
    ]);
    for (const [tool, r] of best) throughput.push({ dataset: label, recordBytes, tool, seconds: r.seconds, mbPerSecond: mb / r.seconds, peakRssMiB: r.peakRssMiB, cpuSeconds: r.cpuSeconds, serverCpuSeconds: r.serverCpuSeconds });
  }

  let results: BenchResults;
  try {
    if (split) {
      if (broker.pid === undefined) throw new Error('--service-cpus: the Kafka broker has no process to pin');
      pinProcess(broker.pid, split.services, 'the Kafka broker');
      pinProcess(cosServer.pid, split.services, 'the COS server');
      log(`the broker and the COS server run on CPUs ${split.services.join(',')}, the contestants on CPUs ${split.contestants.join(',')}`);
    }
    results = {
      date: new Date().toISOString().slice(0, 10),
      repeat,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round(totalmem() / GiB),
        node: process.versions.node,
        consumerNode: consumerNodeVersion,
        java: spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0]!, // java prints its version to stderr
        kafka: DEFAULT_KAFKA_VERSION,
        split,
      },
      throughput,
      ratios: [],
    };
    if (sections.has('throughput')) {
      await contestantsOn(`1 KiB records, ${gib} GiB`, 1024, gib * GiB);
      await contestantsOn(`100 B records, ${small} GiB`, 100, small * GiB);
      await contestantsOn(`16 KiB records, ${small} GiB`, 16384, small * GiB);
      const by = (dataset: string, tool: string) => throughput.find((r) => r.dataset === dataset && r.tool.startsWith(tool))!.mbPerSecond;
      results.ratios = [...new Set(throughput.map((r) => r.dataset))].flatMap((dataset) => [
        { dataset, name: 'null sink vs kafka-console-consumer', value: by(dataset, 'ckafka-to-cos, null') / by(dataset, 'kafka-console'), target: 1.0 },
        { dataset, name: 'null sink vs kcat', value: by(dataset, 'ckafka-to-cos, null') / by(dataset, 'kcat'), target: 0.5 },
        { dataset, name: 'into COS vs null sink', value: by(dataset, 'ckafka-to-cos, into') / by(dataset, 'ckafka-to-cos, null'), target: 0.8 },
      ]).map((r) => ({ ...r, met: r.value >= r.target }));
    }

    if (sections.has('compressed')) results.compressed = await runCompressed(env, contestants, { compressedGiB, largeGiB }, repeat, values.sets);

    if (sections.has('formats')) {
      const formats = await runFormats(env, contestants, gib);
      results.formats = formats;
      const speed = (format: string, compression: string) => formats.find((r) => r.format === format && r.compression === compression)!.mbPerSecond;
      const value = speed('parquet', 'snappy pages') / speed('lines', 'none');
      results.ratios.push({ dataset: formats[0]!.dataset, name: 'parquet (snappy pages) into COS vs lines', value, target: 0.5, met: value >= 0.5 });
    }

    if (sections.has('memory')) {
      // Memory and cost: a large backlog into COS with the default part size, in the deployed bundle's shape.
      await dataset(broker, 'bench-backlog', 1024, rssGib * GiB);
      const backlog = await contestants.ours('bench-backlog', 'cos');
      const scfMemoryMb = scfMemorySizeFor(backlog.peakRssMiB);
      results.memory = {
        backlogGiB: rssGib,
        peakRssMiB: backlog.peakRssMiB,
        seconds: backlog.seconds,
        scfMemoryMb,
        gbSecondsPerGiB: ((scfMemoryMb / 1024) * backlog.seconds) / rssGib,
        met: backlog.peakRssMiB <= 128,
      };
      log(`  backlog ${rssGib} GiB into COS: ${backlog.seconds.toFixed(1)} s, peak ${backlog.peakRssMiB.toFixed(0)} MiB`);
      const parquet = await contestants.ours('bench-backlog', 'cos', { FORMAT: 'parquet' });
      results.memory.parquet = { peakRssMiB: parquet.peakRssMiB, seconds: parquet.seconds, met: parquet.peakRssMiB <= 128 };
      log(`  backlog ${rssGib} GiB into COS as parquet: ${parquet.seconds.toFixed(1)} s, peak ${parquet.peakRssMiB.toFixed(0)} MiB`);
    }

    if (sections.has('coldstart')) {
      results.coldStart = await measureColdStart(consumerNode, join(root, 'dist', 'functions', 'consumer'));
      for (const row of results.coldStart) log(`  cold start, ${row.variant}: ${row.milliseconds.toFixed(0)} ms, ${row.cpuMilliseconds.toFixed(0)} CPU ms, ${row.rssMiB.toFixed(0)} MiB`);
      results.smallInvocation = await measureSmallInvocation(env, contestants, 15);
      for (const row of results.smallInvocation.rows) log(`  small invocation, ${row.variant}: ${row.milliseconds.toFixed(0)} ms, ${row.cpuMilliseconds.toFixed(0)} CPU ms`);
    }

    if (sections.has('fanout')) {
      const fanOut = await measureFanOut(broker.bootstrap, Number(values.partitions), Number(values.rate), join(work, 'fanout'));
      results.fanOut = fanOut;
      log(`  fan-out: ${fanOut.measuredRate.toFixed(1)}/s of ${fanOut.configuredRate}/s, ${fanOut.drops} dropped`);
    }
  } finally {
    await cosServer.stop();
    await broker.stop();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }

  const out = resolve(root, values.out!);
  mkdirSync(out, { recursive: true });
  const markdown = markdownReport(results);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, 'results.md'), `${markdown}\n`);
  if (throughput.length > 0) writeFileSync(join(out, 'throughput.svg'), `${svgChart(results)}\n`);
  if (!values['no-readme'] && sections.size === SECTIONS.length && values.sets === undefined) {
    const readmePath = join(root, 'README.md');
    const chart = relative(root, join(out, 'throughput.svg')).split(sep).join('/');
    const section = `${markdown}\n\n![throughput](${chart})\n`;
    writeFileSync(readmePath, withBenchmarkSection(readFileSync(readmePath, 'utf8'), section));
  }
  console.log(markdown);
  return allTargetsMet(results) ? 0 : 1;
}

/** One scheduler tick over a topic whose partitions (all but every tenth) hold a record, against the emulator's rate. */
async function measureFanOut(bootstrap: string, partitions: number, rate: number, dir: string): Promise<NonNullable<BenchResults['fanOut']>> {
  const topic = 'bench-fanout';
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicAndWait(admin, topic, partitions);
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const withWork = Array.from({ length: partitions }, (_, p) => p).filter((p) => p % 10 !== 9);
  await producer.send({ topic, acks: -1, messages: withWork.map((partition) => ({ partition, value: 'x' })) });
  await producer.disconnect();
  mkdirSync(dir, { recursive: true });
  const handler = join(dir, 'noop.js');
  writeFileSync(handler, 'exports.main_handler = async () => ({ ok: true });\n');
  // SCF's own limit is about 100 Invoke requests per second per account.
  const api = await startApiEmulator({ credentials: [LOCAL_CREDENTIALS], functions: [{ name: 'bench-consumer', handlerFile: handler, timeoutSec: 10, memoryMb: 128 }], invokeRateLimit: { perSecond: 100 }, workers: 2 });
  try {
    const env = {
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: topic,
      CKAFKA_INSTANCE_ID: 'ckafka-bench',
      CKAFKA_TOPIC_ID: 'topic-fanout',
      CONSUMER_FUNCTION_NAME: 'bench-consumer',
      TC_SCF_ENDPOINT: api.endpoint,
      INVOKE_RATE_PER_SECOND: String(rate),
      TENCENTCLOUD_SECRETID: LOCAL_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRETKEY: LOCAL_CREDENTIALS.secretKey,
      TENCENTCLOUD_REGION: REGION,
      LOG_LEVEL: 'error',
    };
    const summary = await runScheduler({ Type: 'Manual' }, { request_id: 'bench', function_name: 'scheduler', time_limit_in_ms: 900_000 }, { env, logDestination: DISCARD_LOGS });
    await api.idle();
    const accepted = api.arrivals().filter((a) => a.accepted).map((a) => a.at);
    const measuredRate = accepted.length > 1 ? (accepted.length - 1) / ((accepted[accepted.length - 1]! - accepted[0]!) / 1000) : 0;
    const invoked = new Set(api.invocations().map((r) => (r.event as { partition: number }).partition)).size;
    const drops = withWork.length - invoked + summary.failed.length;
    return { partitions, withWork: withWork.length, invoked, drops, configuredRate: rate, measuredRate, ratio: measuredRate / rate, met: measuredRate / rate >= 0.95 && drops === 0 };
  } finally {
    await api.close();
  }
}

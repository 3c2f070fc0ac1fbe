// The benchmark's contestants, each its own process reading one partition from the start: our consumer
// (null sink or into COS), kcat to a file, Kafka's console consumer to a file. Each run is timed and its
// peak RSS and CPU measured (processes.ts); rounds() runs tools in turn and keeps each one's median.
import { readdirSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaBroker } from '../src/local/kafka/broker';
import { kafkaJavaArgs } from '../src/local/kafka/jars';
import { LOCAL_CREDENTIALS } from '../src/local/defaults';
import { runProcess, type BackgroundProcess, type ProcessRun } from './processes';
import { inTurns, medianRun } from './report';

export const BUCKET = 'bench-1250000000';
export const REGION = 'ap-guangzhou';

export interface Run extends ProcessRun {
  /** CPU the local COS server spent storing this run's data (into-COS runs only). */
  serverCpuSeconds?: number;
  /** Bytes written (kcat: its output file, values and newlines). */
  outputBytes?: number;
  /** Bytes of the data objects stored in COS (into-COS runs only; bookkeeping under `_ckafka-cos/` aside). */
  storedBytes?: number;
}

/** Sizes of the files under `dir`, which the COS server keeps one per object, skipping bookkeeping folders. */
function dataBytesUnder(dir: string): number {
  let sum = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '_ckafka-cos') continue;
    const path = join(dir, entry.name);
    sum += entry.isDirectory() ? dataBytesUnder(path) : statSync(path).size;
  }
  return sum;
}

/** A wall time and CPU the consumer runner printed (bench/consumer-runner.ts), checked. */
function runnerAccount(value: unknown, what: string, stdout: string): { seconds: number; cpuSeconds: number } {
  const account = value as { seconds?: unknown; cpuSeconds?: unknown } | undefined;
  if (typeof account?.seconds !== 'number' || typeof account.cpuSeconds !== 'number') throw new Error(`the consumer runner did not report ${what}: ${stdout.slice(0, 200)}`);
  return { seconds: account.seconds, cpuSeconds: account.cpuSeconds };
}

/** The runner's own account of the dump it made after warming up: its wall time and CPU alone. */
function secondDump(stdout: string): { seconds: number; cpuSeconds: number } {
  const report = JSON.parse(stdout) as { first?: unknown };
  return runnerAccount(report.first === undefined ? undefined : report, 'a warm dump', stdout);
}

/** A run of ours timed by the runner's own account of its whole process, from Node.js's start to the dump's end. */
export function wholeProcess(run: Run): Run {
  return { ...run, ...runnerAccount((JSON.parse(run.stdout) as { process?: unknown }).process, 'its whole process', run.stdout) };
}

/** A bash run's CPU as its `times` reports it: the last line is its children's user and system time. */
function childrenTimes(run: Run): Run {
  const last = run.stderr.trim().split('\n').pop() ?? '';
  const times = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(last);
  if (!times) throw new Error(`no times from bash: ${run.stderr.slice(-200)}`);
  const [, um, us, sm, ss] = times.map(Number) as [number, number, number, number, number];
  return { ...run, cpuSeconds: um * 60 + us + sm * 60 + ss };
}

export interface BenchEnv {
  broker: KafkaBroker;
  kcat: string;
  /** dist/bench/consumer-runner: the consumer built like the SCF bundle (a folder: node runs its index.js). */
  runner: string;
  /** The Node.js binary our consumer runs on: SCF's release when it could be fetched. */
  consumerNode: string;
  cosServer: BackgroundProcess;
  cosEndpoint: string;
  /** Where the COS server stores objects (emptied after each run) and outputs go. */
  scratch: string;
  log: (line: string) => void;
}

export class Contestants {
  private run = 0;

  constructor(private readonly env: BenchEnv) {}

  consumerEnv(topic: string): Record<string, string> {
    return {
      KAFKA_BROKERS: this.env.broker.bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: `bench-${++this.run}`,
      CKAFKA_INSTANCE_ID: 'ckafka-bench',
      CKAFKA_TOPIC_ID: 'topic-bench',
      COS_BUCKET: BUCKET,
      COS_REGION: REGION,
      COS_ENDPOINT: this.env.cosEndpoint,
      COS_PREFIX: `run-${this.run}/`,
      FLUSH_OPEN_WINDOW: 'true',
      TENCENTCLOUD_SECRETID: LOCAL_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRETKEY: LOCAL_CREDENTIALS.secretKey,
      LOG_LEVEL: 'error',
    };
  }

  /**
   * Our consumer on partition 0, from its start: `expectRecords` (when given) must be what it dumped.
   * `warm`: as a reused SCF instance, after a first dump in the same process; time and CPU are the second
   * dump's own (the runner measures them), peak RSS the whole process's.
   */
  async ours(topic: string, sink: 'null' | 'cos', env: Record<string, string> = {}, expectRecords?: number, warm = false): Promise<Run> {
    const before = this.env.cosServer.cpuSeconds();
    // With the variables SCF would give the function, not this machine's: NODE_EXTRA_CA_CERTS, set on
    // some build machines, alone makes Node.js parse a CA bundle at start (30-40 ms of CPU per run).
    const run = await runProcess(this.env.consumerNode, [this.env.runner, sink, '0', ...(warm ? ['warm'] : [])], { env: { ...this.consumerEnv(topic), ...env }, inheritEnv: false });
    const result = warm && run.exitCode === 0 ? { ...run, ...secondDump(run.stdout) } : run;
    const serverCpuSeconds = this.env.cosServer.cpuSeconds() - before;
    if (result.exitCode !== 0) throw new Error(`our consumer failed on ${topic}: ${result.stderr}`);
    const storedBytes = this.emptyBucket();
    if (expectRecords !== undefined) {
      const records = (JSON.parse(result.stdout) as { result: { records?: number } }).result.records;
      if (records !== expectRecords) throw new Error(`our consumer dumped ${records} records of ${topic}, expected ${expectRecords}`);
    }
    return sink === 'cos' && !warm ? { ...result, serverCpuSeconds, storedBytes } : result;
  }

  /**
   * Our COS client alone storing `bytes` from memory into the COS server, in the consumer's parts and
   * objects (bench/upload-only.ts): the fastest any consumer can store into that server on this machine.
   */
  async uploadOnly(bytes: number): Promise<Run> {
    const before = this.env.cosServer.cpuSeconds();
    const run = await runProcess(this.env.consumerNode, [this.env.runner, 'upload', String(bytes)], { env: this.consumerEnv('upload-only'), inheritEnv: false });
    const serverCpuSeconds = this.env.cosServer.cpuSeconds() - before;
    const storedBytes = this.emptyBucket();
    if (run.exitCode !== 0) throw new Error(`the upload-only run failed: ${run.stderr}`);
    if (storedBytes !== bytes) throw new Error(`the upload-only run stored ${storedBytes} bytes of data, not ${bytes}`);
    return { ...run, serverCpuSeconds, storedBytes };
  }

  /** Empties the bucket for the next run; returns the bytes of data objects the run left in it. */
  private emptyBucket(): number {
    const bucket = join(this.env.scratch, 'cos', BUCKET);
    const storedBytes = dataBytesUnder(bucket);
    rmSync(bucket, { recursive: true, force: true });
    mkdirSync(bucket, { recursive: true });
    return storedBytes;
  }

  /**
   * kcat reading partition 0 to a file, one value and '\n' per record (what the `lines` format writes).
   * `exactCpu`: kcat runs under bash, whose `times` gives its CPU from the kernel to the millisecond, where
   * polling /proc sees 10 ms ticks and may miss the last ones: for runs of a few milliseconds.
   */
  async kcatToFile(topic: string, exactCpu = false): Promise<Run> {
    const out = join(this.env.scratch, 'kcat.out');
    try {
      const kcat = [this.env.kcat, '-C', '-b', this.env.broker.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\\n', '-X', 'receive.message.max.bytes=200000000'];
      const run = exactCpu ? childrenTimes(await runProcess('bash', ['-c', '"$@"; code=$?; times >&2; exit $code', 'bash', ...kcat], { stdoutFile: out, inheritEnv: false })) : await runProcess(kcat[0]!, kcat.slice(1), { stdoutFile: out, inheritEnv: false });
      if (run.exitCode !== 0) throw new Error(`kcat failed on ${topic}: ${run.stderr}`);
      return { ...run, outputBytes: statSync(out).size };
    } finally {
      rmSync(out, { force: true });
    }
  }

  async consoleConsumer(topic: string, records: number): Promise<Run> {
    const out = join(this.env.scratch, 'console.out');
    try {
      return await runProcess('java', kafkaJavaArgs('org.apache.kafka.tools.consumer.ConsoleConsumer', ['--bootstrap-server', this.env.broker.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(records)], 512), { stdoutFile: out });
    } finally {
      rmSync(out, { force: true });
    }
  }

  /**
   * Rounds of every tool in turn, each tool's median run returned: a slow moment of this shared machine
   * (or of the broker, right after the dataset was written) then falls on no one tool in particular.
   */
  async rounds(label: string, repeat: number, megabytes: number, tools: Array<[string, () => Promise<Run>]>): Promise<Map<string, Run>> {
    const runs = await inTurns(repeat, tools, (tool, r) =>
      this.env.log(`  ${label} ${tool}: ${r.seconds.toFixed(2)} s, ${(megabytes / r.seconds).toFixed(0)} MB/s, ${r.peakRssMiB.toFixed(0)} MiB, ${r.cpuSeconds.toFixed(1)} CPU s`),
    );
    return new Map([...runs].map(([tool, all]) => [tool, medianRun(all)]));
  }
}

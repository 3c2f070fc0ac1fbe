// Producers as users run them, writing a file of lines (one record per line) into a topic: kcat
// (librdkafka) and Kafka's own Java console producer of a given version, each in a chosen codec. Neither
// tool reliably fails its exit code when a record is lost, so every run is checked against the
// partition's end offset: exactly one record per line must have been appended.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { Kafka, logLevel } from '../../kafka/kafkajs';
import { kafkaJavaArgs } from './jars';
import { ensureKcat } from './kcat';
import { kafkaVersionSpec, type KafkaCodec } from './versions';

export interface ProduceTarget {
  bootstrap: string;
  topic: string;
  /** The partition written (kcat writes to it; the Java console producer needs a single-partition topic). */
  partition?: number;
}

export interface LinesFile {
  file: string;
  /** Lines in the file: the records the run must append. */
  records: number;
}

export interface ProducedRange {
  /** Offset of the first appended record. */
  from: number;
  /** End offset after the run. */
  to: number;
}

/** Runs a command with `stdinFile` on its standard input; rejects with its output if it fails. */
export function runTool(command: string, args: string[], stdinFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
    const child = spawn(command, args, { stdio: [input, 'pipe', 'pipe'] });
    if (typeof input === 'number') closeSync(input);
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.slice(-12).join(' ')} exited with ${code}:\n${output}`))));
  });
}

/** The end offset of one partition, read with kafkajs (independent of the product's own Kafka client). */
export async function endOffset(bootstrap: string, topic: string, partition = 0): Promise<number> {
  const admin = new Kafka({ clientId: 'producers', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const found = offsets.find((o) => o.partition === partition);
    if (!found) throw new Error(`topic ${topic} has no partition ${partition}`);
    return Number(found.high);
  } finally {
    await admin.disconnect();
  }
}

/** Runs `produce` and checks that it appended exactly `lines.records` records to the partition. */
async function appendExactly(target: ProduceTarget, lines: LinesFile, producer: string, produce: () => Promise<void>): Promise<ProducedRange> {
  const partition = target.partition ?? 0;
  const from = await endOffset(target.bootstrap, target.topic, partition);
  await produce();
  const to = await endOffset(target.bootstrap, target.topic, partition);
  if (to - from !== lines.records) {
    throw new Error(`${producer} appended ${to - from} records to ${target.topic}/${partition} (offsets ${from}..${to}) instead of ${lines.records} (${lines.file})`);
  }
  return { from, to };
}

/**
 * kcat in librdkafka's defaults (1 MB batches, 5 ms linger) with `codec`. `config` adds librdkafka
 * properties (`message.max.bytes` for large records). Asked for zstd, librdkafka quietly sends a broker
 * before 2.1 uncompressed batches: check the codec in the log where it matters.
 */
export function kcatProduce(target: ProduceTarget, lines: LinesFile, codec: KafkaCodec, config: Record<string, string | number> = {}): Promise<ProducedRange> {
  const kcat = ensureKcat();
  // A patient request timeout: a timed-out request is resent, and without idempotence lands twice.
  const args = ['-P', '-b', target.bootstrap, '-t', target.topic, '-p', String(target.partition ?? 0), '-z', codec, '-X', 'acks=all', '-X', 'request.timeout.ms=60000'];
  for (const [key, value] of Object.entries(config)) args.push('-X', `${key}=${value}`);
  args.push('-l', lines.file);
  return appendExactly(target, lines, `kcat (${codec})`, () => runTool(kcat, args));
}

/**
 * Kafka's console producer from the jars of `version` (the client of that release), reading the file on
 * stdin as UTF-8 (Java 17 reads stdin in the platform charset otherwise), with `compression.type` =
 * `codec` and the console producer's defaults otherwise (16 KiB batches, 1 s linger) but its timeout.
 */
export async function consoleProduce(target: ProduceTarget, lines: LinesFile, version: string, codec: KafkaCodec, config: Record<string, string | number> = {}): Promise<ProducedRange> {
  const spec = kafkaVersionSpec(version);
  if (!spec.codecs.includes(codec)) throw new Error(`the Kafka ${spec.version} producer has no ${codec} codec (it takes ${spec.codecs.join(', ')})`);
  // The console producer waits 1.5 s for an answer by default, then resends: on a busy machine that
  // writes records twice (it is not idempotent before 3.0). A minute changes nothing about what it writes.
  const args = ['--broker-list', target.bootstrap, '--topic', target.topic, '--request-required-acks', '-1', '--request-timeout-ms', '60000', '--compression-codec', codec];
  for (const [key, value] of Object.entries(config)) args.push('--producer-property', `${key}=${value}`);
  const java = kafkaJavaArgs('kafka.tools.ConsoleProducer', args, 256, spec.version, ['-Dfile.encoding=UTF-8', '-Xshare:auto', '-XX:TieredStopAtLevel=1']);
  return appendExactly(target, lines, `the Kafka ${spec.version} console producer (${codec})`, () => runTool('java', java, lines.file));
}

/**
 * Kafka's ProducerPerformance from `version`'s tools: `records` records as fast as possible with `codec`
 * and large batches, either random letters of `recordSize` bytes or lines of a payload file drawn at
 * random (0.11+), into a single-partition topic.
 */
export function producerPerformance(target: ProduceTarget, payload: { file: string } | { recordSize: number }, records: number, version: string, codec: KafkaCodec, config: Record<string, string | number> = {}): Promise<ProducedRange> {
  const props = { 'bootstrap.servers': target.bootstrap, acks: 1, 'linger.ms': 20, 'batch.size': 1048576, 'buffer.memory': 67108864, 'compression.type': codec, ...config };
  const source = 'file' in payload ? ['--payload-file', payload.file] : ['--record-size', String(payload.recordSize)];
  const args = ['--topic', target.topic, '--num-records', String(records), ...source, '--throughput', '-1', '--producer-props', ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  const java = kafkaJavaArgs('org.apache.kafka.tools.ProducerPerformance', args, 768, version);
  const described = 'file' in payload ? payload.file : `${payload.recordSize}-byte records`;
  return appendExactly(target, { file: described, records }, `ProducerPerformance ${kafkaVersionSpec(version).version} (${codec})`, () => runTool('java', java));
}

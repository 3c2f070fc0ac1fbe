// The broker-version matrix: one test file per Apache Kafka version calls brokerMatrix(version), which
// starts that broker once for the file and dumps, end to end and byte for byte, what real producers
// write into it: kcat (librdkafka) and the Java producer of the same version in every codec the broker
// takes, kafkajs transactions committed and aborted, topics in the older message formats, and a tick of
// the scheduler with `plan` and `verify` around it. Each row first checks, from the broker's own segment
// files, that the log holds the format and codec the row names (a producer that quietly fell back to
// another would otherwise pass for it).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, type ITopicConfig } from '../../src/kafka/kafkajs';
import { CosObjectStore } from '../../src/cos/cos-store';
import { KafkaBroker } from '../../src/local/kafka/broker';
import { consoleProduce, endOffset, kcatProduce } from '../../src/local/kafka/producers';
import { createTopicAndWait } from '../../src/local/kafka/topics';
import { DEFAULT_KAFKA_VERSION, kafkaVersionSpec, type KafkaCodec, type KafkaVersionSpec } from '../../src/local/kafka/versions';
import { startLocalStack } from '../../src/local/stack';
import { runScheduler } from '../../src/scheduler/scheduler';
import { DISCARD_LOGS } from '../../src/log';
import { expectSameBytes } from '../support/bytes';
import { useTestCos } from '../support/cos';
import { consumerEnv, dumpPartition, readBack } from '../support/dump';
import { uniqueTopic } from '../support/kafka';
import { knownLines, produceTransactions, storedBatches, storedFormats, transactionValues, type KnownLines } from '../support/producers';

/** Records per row: several batches in every codec (librdkafka's are 1 MB, the Java console producer's 16 KiB). */
const ROW_RECORDS = 2500;
const BROKER_START_MS = 240_000;

interface MatrixBroker {
  bootstrap: string;
  /** The broker's log folder, read for the format and codec each row wrote. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The default version is the broker jest's global setup already runs for every test; any other version
 * gets a broker of its own for this file.
 */
async function startMatrixBroker(spec: KafkaVersionSpec): Promise<MatrixBroker> {
  if (spec.version === DEFAULT_KAFKA_VERSION && process.env.TEST_KAFKA_BROKERS && process.env.TEST_KAFKA_DIR) {
    return { bootstrap: process.env.TEST_KAFKA_BROKERS, dataDir: join(process.env.TEST_KAFKA_DIR, 'data'), stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), `ckafka-cos-matrix-${spec.version}-`));
  // Test loads are small: the quick compiler alone and one GC thread leave the CPU to the rest of the suite.
  const broker = await KafkaBroker.start({ dir, version: spec.version, heapMb: 512, jvmOptions: ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'], startTimeoutMs: BROKER_START_MS - 30_000 });
  return {
    bootstrap: broker.bootstrap,
    dataDir: broker.dataDir,
    stop: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The format a broker writes a topic in unless told otherwise. */
const defaultFormat = (spec: KafkaVersionSpec) => Math.max(...spec.messageFormats);
const PRE_ZSTD: readonly KafkaCodec[] = ['none', 'gzip', 'snappy', 'lz4'];

// Asynchronously: the COS server and the API emulator the CLI talks to run in this very process.
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const bin = join(__dirname, '../../bin/ckafka-cos.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, out: `${stdout}${stderr}` });
    });
  });
}

export function brokerMatrix(version: string): void {
  const spec = kafkaVersionSpec(version);
  const cos = useTestCos();
  let broker: MatrixBroker | undefined;
  beforeAll(async () => {
    broker = await startMatrixBroker(spec);
  }, BROKER_START_MS);
  afterAll(async () => broker?.stop(), 60_000);

  const kafka = () => new Kafka({ clientId: 'matrix', brokers: [broker!.bootstrap], logLevel: logLevel.NOTHING });

  async function newTopic(label: string, partitions = 1, configEntries: ITopicConfig['configEntries'] = []): Promise<string> {
    const topic = uniqueTopic(`m${spec.version.replace(/\./g, '')}-${label}`);
    const admin = kafka().admin();
    await admin.connect();
    try {
      await createTopicAndWait(admin, topic, partitions, configEntries);
    } finally {
      await admin.disconnect();
    }
    return topic;
  }

  /** Dumps partition 0 with the real consumer into COS and compares what COS holds with `expected`. */
  async function expectDumped(topic: string, expected: Buffer, records: number, endOffset: number): Promise<void> {
    // The consumer's logs are kept, not printed: a failing row fails with the consumer's own error.
    const result = await dumpPartition(consumerEnv(cos, topic, { KAFKA_BROKERS: broker!.bootstrap }), 0, { logs: [] });
    expect(result).toMatchObject({ status: 'dumped', records, fromOffset: 0, toOffset: endOffset, lag: 0 });
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, expected);
  }

  /**
   * Produces `lines` into a new topic, checks the log holds message format `magic` compressed with `codec`,
   * and dumps it. Uncompressed batches may sit beside compressed ones: librdkafka sends a batch that
   * would not shrink as it is.
   */
  async function produceAndDump(label: string, lines: KnownLines, produce: (topic: string) => Promise<unknown>, magic: number, codec: KafkaCodec, configEntries: ITopicConfig['configEntries'] = []): Promise<void> {
    const topic = await newTopic(label, 1, configEntries);
    await produce(topic);
    const stored = storedFormats(broker!.dataDir, topic);
    expect(stored).toContain(`v${magic} ${codec}`);
    expect(stored.filter((f) => f !== `v${magic} ${codec}` && f !== `v${magic} none`)).toEqual([]);
    await expectDumped(topic, lines.expected, lines.records, lines.records);
  }

  describe(`Apache Kafka ${spec.version} (${spec.mode === 'kraft' ? 'KRaft' : 'ZooKeeper'} mode)`, () => {
    const format = defaultFormat(spec);

    describe.each([...spec.codecs])('codec %s', (codec) => {
      it(`kcat (librdkafka) writes it, the consumer dumps it byte for byte`, async () => {
        const lines = knownLines(ROW_RECORDS, 11);
        await produceAndDump(`kcat-${codec}`, lines, (topic) => kcatProduce({ bootstrap: broker!.bootstrap, topic }, lines, codec), format, codec);
      });

      it(`the Java producer of Kafka ${spec.version} writes it, the consumer dumps it byte for byte`, async () => {
        const lines = knownLines(ROW_RECORDS, 12);
        await produceAndDump(`java-${codec}`, lines, (topic) => consoleProduce({ bootstrap: broker!.bootstrap, topic }, lines, spec.version, codec), format, codec);
      });
    });

    if (spec.transactions) {
      it('kafkajs transactions: committed records are dumped once, aborted ones not at all', async () => {
        const topic = await newTopic('txn');
        const committed = await produceTransactions(broker!.bootstrap, topic, [
          { values: transactionValues('first-committed', 300, 21), outcome: 'commit' },
          { values: transactionValues('aborted', 200, 22), outcome: 'abort', gzip: true },
          { values: transactionValues('second-committed', 250, 23), outcome: 'commit', gzip: true },
          { values: transactionValues('aborted-again', 100, 24), outcome: 'abort' },
          { values: transactionValues('last-committed', 50, 25), outcome: 'commit' },
        ]);
        // The coordinator writes each transaction's marker after EndTxn has answered: wait for the last one.
        const end = 300 + 200 + 250 + 100 + 50 + 5;
        for (let waited = 0; (await endOffset(broker!.bootstrap, topic)) < end; waited += 100) {
          if (waited > 30_000) throw new Error(`topic ${topic} has not reached offset ${end} (five transactions and their markers)`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const batches = storedBatches(broker!.dataDir, topic);
        // The aborted records are in the log, between markers: the consumer must leave them out itself.
        expect(batches.filter((b) => b.control)).toHaveLength(5);
        expect(batches.filter((b) => !b.control).every((b) => b.transactional)).toBe(true);
        await expectDumped(topic, Buffer.from(committed.map((v) => `${v}\n`).join('')), committed.length, end);
      });
    }

    // Topics set to an older message format than the broker's own (instances upgraded in place keep them).
    for (const magic of spec.messageFormats.filter((m) => m < format)) {
      describe.each(PRE_ZSTD)(`a topic in message format v${magic}, codec %s`, (codec) => {
        it('kcat writes it (the broker converts), the consumer dumps it byte for byte', async () => {
          const lines = knownLines(ROW_RECORDS, 30 + magic);
          const configEntries = [{ name: 'message.format.version', value: spec.formatVersionFor[magic]! }];
          await produceAndDump(`v${magic}-${codec}`, lines, (topic) => kcatProduce({ bootstrap: broker!.bootstrap, topic }, lines, codec), magic, codec, configEntries);
        });
      });
    }

    if (spec.messageFormats.includes(1) && format === 2) {
      it('a topic upgraded in place from message format v1 to v2: one dump reads both', async () => {
        const topic = await newTopic('upgraded', 1, [{ name: 'message.format.version', value: spec.formatVersionFor[1]! }]);
        const expected: Buffer[] = [];
        const write = async (lines: KnownLines, codec: KafkaCodec) => {
          await kcatProduce({ bootstrap: broker!.bootstrap, topic }, lines, codec);
          expected.push(lines.expected);
        };
        await write(knownLines(1000, 41), 'lz4');
        const admin = kafka().admin();
        await admin.connect();
        try {
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'message.format.version', value: spec.formatVersionFor[2]! }] }] });
        } finally {
          await admin.disconnect();
        }
        // The new format reaches the log through ZooKeeper a moment later: single records until one lands in v2.
        for (let tries = 0; storedBatches(broker!.dataDir, topic).at(-1)!.magic !== 2; tries++) {
          if (tries === 50) throw new Error(`topic ${topic} still writes message format v1 after it was set to v2`);
          if (tries > 0) await new Promise((r) => setTimeout(r, 200));
          await write(knownLines(1, 100 + tries), 'none');
        }
        await write(knownLines(1000, 42), spec.codecs.includes('zstd') ? 'zstd' : 'snappy');
        expect(new Set(storedBatches(broker!.dataDir, topic).map((b) => b.magic))).toEqual(new Set([1, 2]));
        const content = Buffer.concat(expected);
        const records = content.toString('utf8').split('\n').length - 1;
        await expectDumped(topic, content, records, records);
      });
    }

    it('the scheduler dumps every partition through the API emulator; plan and verify agree', async () => {
      const topic = await newTopic('sched', 2);
      const parts = [knownLines(800, 51), knownLines(600, 52)];
      await kcatProduce({ bootstrap: broker!.bootstrap, topic, partition: 0 }, parts[0]!, 'lz4');
      await kcatProduce({ bootstrap: broker!.bootstrap, topic, partition: 1 }, parts[1]!, 'gzip');
      const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-matrix-stack-'));
      const stack = await startLocalStack({ dir, topics: [topic], brokers: broker!.bootstrap, env: { FLUSH_OPEN_WINDOW: 'true', LOG_LEVEL: 'warn' }, workers: 1 });
      try {
        const planBefore = await cli(['plan', '--json'], stack.env);
        expect(planBefore.status).toBe(0);
        expect(JSON.parse(planBefore.out)).toMatchObject({ totalLag: 1400 });

        const tick = await runScheduler({ Type: 'Timer', TriggerName: 'matrix', Time: new Date().toISOString() }, { request_id: 'tick', function_name: 'scheduler', time_limit_in_ms: 60_000 }, { env: stack.env, logDestination: DISCARD_LOGS });
        expect(tick).toMatchObject({ partitions: 2, invoked: 2, failed: [], totalLag: 1400 });
        await stack.api.idle();
        expect(stack.api.invocations().filter((r) => r.status !== 'succeeded')).toEqual([]);

        const store = new CosObjectStore({ secretId: stack.env.TENCENTCLOUD_SECRETID!, secretKey: stack.env.TENCENTCLOUD_SECRETKEY!, endpoint: stack.cos.endpoint }, { bucket: stack.bucket, region: stack.env.COS_REGION! });
        for (const p of [0, 1]) expectSameBytes((await readBack(store, '', p)).content, parts[p]!.expected);

        const planAfter = await cli(['plan', '--json'], stack.env);
        expect(JSON.parse(planAfter.out)).toMatchObject({ totalLag: 0 });
        const verify = await cli(['verify', '--deep'], stack.env);
        expect(verify.out).toContain('verify: ok');
        expect(verify.status).toBe(0);
      } finally {
        await stack.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

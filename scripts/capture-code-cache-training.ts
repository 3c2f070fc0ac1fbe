// Records the Kafka conversation the build trains the consumer's code cache with
// (scripts/code-cache/training.json, see src/local/code-cache.ts): a real broker holds a partition of
// log-like records in every codec, a committed and an aborted transaction among them; the built consumer
// bundle dumps it once on SCF's Node.js through a recording proxy; the answers, what the invocation was
// asked and what it stored are written down. Run it again when the consumer's requests to Kafka change
// (the build then reports that its training run found no recorded answer):
//   npm run build && node scripts/run-ts.mjs scripts/capture-code-cache-training.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { recordTrainedCache, trainingRun, type TrainingSpec } from '../src/local/code-cache';
import { LOCAL_INSTANCE_ID } from '../src/local/defaults';
import { formatConversation, readConversation } from '../src/local/kafka/conversation';
import { KafkaBroker } from '../src/local/kafka/broker';
import { logLine, writeLinesFile } from '../src/local/kafka/datasets';
import { kcatProduce } from '../src/local/kafka/producers';
import { startRecordingProxy } from '../src/local/kafka/recording-proxy';
import { createTopicAndWait } from '../src/local/kafka/topics';
import type { KafkaCodec } from '../src/local/kafka/versions';
import { ensureScfNode } from '../src/local/scf-node';

// Run from the repository's root (run-ts.mjs bundles this file elsewhere).
const OUT = resolve('scripts', 'code-cache', 'training.json');
const BUNDLE = resolve('dist', 'functions', 'consumer');
const TOPIC = 'code-cache-training';
const CODECS: KafkaCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const RECORDS_PER_CODEC = 40;

async function main(): Promise<void> {
  const node = ensureScfNode((line) => console.error(line));
  if (!node) throw new Error("SCF's Node.js release is needed: the training runs on it");
  const work = mkdtempSync(join(tmpdir(), 'ckafka-cos-capture-training-'));
  const broker = await KafkaBroker.start({ dir: join(work, 'kafka'), log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const kafka = new Kafka({ clientId: 'capture-training', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicAndWait(admin, TOPIC, 1);
    await admin.disconnect();
    for (const [i, codec] of CODECS.entries()) {
      const file = join(work, `${codec}.txt`);
      const lines = writeLinesFile(file, logLine, { count: RECORDS_PER_CODEC }, 100 + i);
      await kcatProduce({ bootstrap: broker.bootstrap, topic: TOPIC }, { file, records: lines.records }, codec);
    }
    // A committed and an aborted transaction: control batches and the aborted list a Fetch answers with.
    const producer = kafka.producer({ transactionalId: 'capture-training', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    for (const outcome of ['commit', 'abort'] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, i) => ({ value: `{"transaction":"${outcome}","n":${i}}` })) });
      await transaction[outcome]();
    }
    await producer.disconnect();

    const [host, port] = broker.bootstrap.split(':');
    const proxy = await startRecordingProxy({ host: host!, port: Number(port) });
    const spec: TrainingSpec = {
      event: { topic: TOPIC, partition: 0 },
      env: { KAFKA_GROUP_ID: 'code-cache-training', CKAFKA_INSTANCE_ID: LOCAL_INSTANCE_ID, CKAFKA_TOPIC_ID: 'topic-training', FLUSH_OPEN_WINDOW: 'true', LOG_LEVEL: 'info' },
    };
    try {
      const run = await trainingRun(BUNDLE, node, proxy.bootstrap, spec);
      writeFileSync(OUT, formatConversation({ advertised: proxy.address, ...spec, expect: run, exchanges: proxy.exchanges() }));
      console.log(`${OUT}: ${proxy.exchanges().length} answers; the invocation dumped ${run.records} records`);
    } finally {
      await proxy.close();
    }
  } finally {
    await broker.stop();
    rmSync(work, { recursive: true, force: true });
  }
  // The recording must train a bundle without the broker.
  const replayed = await recordTrainedCache(BUNDLE, node, readConversation(OUT));
  if (!replayed.trained) throw new Error(`the replay of ${OUT} does not train: ${replayed.reason}`);
  console.log(`replayed: ${replayed.records} records, a cache of ${replayed.cacheBytes} bytes`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Known content for the producers of src/local/kafka/producers.ts, what the broker stored (read from its
// log segments, an oracle independent of the product's reader), and kafkajs transactions.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel } from '../../src/kafka/kafkajs';
import { generateLines, variedLine, writeLinesFile, type LineGenerator } from '../../src/local/kafka/datasets';
import type { LinesFile } from '../../src/local/kafka/producers';
import type { KafkaCodec } from '../../src/local/kafka/versions';

export interface KnownLines extends LinesFile {
  /** What a `lines` dump of exactly these records holds: each line and '\n'. */
  expected: Buffer;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file of `count` seeded lines (the matrix's varied content by default), removed after the test file. */
export function knownLines(count: number, seed: number, generator: LineGenerator = variedLine): KnownLines {
  const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-lines-'));
  scratch.push(dir);
  const file = join(dir, 'lines.txt');
  const { records } = writeLinesFile(file, generator, { count }, seed);
  return { file, records, expected: readFileSync(file) };
}

const CODECS: readonly KafkaCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface StoredBatch {
  /** v2: the batch's base offset; v0/v1: the (wrapper) message's offset. */
  offset: number;
  magic: number;
  codec: KafkaCodec;
  transactional: boolean;
  control: boolean;
}

/**
 * The batches (v2) or top-level messages (v0/v1) of a partition as the broker wrote them to its segment
 * files: format and codec from their headers, nothing decoded.
 */
export function storedBatches(dataDir: string, topic: string, partition = 0): StoredBatch[] {
  const folder = join(dataDir, `${topic}-${partition}`);
  const batches: StoredBatch[] = [];
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.log')).sort()) {
    const log = readFileSync(join(folder, name));
    for (let pos = 0; pos + 17 <= log.length; ) {
      const size = log.readInt32BE(pos + 8);
      if (size <= 0) break;
      const magic = log[pos + 16]!;
      // v0/v1: offset, size, crc, magic, attributes (1 byte). v2: ..., magic, crc, attributes (2 bytes).
      const attributes = magic < 2 ? log[pos + 17]! : log.readInt16BE(pos + 21);
      batches.push({ offset: Number(log.readBigInt64BE(pos)), magic, codec: CODECS[attributes & 0x07]!, transactional: magic >= 2 && (attributes & 0x10) !== 0, control: magic >= 2 && (attributes & 0x20) !== 0 });
      pos += 12 + size;
    }
  }
  return batches;
}

/** The distinct (format, codec) pairs of a partition's data batches, to assert a producer really wrote what a row names. */
export function storedFormats(dataDir: string, topic: string, partition = 0): string[] {
  return [...new Set(storedBatches(dataDir, topic, partition).filter((b) => !b.control).map((b) => `v${b.magic} ${b.codec}`))];
}

export interface Transaction {
  values: string[];
  outcome: 'commit' | 'abort';
  gzip?: boolean;
}

/** Runs `transactions` in order with one transactional kafkajs producer; returns the committed values in order. */
export async function produceTransactions(bootstrap: string, topic: string, transactions: Transaction[]): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'matrix-transactions', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: `txn-${topic}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const committed: string[] = [];
  try {
    for (const { values, outcome, gzip } of transactions) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, acks: -1, compression: gzip ? CompressionTypes.GZIP : CompressionTypes.None, messages: values.map((value) => ({ value, partition: 0 })) });
      if (outcome === 'commit') {
        await transaction.commit();
        committed.push(...values);
      } else await transaction.abort();
    }
  } finally {
    await producer.disconnect();
  }
  return committed;
}

/** Values for a transaction: seeded varied lines, numbered so that a misplaced one is easy to spot. */
export function transactionValues(label: string, count: number, seed: number): string[] {
  return generateLines(variedLine, count, seed).map((line) => `${label} ${line}`);
}

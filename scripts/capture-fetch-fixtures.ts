// Captures Fetch requests and responses of every version this consumer speaks from real brokers, as
// fixtures for test/kafka/protocol/fetch.test.ts: v0-v3 from Kafka 0.10.2.2 (message format v1), v4-v7
// from 1.1.1 and v8-v11 from 2.4.1 (record batches v2, with headers). Each version's folder holds the
// request body we encode, the response payload the broker sent, and what was produced.
//   node scripts/run-ts.mjs scripts/capture-fetch-fixtures.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from '../src/kafka/kafkajs';
import { Encoder } from '../src/kafka/encoder';
import { encodeFetchRequest, FETCH_API_KEY } from '../src/kafka/fetch-request';
import { KafkaBroker } from '../src/local/kafka/broker';
import { createTopicAndWait } from '../src/local/kafka/topics';

// Run from the repository's root (run-ts.mjs bundles this file elsewhere).
const OUT = resolve('test', 'kafka', 'protocol', 'fetch');
const TOPIC = 'fixture';
const CLIENT_ID = 'fixture-capture';
const RECORDS = [
  { key: 'k0', value: 'first value', timestamp: '1700000000000', headers: { trace: 'abc' } },
  { key: null, value: 'second value', timestamp: '1700000000001' },
  { key: 'k2', value: null, timestamp: '1700000000002' },
];

/** Sends one framed request and returns the response payload after its correlation id. */
function roundTrip(bootstrap: string, frame: Buffer): Promise<Buffer> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => socket.write(frame));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.destroy();
        resolve(data.subarray(8, 4 + data.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
  });
}

async function capture(version: string, fetchVersions: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `fixture-kafka-${version}-`));
  const broker = await KafkaBroker.start({ dir, version, heapMb: 512, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const kafka = new Kafka({ clientId: CLIENT_ID, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicAndWait(admin, TOPIC, 1);
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: RECORDS, acks: -1 });
    await producer.disconnect();
    for (const fetchVersion of fetchVersions) {
      const args = { topic: TOPIC, partition: 0, offset: 0, maxBytes: 1024 * 1024, maxWaitMs: 100, isolationLevel: 1 as const };
      const body = encodeFetchRequest(fetchVersion, args);
      const response = await roundTrip(broker.bootstrap, body.frame(FETCH_API_KEY, fetchVersion, 1, CLIENT_ID));
      const folder = join(OUT, `v${fetchVersion}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'request.bin'), bodyBytes(body));
      writeFileSync(join(folder, 'response.bin'), response);
      writeFileSync(join(folder, 'meta.json'), `${JSON.stringify({ broker: version, fetchVersion, args, produced: RECORDS }, null, 2)}\n`);
      console.log(`Fetch v${fetchVersion} from Kafka ${version}: ${response.length} bytes`);
    }
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The request body alone (the frame minus its size and header). */
function bodyBytes(body: Encoder): Buffer {
  const framed = body.frame(FETCH_API_KEY, 0, 0, '');
  return framed.subarray(4 + 2 + 2 + 4 + 2);
}

async function main(): Promise<void> {
  await capture('0.10.2.2', [0, 1, 2, 3]);
  await capture('1.1.1', [4, 5, 6, 7]);
  await capture('2.4.1', [8, 9, 10, 11]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

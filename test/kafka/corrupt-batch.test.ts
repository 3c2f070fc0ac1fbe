// A record batch damaged on the broker's disk (one byte flipped in its log segment, which the broker
// serves as is): the consumer fails naming topic, partition and offset, and nothing reaches COS.
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaClient } from '../../src/kafka/client';
import { startTestCos, type TestCos } from '../support/cos';
import { consumerEnv, dumpPartition, readBack } from '../support/dump';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';

let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());

/** Flips one byte inside the records of the batch that starts at `offset` in the partition's first segment. */
function damageBatch(topic: string, partition: number, offset: number): void {
  const dir = process.env.TEST_KAFKA_DIR;
  if (!dir) throw new Error('TEST_KAFKA_DIR is not set: run the tests through jest');
  const segment = join(dir, 'data', `${topic}-${partition}`, '00000000000000000000.log');
  const log = readFileSync(segment);
  for (let pos = 0; pos + 12 <= log.length; pos += 12 + log.readInt32BE(pos + 8)) {
    if (Number(log.readBigInt64BE(pos)) !== offset) continue;
    const at = pos + 12 + log.readInt32BE(pos + 8) - 3; // inside the last record's value
    const fd = openSync(segment, 'r+');
    try {
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, at);
      byte[0] = byte[0]! ^ 0x04;
      writeSync(fd, byte, 0, 1, at);
    } finally {
      closeSync(fd);
    }
    return;
  }
  throw new Error(`no batch at offset ${offset} in ${segment}`);
}

it('a batch whose CRC-32C fails stops the dump before anything is written or committed', async () => {
  const topic = uniqueTopic('corrupt');
  await createTopic(topic, 1);
  const values = Array.from({ length: 30 }, (_, i) => `record ${i}`);
  // Three batches: 0-9, 10-19, 20-29.
  await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })), { batchSize: 10 });
  damageBatch(topic, 0, 10);
  const env = consumerEnv(cos, topic);

  await expect(dumpPartition(env, 0)).rejects.toThrow(new RegExp(`the record batch at offset 10 of ${topic}/0 is corrupt \\(CRC-32C [0-9a-f]+ where the batch says [0-9a-f]+\\)`));

  const stored = await readBack(cos, `${topic}/`, 0);
  expect(stored.keys).toEqual([]);
  expect(stored.manifests).toEqual([]);
  const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
  try {
    expect((await client.committedOffset(env.KAFKA_GROUP_ID!, topic, 0))?.offset ?? 0).toBe(0);
  } finally {
    await client.close();
  }
});

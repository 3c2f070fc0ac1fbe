// The product's own Kafka read path (kafkajs connections + our Fetch decoding) against the real broker.
import { CompressionTypes } from '../../src/kafka/kafkajs';
import { EARLIEST, KafkaClient, LATEST } from '../../src/kafka/client';
import { OutputBuffer } from '../../src/kafka/codecs';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { decodeRecordSet } from '../../src/kafka/record-set';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';

async function readAll(client: KafkaClient, topic: string, partition: number, from: number, to: number, maxBytes = 1 << 20): Promise<KafkaRecord[]> {
  const out: KafkaRecord[] = [];
  let offset = from;
  while (offset < to) {
    const fetched = await client.fetch(topic, partition, offset, maxBytes, 100);
    expect(fetched.errorCode).toBe(0);
    const { batches } = decodeRecordSet({ topic, partition, out: new OutputBuffer(1 << 24) }, fetched.records ?? Buffer.alloc(0));
    for (const batch of batches) {
      // Records are decoded into one reused object from a reused buffer: keep copies.
      for (const r of batch.records) {
        if (r.offset >= offset) out.push({ ...r, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value), headers: r.headers.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) })) });
      }
      offset = Math.max(offset, batch.lastOffset + 1);
    }
    fetched.release();
  }
  return out;
}

describe('KafkaClient', () => {
  let client: KafkaClient;
  beforeAll(async () => {
    client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
  });
  afterAll(async () => client.close());

  it('fetches keys, values, nulls, headers and timestamps exactly as produced, for every codec kafkajs writes', async () => {
    const topic = uniqueTopic('fetch');
    await createTopic(topic, 1);
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0xc3]);
    const records = [
      { key: 'k1', value: 'hello', timestamp: '1700000000123', headers: { h: 'v', bin: binary } },
      { key: null, value: null, timestamp: '1700000000124' },
      { key: binary, value: binary, timestamp: '1700000000125' },
      { value: '', timestamp: '1700000000126' },
    ];
    await produce(topic, records);
    await produce(topic, records, { compression: CompressionTypes.GZIP });

    const got = await readAll(client, topic, 0, 0, 8);
    expect(got.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [i, r] of got.entries()) {
      const want = records[i % 4]!;
      expect(r.timestamp).toBe(Number(want.timestamp));
      expect(r.value === null ? null : Buffer.from(r.value)).toEqual(want.value === null ? null : Buffer.from(want.value));
      expect(r.key === null ? null : Buffer.from(r.key)).toEqual(want.key == null ? null : Buffer.from(want.key));
    }
    expect(got[0]!.headers).toEqual([
      { key: 'h', value: Buffer.from('v') },
      { key: 'bin', value: binary },
    ]);
  });

  it('resolves earliest, latest and timestamp positions and round-trips committed offsets with metadata', async () => {
    const topic = uniqueTopic('offsets');
    await createTopic(topic, 2);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ partition: 1, value: `v${i}`, timestamp: String(1700000000000 + i * 1000) })),
    );
    expect(await client.listOffset(topic, 1, EARLIEST)).toBe(0);
    expect(await client.listOffset(topic, 1, LATEST)).toBe(10);
    expect(await client.listOffset(topic, 1, 1700000004500)).toBe(5);
    expect(await client.listOffset(topic, 1, 1800000000000)).toBe(10);
    expect(await client.listOffset(topic, 0, LATEST)).toBe(0);

    const group = uniqueTopic('group');
    expect(await client.committedOffset(group, topic, 1)).toBeUndefined();
    await client.commitOffset(group, topic, 1, 7, '{"v":1}');
    expect(await client.committedOffset(group, topic, 1)).toEqual({ offset: 7, metadata: '{"v":1}' });
    expect(await client.committedOffset(group, topic, 0)).toBeUndefined();
  });

  it('lists partitions and names a missing topic or partition', async () => {
    const topic = uniqueTopic('meta');
    await createTopic(topic, 3);
    expect((await client.partitions([topic])).get(topic)).toEqual([0, 1, 2]);
    await expect(client.partitions([uniqueTopic('missing')])).rejects.toThrow(/does not exist/);
    await expect(client.listOffset(topic, 7, LATEST)).rejects.toThrow(/partition 7 does not exist in topic .* \(it has 3 partitions\)/);
  });

  it('reports offset out of range as a partition error code, not an exception', async () => {
    const topic = uniqueTopic('oor');
    await createTopic(topic, 1);
    await produce(topic, [{ value: 'a' }]);
    const fetched = await client.fetch(topic, 0, 50, 1 << 20, 10);
    expect(fetched.errorCode).toBe(1);
  });
});

// The consumer end to end: real Kafka broker, real COS SDK against the local COS server. What reaches
// COS is compared byte for byte with what was produced.
import { randomBytes } from 'node:crypto';
import { KafkaClient } from '../../src/kafka/client';
import { CompressionTypes } from '../../src/kafka/kafkajs';
import { bigBuffersAllocated } from '../../src/util/big-buffers';
import { expectSameBytes } from '../support/bytes';
import { startTestCos, type TestCos } from '../support/cos';
import { asLines, consumerEnv, dumpPartition, INSTANCE_ID, readBack, TOPIC_ID } from '../support/dump';
import { createTopic, produce, testBrokers, uniqueTopic, withAdmin } from '../support/kafka';

const MiB = 1024 * 1024;
let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());
afterEach(() => cos.server.faults.clear());

async function committed(group: string, topic: string, partition: number): Promise<number | undefined> {
  const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
  try {
    return (await client.committedOffset(group, topic, partition))?.offset;
  } finally {
    await client.close();
  }
}

describe('consumer', () => {
  it('puts every record of a partition into COS, byte for byte and in offset order, under the documented keys', async () => {
    const topic = uniqueTopic('e2e-basic');
    await createTopic(topic, 2);
    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    const values = Array.from({ length: 500 }, (_, i) => `record ${i} ${'x'.repeat(i % 50)}`);
    await produce(topic, values.map((value, i) => ({ value, partition: 1, timestamp: String(t0 + i * 100) })));
    const env = consumerEnv(cos, topic);
    // The broker's first group request creates its offsets topic (the coordinator answers "not available"
    // meanwhile, retried): done here so that the dump below sees a broker in its steady state.
    await committed('warm-up', topic, 1);

    const logs: string[] = [];
    const result = await dumpPartition(env, 1, { logs });

    expect(result).toMatchObject({ status: 'dumped', records: 500, fromOffset: 0, toOffset: 500, lag: 0 });
    // A normal dump says nothing at warn level or above (a warning on every invocation would hide real ones).
    expect(logs.filter((line) => /"level":"(warn|error|fatal)"/.test(line))).toEqual([]);
    const stored = await readBack(cos, `${topic}/`, 1);
    expectSameBytes(stored.content, asLines(values));
    expect(stored.keys).toEqual([`${topic}/${INSTANCE_ID}/${TOPIC_ID}/2026-01-01/${t0}_1_00000000000000000000.txt`]);
    expect(stored.manifests.map((m) => [m.startOffset, m.nextOffset, m.records, m.key])).toEqual([[0, 500, 500, stored.keys[0]]]);
    expect(await committed(env.KAFKA_GROUP_ID!, topic, 1)).toBe(500);
    const head = await cos.store.headObject(stored.keys[0]!);
    expect(head?.metadata).toMatchObject({ partition: '1', 'start-offset': '0', topic });
    // Partition 0 had nothing: dumping it writes nothing.
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'dumped', records: 0, objects: 0 });
  });

  it("as a reused SCF instance's next invocation, takes back the last one's part, fetch and decompression buffers and stores its own data intact", async () => {
    // Two topics of gzip batches, dumped one after the other in this process; parts of 1 MiB so that each
    // dump seals several. The second must allocate no new large buffer, and the bytes its reused buffers
    // held before must not leak into its objects.
    const dumpTopic = async (name: string) => {
      const topic = uniqueTopic(name);
      await createTopic(topic, 1);
      const values = Array.from({ length: 3000 }, (_, i) => `${name} ${i} ${randomBytes(300 + (i % 7) * 50).toString('hex')}`);
      await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })), { batchSize: 500, compression: CompressionTypes.GZIP });
      const result = await dumpPartition(consumerEnv(cos, topic, { PART_SIZE_BYTES: String(MiB), FETCH_MAX_BYTES: String(MiB) }), 0);
      expect(result).toMatchObject({ status: 'dumped', records: 3000 });
      expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
    };
    await dumpTopic('e2e-reused-a');
    const afterFirst = bigBuffersAllocated();
    expect(afterFirst.part).toBeGreaterThan(0);
    expect(afterFirst.decompression).toBeGreaterThan(0);

    await dumpTopic('e2e-reused-b');

    expect(bigBuffersAllocated()).toEqual(afterFirst);
  });

  it('splits at MAX_OBJECT_BYTES into several multipart objects and loses nothing at the splits', async () => {
    const topic = uniqueTopic('e2e-split');
    await createTopic(topic, 1);
    const values = Array.from({ length: 5000 }, (_, i) => `${i}:${randomBytes(500).toString('hex')}`);
    await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(2 * MiB), PART_SIZE_BYTES: String(MiB) });
    const before = cos.server.stats();

    const result = await dumpPartition(env, 0);

    const stored = await readBack(cos, `${topic}/`, 0);
    expectSameBytes(stored.content, asLines(values));
    expect(result).toMatchObject({ records: 5000, toOffset: 5000 });
    expect(stored.keys.length).toBeGreaterThanOrEqual(3);
    for (const key of stored.keys) expect((await cos.store.headObject(key))!.size).toBeLessThanOrEqual(2 * MiB);
    const after = cos.server.stats();
    const sizes = await Promise.all(stored.keys.map(async (key) => (await cos.store.headObject(key))!.size));
    const multipart = sizes.filter((size) => size >= MiB);
    expect(multipart.length).toBeGreaterThanOrEqual(2);
    expect((after.UploadPart ?? 0) - (before.UploadPart ?? 0)).toBe(multipart.reduce((n, size) => n + Math.ceil(size / MiB), 0));
    expect((after.CompleteMultipartUpload ?? 0) - (before.CompleteMultipartUpload ?? 0)).toBe(multipart.length);
    const chain = stored.manifests.map((m) => [m.startOffset, m.nextOffset]);
    for (let i = 1; i < chain.length; i++) expect(chain[i]![0]).toBe(chain[i - 1]![1]);
    expect(chain[chain.length - 1]![1]).toBe(5000);
  });

  it('skips tombstones, keeps invalid UTF-8 byte for byte and writes a 10 MiB record whole', async () => {
    const topic = uniqueTopic('e2e-odd');
    await createTopic(topic, 1, [{ name: 'max.message.bytes', value: String(12 * MiB) }]);
    const invalid = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x80]);
    const big = Buffer.alloc(10 * MiB, 0x61);
    const records = [{ value: 'first' }, { value: null }, { value: invalid }, { value: big }, { value: null }, { value: 'last' }];
    await produce(topic, records.map((r) => ({ ...r, timestamp: String(Date.UTC(2026, 0, 1)) })), { batchSize: 1 });
    const env = consumerEnv(cos, topic, { PART_SIZE_BYTES: String(MiB) });

    const result = await dumpPartition(env, 0);

    expect(result).toMatchObject({ records: 4, toOffset: 6 });
    const stored = await readBack(cos, `${topic}/`, 0);
    expectSameBytes(stored.content, asLines(records.map((r) => r.value)));
    expect(stored.manifests[0]).toMatchObject({ records: 4, tombstones: 2, invalidUtf8: 1, startOffset: 0, nextOffset: 6 });
  });

  it('fails when retention deleted records it never dumped, naming the range, and writes and commits nothing', async () => {
    const topic = uniqueTopic('e2e-retention');
    await createTopic(topic, 1);
    await produce(topic, Array.from({ length: 20 }, (_, i) => ({ value: `v${i}`, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const env = consumerEnv(cos, topic);
    const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
    await client.commitOffset(env.KAFKA_GROUP_ID!, topic, 0, 5, '');
    await client.close();
    await withAdmin(async (admin) => {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '12' }] });
    });

    await expect(dumpPartition(env, 0)).rejects.toThrow(/offsets 5\.\.11 \(7 records\) were deleted by retention/);
    expect((await readBack(cos, `${topic}/`, 0)).keys).toEqual([]);
    expect(await committed(env.KAFKA_GROUP_ID!, topic, 0)).toBe(5);

    const reset = await dumpPartition({ ...env, ON_OFFSET_OUT_OF_RANGE: 'earliest' }, 0);
    expect(reset).toMatchObject({ records: 8, toOffset: 20 });
    const stored = await readBack(cos, `${topic}/`, 0);
    expectSameBytes(stored.content, asLines(Array.from({ length: 8 }, (_, i) => `v${i + 12}`)));
    expect(stored.manifests[0]).toMatchObject({ startOffset: 5, nextOffset: 12, lostOffsets: 7, key: null });
  });

  it('stops reading when its time budget runs out and leaves the rest for the next invocation', async () => {
    const topic = uniqueTopic('e2e-budget');
    await createTopic(topic, 1);
    const values = Array.from({ length: 2000 }, (_, i) => `${i}-${'y'.repeat(200)}`);
    await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(40 * 1024) });
    // Every data object takes a second to store: the 8 s budget (4 s of reading, 4 s kept to finish the
    // object open at the deadline) cannot cover ten of them. Without the deadline it would take over 10 s.
    cos.server.faults.add({ op: 'PutObject', target: `${topic}/${INSTANCE_ID}/`, times: Infinity, fault: { kind: 'latency', ms: 1000 } });

    const started = Date.now();
    const first = await dumpPartition(env, 0, { timeLimitMs: 8000 });
    const elapsed = Date.now() - started;

    expect(first).toMatchObject({ status: 'dumped', stopReason: 'deadline' });
    if (first.status !== 'dumped') throw new Error('unreachable');
    expect(first.toOffset).toBeGreaterThan(0);
    expect(first.toOffset).toBeLessThan(2000);
    expect(elapsed).toBeLessThan(8000);
    expect(await committed(env.KAFKA_GROUP_ID!, topic, 0)).toBe(first.toOffset);

    cos.server.faults.clear();
    const second = await dumpPartition(env, 0);
    expect(second).toMatchObject({ fromOffset: first.toOffset, toOffset: 2000 });
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
  });

  it('writes jsonl with gzip when configured', async () => {
    const topic = uniqueTopic('e2e-jsonl');
    await createTopic(topic, 1);
    await produce(topic, [
      { key: 'k1', value: 'v1', timestamp: String(Date.UTC(2026, 0, 1)), headers: { trace: 'abc' } },
      { key: null, value: Buffer.from([0xff, 0x00]), timestamp: String(Date.UTC(2026, 0, 1, 0, 0, 1)) },
    ]);
    const env = consumerEnv(cos, topic, { FORMAT: 'jsonl', COMPRESSION: 'gzip', PART_SIZE_BYTES: String(16 * 1024 * 1024) });
    const logs: string[] = [];
    await dumpPartition(env, 0, { logs });
    // The test context gives the function 128 MB: enough for gzip with the default parts, too little with
    // 16 MiB ones (three of them at the peak), and the log says so.
    const warning = logs.map((line) => JSON.parse(line)).find((line) => line.estimatedPeakMiB !== undefined);
    expect(warning).toMatchObject({ level: 'warn', memoryLimitMb: 128, estimatedPeakMiB: 147, format: 'jsonl', compression: 'gzip' });
    const stored = await readBack(cos, `${topic}/`, 0);
    expect(stored.keys[0]).toMatch(/\.jsonl\.gz$/);
    expect(stored.content.toString().trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { partition: 0, offset: 0, timestamp: Date.UTC(2026, 0, 1), key: 'k1', headers: [{ key: 'trace', value: 'abc' }], value: 'v1' },
      { partition: 0, offset: 1, timestamp: Date.UTC(2026, 0, 1, 0, 0, 1), key: null, headers: [], value: '/wA=', valueEncoding: 'base64' },
    ]);
  });

  it('writes zstd objects that the zstd tool reads back exactly, within a 128 MB function', async () => {
    const topic = uniqueTopic('e2e-zstd');
    await createTopic(topic, 1);
    const values = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, level: i % 7 ? 'info' : 'warn', msg: `request ${i} handled`, pad: 'x'.repeat(i % 300) }));
    await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
    const logs: string[] = [];
    const result = await dumpPartition(consumerEnv(cos, topic, { COMPRESSION: 'zstd', MAX_OBJECT_BYTES: String(96 * 1024) }), 0, { logs });
    expect(result).toMatchObject({ status: 'dumped', records: 3000 });
    // zstd's default configuration fits the 128 MB the test context gives: no warning.
    expect(logs.filter((line) => line.includes('estimatedPeakMiB'))).toEqual([]);
    const stored = await readBack(cos, `${topic}/`, 0);
    expect(stored.keys.length).toBeGreaterThan(1);
    expect(stored.keys.every((key) => key.endsWith('.txt.zst'))).toBe(true);
    expectSameBytes(stored.content, asLines(values));
    for (const m of stored.manifests) expect(m.bytes).toBeLessThanOrEqual(96 * 1024);
  });
});

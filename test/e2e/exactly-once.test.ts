// Exactly once in COS (DESIGN.md 2.1): a consumer killed between upload and commit, two consumers of one
// partition at once, and SCF's retry of a finished event all leave each record in COS exactly once.
import { BOOKKEEPING_SEGMENT, dataObjectKey } from '../../src/dump/keys';
import { expectSameBytes } from '../support/bytes';
import { useTestCos } from '../support/cos';
import { asLines, consumerEnv, dumpPartition, dumpWhenFree, INSTANCE_ID, readBack, spawnConsumer, TOPIC_ID } from '../support/dump';
import { createTopic, produce, uniqueTopic } from '../support/kafka';
import { layoutOf } from '../support/reliability';
import { KafkaClient } from '../../src/kafka/client';
import { testBrokers } from '../support/kafka';

const cos = useTestCos();

async function committed(group: string, topic: string): Promise<number | undefined> {
  const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
  try {
    return (await client.committedOffset(group, topic, 0))?.offset;
  } finally {
    await client.close();
  }
}

async function topicWith(label: string, count: number): Promise<{ topic: string; values: string[] }> {
  const topic = uniqueTopic(label);
  await createTopic(topic, 1);
  const values = Array.from({ length: count }, (_, i) => `${label} ${i} ${'z'.repeat(300)}`);
  await produce(topic, values.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })));
  return { topic, values };
}

describe('exactly once', () => {
  it('leaves no duplicate after a consumer is SIGKILLed between storing an object and committing it', async () => {
    const { topic, values } = await topicWith('kill-commit', 3000);
    const env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(300 * 1024), LEASE_TTL_SECONDS: '5' });
    const dataPrefix = `${topic}/ckafka-`;
    const leasePrefix = `${topic}/${BOOKKEEPING_SEGMENT}/leases/`;
    const consumer = spawnConsumer(env, 0);
    let armed = false;
    cos.server.events.on('stored', (key) => {
      if (armed || !key.startsWith(dataPrefix)) return;
      armed = true;
      // The consumer's next step is its lease check before the commit: hold it there, then kill it.
      cos.server.faults.add({ op: 'ListObjects', target: leasePrefix, times: Infinity, fault: { kind: 'hang' } });
    });
    cos.server.events.on('request', (op, target) => {
      if (armed && op === 'ListObjects' && target.startsWith(leasePrefix)) consumer.child.kill('SIGKILL');
    });
    const exit = await consumer.exited;
    expect([exit.signal, exit.stderr.slice(-600)]).toEqual(["SIGKILL", ""]);
    cos.server.faults.clear();

    const afterCrash = await readBack(cos, `${topic}/`, 0);
    expect(afterCrash.keys).toHaveLength(1);
    expect(await committed(env.KAFKA_GROUP_ID!, topic)).toBe(0);

    // The crashed consumer's lease blocks the partition until it expires; then the next one adopts the object.
    expect(await dumpPartition(env, 0)).toMatchObject({ status: 'held' });
    const retry = await dumpWhenFree(env, 0);
    expect(retry).toMatchObject({ status: 'dumped', toOffset: 3000 });

    const stored = await readBack(cos, `${topic}/`, 0);
    expectSameBytes(stored.content, asLines(values));
    expect(stored.keys[0]).toBe(afterCrash.keys[0]);
    expect(await committed(env.KAFKA_GROUP_ID!, topic)).toBe(3000);
  }, 60_000);

  it('aborts the multipart upload a killed consumer left behind', async () => {
    const { topic, values } = await topicWith('kill-upload', 8000);
    const env = consumerEnv(cos, topic, { PART_SIZE_BYTES: String(1024 * 1024), LEASE_TTL_SECONDS: '5' });
    const consumer = spawnConsumer(env, 0);
    cos.server.events.on('request', (op) => {
      if (op === 'UploadPart') consumer.child.kill('SIGKILL');
    });
    await consumer.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect((await cos.listMultipartUploads(`${topic}/`)).length).toBe(1);

    expect(await dumpWhenFree(env, 0)).toMatchObject({ status: 'dumped', toOffset: 8000 });
    expect(await cos.listMultipartUploads(`${topic}/`)).toEqual([]);
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
  }, 60_000);

  it('aborts the upload of a consumer killed before it recorded the upload id, and no other partition\'s', async () => {
    const { topic, values } = await topicWith('kill-initiate', 8000);
    const env = consumerEnv(cos, topic, { PART_SIZE_BYTES: String(1024 * 1024), LEASE_TTL_SECONDS: '5', LOG_LEVEL: 'info' });
    // Another partition's upload in progress: its holder is alive as far as this one knows.
    const otherKey = dataObjectKey(layoutOf(topic), Date.UTC(2026, 0, 1), 1, 0, '.txt');
    const otherUpload = await cos.store.initMultipart(otherKey);
    const consumer = spawnConsumer(env, 0);
    // Killed as its Initiate request arrives: COS creates the upload, the consumer never learns its id.
    cos.server.events.on('request', (op) => {
      if (op === 'InitiateMultipartUpload') consumer.child.kill('SIGKILL');
    });
    await consumer.exited;
    await new Promise((r) => setTimeout(r, 300));
    const left = await cos.listMultipartUploads(`${topic}/`);
    expect(left.map((u) => u.key.replace(`${topic}/`, '')).sort()).toEqual([
      `${INSTANCE_ID}/${TOPIC_ID}/2026-01-01/${Date.UTC(2026, 0, 1)}_0_00000000000000000000.txt`,
      `${INSTANCE_ID}/${TOPIC_ID}/2026-01-01/${Date.UTC(2026, 0, 1)}_1_00000000000000000000.txt`,
    ]);
    cos.server.events.removeAllListeners();

    const logs: string[] = [];
    expect(await dumpWhenFree(env, 0, { logs })).toMatchObject({ status: 'dumped', toOffset: 8000 });
    expect(await cos.listMultipartUploads(`${topic}/`)).toEqual([{ key: otherKey, uploadId: otherUpload }]);
    expect(logs.filter((line) => line.includes('no lease recorded'))).toHaveLength(1);
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
  }, 60_000);

  it('lets only one of two simultaneous invocations of a partition work; the other reports the holder', async () => {
    const { topic, values } = await topicWith('twins', 2000);
    const env = consumerEnv(cos, topic, { MAX_OBJECT_BYTES: String(100 * 1024) });
    const results = await Promise.all([dumpPartition(env, 0), dumpPartition(env, 0)]);
    expect(results.map((r) => r.status).sort()).toEqual(['dumped', 'held']);
    const held = results.find((r) => r.status === 'held')!;
    expect(held).toMatchObject({ holder: { functionName: 'dump-consumer' } });
    expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
  });

  it('writes nothing twice when SCF delivers the same event again', async () => {
    const { topic, values } = await topicWith('redelivery', 500);
    const env = consumerEnv(cos, topic);
    await dumpPartition(env, 0);
    const first = await readBack(cos, `${topic}/`, 0);
    const again = await dumpPartition(env, 0);
    expect(again).toMatchObject({ status: 'dumped', records: 0, objects: 0, toOffset: 500 });
    const second = await readBack(cos, `${topic}/`, 0);
    expect(second.keys).toEqual(first.keys);
    expectSameBytes(second.content, asLines(values));
  });
});

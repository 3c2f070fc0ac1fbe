// The recording proxy and the replay broker (what the build trains the consumer's code cache with) against
// the real broker: a kafkajs client through the proxy, then a new client against the replay of what the
// proxy recorded, must see the same answers, with the broker's address moved to the replay's.
import { Kafka, logLevel } from '../../src/kafka/kafkajs';
import { parseConversation, formatConversation } from '../../src/local/kafka/conversation';
import { startRecordingProxy } from '../../src/local/kafka/recording-proxy';
import { startReplayBroker } from '../../src/local/kafka/replay-broker';
import { createTopic, produce, testBrokers, uniqueTopic } from '../support/kafka';

const client = (bootstrap: string) => new Kafka({ clientId: 'replay-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });

async function askAbout(bootstrap: string, topic: string) {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const offsets = await admin.fetchTopicOffsets(topic);
    const cluster = await admin.describeCluster();
    return { metadata, offsets, brokers: cluster.brokers };
  } finally {
    await admin.disconnect();
  }
}

it('replays what the proxy recorded: the same answers, the broker readdressed to the replay', async () => {
  const topic = uniqueTopic('replay');
  await createTopic(topic, 2);
  await produce(topic, Array.from({ length: 7 }, (_, i) => ({ value: `record ${i}`, partition: i % 2 })));
  const [host, port] = testBrokers().split(':');
  const proxy = await startRecordingProxy({ host: host!, port: Number(port) });
  let recorded;
  try {
    recorded = await askAbout(proxy.bootstrap, topic);
  } finally {
    await proxy.close();
  }
  expect(recorded.brokers).toEqual([expect.objectContaining({ host: '127.0.0.1', port: proxy.address.port })]);
  expect(recorded.offsets.map((o) => Number(o.high)).reduce((a, b) => a + b)).toBe(7);
  // Through the file format, as the build reads it.
  const conversation = parseConversation(formatConversation({ advertised: proxy.address, event: { topic, partition: 0 }, env: {}, expect: { records: 7, sha256: '0'.repeat(64) }, exchanges: proxy.exchanges() }), 'the recording');
  const replay = await startReplayBroker(conversation);
  try {
    const replayed = await askAbout(replay.bootstrap, topic);
    const [, replayPort] = replay.bootstrap.split(':');
    expect(replayed).toEqual({ ...recorded, brokers: [expect.objectContaining({ host: '127.0.0.1', port: Number(replayPort) })] });
    expect(replay.unanswered()).toEqual([]);
    // kafkajs refreshes metadata on its own timing: it asked for metadata once more, or once less, against
    // the instant replay than against the real broker (2 runs of 14 here, and once each way in CI). Every
    // other answer was used.
    expect(replay.unused().filter((api) => !api.startsWith('3/'))).toEqual([]);
  } finally {
    await replay.close();
  }
});

it('closes the connection on a request the recording has no answer for, and says which', async () => {
  const [host, port] = testBrokers().split(':');
  const proxy = await startRecordingProxy({ host: host!, port: Number(port) });
  const admin = client(proxy.bootstrap).admin();
  await admin.connect();
  await admin.disconnect();
  await proxy.close();
  // Listing topics asks Metadata, whose answers are left out of this recording.
  const exchanges = proxy.exchanges().filter((e) => e.apiKey !== 3);
  expect(exchanges.length).toBeGreaterThan(0);
  const replay = await startReplayBroker({ advertised: proxy.address, event: { topic: 't', partition: 0 }, env: {}, expect: { records: 1, sha256: '0'.repeat(64) }, exchanges });
  const replayed = client(replay.bootstrap).admin();
  try {
    await replayed.connect();
    await expect(replayed.listTopics()).rejects.toThrow();
    expect(replay.unanswered()).toEqual([expect.stringMatching(/^3\/\d+$/)]);
  } finally {
    await replayed.disconnect();
    await replay.close();
  }
});

it('answers Metadata asked once more than recorded with the last recorded answer, as the cluster is unchanged', async () => {
  const [host, port] = testBrokers().split(':');
  const proxy = await startRecordingProxy({ host: host!, port: Number(port) });
  const admin = client(proxy.bootstrap).admin();
  await admin.connect();
  const recorded = await admin.listTopics();
  await admin.disconnect();
  await proxy.close();
  const replay = await startReplayBroker({ advertised: proxy.address, event: { topic: 't', partition: 0 }, env: {}, expect: { records: 1, sha256: '0'.repeat(64) }, exchanges: proxy.exchanges() });
  const replayed = client(replay.bootstrap).admin();
  try {
    await replayed.connect();
    expect(await replayed.listTopics()).toEqual(recorded);
    // Asked again: the recording holds no more Metadata answers.
    expect(await replayed.listTopics()).toEqual(recorded);
    expect(replay.unanswered()).toEqual([]);
  } finally {
    await replayed.disconnect();
    await replay.close();
  }
});

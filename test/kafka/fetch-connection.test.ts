// FetchConnection assembles each response from whatever reads the socket gives: on plain TCP the bytes of
// a response being assembled are read straight into its buffer, everything else lands in a read buffer and
// is copied. A proxy that hands the broker's answers over in pieces of random sizes (size prefixes split,
// a response's tail and the next prefix in one read) must give the same record bytes as a direct
// connection, which in turn must give what the broker stored, as kafkajs reads it.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FetchConnection } from '../../src/kafka/fetch-connection';
import { OutputBuffer } from '../../src/kafka/codecs/output';
import { decodeRecordSet } from '../../src/kafka/record-set';
import { createTopic, produce, testBrokers, testSslBrokers, uniqueTopic } from '../support/kafka';

/** Forwards client bytes as they come and broker bytes in pieces of 1 byte to 96 KiB, a tick apart. */
function chunkingProxy(target: { host: string; port: number }, seed: number): Promise<{ server: Server; port: number; pieces: () => number }> {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let pieces = 0;
  const server = createServer((client: Socket) => {
    const upstream = connect(target);
    client.pipe(upstream);
    let sending = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      sending = sending.then(async () => {
        for (let pos = 0; pos < chunk.length; ) {
          // A third of the pieces are 1 to 7 bytes: size prefixes and headers cut anywhere.
          const n = Math.min(chunk.length - pos, random() < 0.33 ? 1 + Math.floor(random() * 7) : 1 + Math.floor(random() * 96 * 1024));
          client.write(chunk.subarray(pos, pos + n));
          pieces++;
          pos += n;
          await new Promise((resolve) => setImmediate(resolve));
        }
        upstream.resume();
      });
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, pieces: () => pieces })));
}

function hostPort(address: string): { host: string; port: number } {
  const [host, port] = address.split(',')[0]!.split(':');
  return { host: host!, port: Number(port) };
}

const context = (topic: string) => ({ topic, partition: 0, out: new OutputBuffer(1 << 20) });

/** Fetches the whole partition in responses of up to `maxBytes`; returns each response's record bytes. */
async function fetchAll(connection: FetchConnection, topic: string, maxBytes: number): Promise<Buffer[]> {
  const sets: Buffer[] = [];
  for (let offset = 0; ; ) {
    const fetched = await connection.fetch({ topic, partition: 0, offset, maxBytes, maxWaitMs: 10, isolationLevel: 0 });
    try {
      if (!fetched.records || fetched.records.length === 0) return sets;
      sets.push(Buffer.from(fetched.records));
      const { batches } = decodeRecordSet(context(topic), fetched.records);
      offset = batches[batches.length - 1]!.lastOffset + 1;
      if (offset >= fetched.highWatermark) return sets;
    } finally {
      fetched.release();
    }
  }
}

describe('FetchConnection response assembly', () => {
  const topic = uniqueTopic('fetch-assembly');
  let values: Buffer[];

  beforeAll(async () => {
    await createTopic(topic, 1);
    // Values from 0 bytes to 300 KiB: responses below and well above the 256 KiB read buffer.
    values = Array.from({ length: 400 }, (_, i) => Buffer.alloc(i % 50 === 7 ? 300 * 1024 : (i * 997) % 5000, i % 251));
    for (let i = 0; i < values.length; i += 100) await produce(topic, values.slice(i, i + 100).map((value) => ({ value })), { batchSize: 25 });
  });

  const options = { clientId: 'fetch-assembly-test', responseBufferBytes: 1024 * 1024 + 64 * 1024 };

  /** A connection straight to the broker and one through a chunking proxy seeded with `seed`, closed after `test`. */
  async function withDirectAndPieced(seed: number, test: (direct: FetchConnection, pieced: FetchConnection, proxy: { pieces: () => number }) => Promise<void>): Promise<void> {
    const broker = hostPort(testBrokers());
    const proxy = await chunkingProxy(broker, seed);
    const direct = await FetchConnection.open({ ...broker, ...options });
    const pieced = await FetchConnection.open({ host: '127.0.0.1', port: proxy.port, ...options });
    try {
      await test(direct, pieced, proxy);
    } finally {
      direct.close();
      pieced.close();
      proxy.server.close();
    }
  }

  it.each([
    [64 * 1024, 1],
    [1024 * 1024, 2],
    [4 * 1024 * 1024, 3],
  ])('responses of up to %i bytes read in random pieces equal a direct read (seed %i)', (maxBytes, seed) =>
    withDirectAndPieced(seed, async (direct, pieced, proxy) => {
      const expected = await fetchAll(direct, topic, maxBytes);
      const got = await fetchAll(pieced, topic, maxBytes);
      expect(got.length).toBe(expected.length);
      got.forEach((set, i) => expect(set.equals(expected[i]!)).toBe(true));
      expect(proxy.pieces()).toBeGreaterThan(expected.length * 3);
      // The record values themselves, in order: what the broker stored.
      const read: Buffer[] = [];
      for (const set of expected) for (const batch of decodeRecordSet(context(topic), set).batches) for (const record of batch.records) read.push(Buffer.from(record.value ?? Buffer.alloc(0)));
      expect(read.length).toBe(values.length);
      read.forEach((value, i) => expect(value.equals(values[i]!)).toBe(true));
    }),
  );

  it('keeps pipelined responses apart when one read holds the end of one and the start of the next', () =>
    withDirectAndPieced(4, async (direct, pieced) => {
      const expected = await fetchAll(direct, topic, 512 * 1024);
      // Every fetch sent before the first answer: the broker's answers follow each other on the socket.
      const offsets = [0, ...expected.slice(0, -1).map((set) => decodeRecordSet(context(topic), set).batches.at(-1)!.lastOffset + 1)];
      const answers = await Promise.all(offsets.map((offset) => pieced.fetch({ topic, partition: 0, offset, maxBytes: 512 * 1024, maxWaitMs: 10, isolationLevel: 0 })));
      const got = answers.map((fetched) => {
        const copy = Buffer.from(fetched.records!);
        fetched.release();
        return copy;
      });
      expect(got.length).toBeGreaterThan(3);
      got.forEach((set, i) => expect(set.equals(expected[i]!)).toBe(true));
    }));

  it('gives the same bytes over TLS, whose reads arrive as chunks', async () => {
    const { brokers, ca } = testSslBrokers();
    const tls = await FetchConnection.open({ ...hostPort(brokers), ssl: { ca: [ca] }, ...options });
    const direct = await FetchConnection.open({ ...hostPort(testBrokers()), ...options });
    try {
      const expected = await fetchAll(direct, topic, 1024 * 1024);
      const got = await fetchAll(tls, topic, 1024 * 1024);
      expect(got.map((set) => set.toString('base64'))).toEqual(expected.map((set) => set.toString('base64')));
    } finally {
      tls.close();
      direct.close();
    }
  });
});

// The framing a recorder and a stand-in broker use, checked on real broker answers (the recorded training
// conversation, from Kafka 3.9.2) decoded by kafkajs's own response decoders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConversation, parseConversation, readConversation } from '../../src/local/kafka/conversation';
import { FrameSplitter, readvertise, requestHeader, responseCorrelationId, withCorrelationId } from '../../src/local/kafka/frames';

const conversation = readConversation(join(__dirname, '../../scripts/code-cache/training.json'));
// The last of each: the broker's first FindCoordinator answer was COORDINATOR_NOT_AVAILABLE (a new broker).
const answer = (apiKey: number) => conversation.exchanges.filter((e) => e.apiKey === apiKey).pop()!;
const decoders: Record<string, (payload: Buffer) => Promise<Record<string, unknown>>> = {
  '3/6': require('kafkajs/src/protocol/requests/metadata/v6/response').decode,
  '10/2': require('kafkajs/src/protocol/requests/findCoordinator/v2/response').decode,
};
const decode = (apiKey: number, apiVersion: number, frame: Buffer) => decoders[`${apiKey}/${apiVersion}`]!(frame.subarray(8));

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

describe('FrameSplitter', () => {
  const frames = conversation.exchanges.map((e) => e.response);
  const stream = Buffer.concat(frames);

  it.each([1, 3, 7, 64, 1000, stream.length])('cuts the same frames out of chunks of %i bytes', (chunkBytes) => {
    const splitter = new FrameSplitter();
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += chunkBytes) out.push(...splitter.push(stream.subarray(at, at + chunkBytes)));
    expect(out).toEqual(frames);
  });

  it('refuses a size no Kafka frame has', () => {
    expect(() => new FrameSplitter(1024).push(Buffer.from([0, 0, 8, 0, 1]))).toThrow('a Kafka frame of 2048 bytes');
    expect(() => new FrameSplitter().push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toThrow('a Kafka frame of -2 bytes');
  });
});

it('reads a request header and rewrites a response correlation id', () => {
  const request = frame(Buffer.from([0, 1, 0, 11, 0, 0, 1, 2, 0, 0]));
  expect(requestHeader(request)).toEqual({ apiKey: 1, apiVersion: 11, correlationId: 258 });
  expect(() => requestHeader(Buffer.alloc(8))).toThrow('has no header');
  const response = answer(1).response;
  const renumbered = withCorrelationId(response, 77);
  expect(responseCorrelationId(renumbered)).toBe(77);
  expect(renumbered.subarray(8)).toEqual(response.subarray(8));
  expect(responseCorrelationId(response)).not.toBe(77);
});

describe('readvertise', () => {
  const to = { host: 'broker-1.ckafka.internal', port: 19093 };

  it.each([[3], [10]])('moves the broker address in a real answer of API %i and leaves the rest as kafkajs decodes it', async (apiKey) => {
    const { apiVersion, response } = answer(apiKey);
    const before = await decode(apiKey, apiVersion, response);
    expect(JSON.stringify(before)).toContain(`"port":${conversation.advertised.port}`);
    const after = readvertise(response, conversation.advertised, to);
    expect(after.readInt32BE(0)).toBe(after.length - 4);
    const decoded = await decode(apiKey, apiVersion, after);
    if (apiKey === 3) {
      expect(decoded.brokers).toEqual([expect.objectContaining(to)]);
      expect({ ...decoded, brokers: [] }).toEqual({ ...before, brokers: [] });
    } else {
      expect(decoded.coordinator).toEqual(expect.objectContaining(to));
      expect({ ...decoded, coordinator: null }).toEqual({ ...before, coordinator: null });
    }
  });

  it('rewrites a COMPACT_STRING host (flexible versions) with its varint length', () => {
    const port = (p: number) => Buffer.from([p >> 24, (p >> 16) & 255, (p >> 8) & 255, p & 255]);
    const body = (host: string, p: number) => Buffer.concat([Buffer.from([0, 0, 0, 5, 0, 0, 0, 1]), Buffer.from([host.length + 1]), Buffer.from(host), port(p), Buffer.from([0])]);
    expect(readvertise(frame(body('127.0.0.1', 9092)), { host: '127.0.0.1', port: 9092 }, { host: 'kafka.example', port: 9093 })).toEqual(frame(body('kafka.example', 9093)));
  });

  it('leaves the host alone where another port follows it, and a frame without the address as it was', () => {
    const other = { host: conversation.advertised.host, port: conversation.advertised.port + 1 };
    const { response } = answer(3);
    expect(readvertise(response, other, to)).toEqual(response);
    expect(readvertise(answer(1).response, conversation.advertised, to)).toEqual(answer(1).response);
  });
});

describe('parseConversation', () => {
  const good = JSON.parse(readFileSync(join(__dirname, '../../scripts/code-cache/training.json'), 'utf8'));

  it('reads back what formatConversation wrote', () => {
    expect(parseConversation(formatConversation(conversation), 'x')).toEqual(conversation);
  });

  it.each([
    ['a port out of range', { ...good, advertised: { host: 'h', port: 70000 } }, /training is not a recorded Kafka conversation: advertised\.port: Too big/],
    ['no answers', { ...good, exchanges: [] }, /training is not a recorded Kafka conversation: exchanges: Too small/],
    ['a digest that is not sha256', { ...good, expect: { records: 1, sha256: 'abc' } }, /training is not a recorded Kafka conversation: expect\.sha256: /],
    ['an answer whose size prefix lies', { ...good, exchanges: [{ apiKey: 1, apiVersion: 11, response: Buffer.from([0, 0, 0, 9, 0, 0, 0, 1]).toString('base64') }] }, /training: exchange 0 is not one size-prefixed response frame/],
  ])('names what is wrong with %s', (_what, document, message) => {
    expect(() => parseConversation(JSON.stringify(document), 'training')).toThrow(message);
  });
});

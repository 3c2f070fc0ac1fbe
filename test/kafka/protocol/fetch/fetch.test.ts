// Fetch, every version this consumer speaks, against bytes captured from real brokers
// (scripts/capture-fetch-fixtures.ts: v0-v3 from Kafka 0.10.2.2, v4-v7 from 1.1.1, v8-v11 from 2.4.1).
// Each folder v<N> holds the request body we sent, the broker's response payload, and what was produced.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputBuffer } from '../../../../src/kafka/codecs';
import { encodeFetchRequest, MAX_FETCH_VERSION, MIN_FETCH_VERSION, type FetchArgs } from '../../../../src/kafka/fetch-request';
import { decodeFetchResponse } from '../../../../src/kafka/fetch-response';
import type { KafkaRecord } from '../../../../src/kafka/record-batch';
import { decodeRecordSet } from '../../../../src/kafka/record-set';

interface Meta {
  broker: string;
  fetchVersion: number;
  args: FetchArgs;
  produced: Array<{ key: string | null; value: string | null; timestamp: string; headers?: Record<string, string> }>;
}

const folders = readdirSync(__dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^v\d+$/.test(d.name))
  .map((d) => Number(d.name.slice(1)))
  .sort((a, b) => a - b);

it('has a captured exchange for every version from MIN_FETCH_VERSION to MAX_FETCH_VERSION', () => {
  expect(folders).toEqual(Array.from({ length: MAX_FETCH_VERSION - MIN_FETCH_VERSION + 1 }, (_, i) => MIN_FETCH_VERSION + i));
});

describe.each(folders)('Fetch v%i', (version) => {
  const dir = join(__dirname, `v${version}`);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;

  it('encodes the request byte for byte as the broker accepted it', () => {
    const body = encodeFetchRequest(version, meta.args).frame(1, version, 0, '').subarray(4 + 2 + 2 + 4 + 2);
    expect(body.equals(readFileSync(join(dir, 'request.bin')))).toBe(true);
  });

  it(`decodes the response of Kafka ${meta.broker}: the partition's marks and every produced record`, () => {
    const response = decodeFetchResponse(readFileSync(join(dir, 'response.bin')), version);
    expect(response.errorCode).toBe(0);
    expect(response.partitions).toHaveLength(1);
    const p = response.partitions[0]!;
    expect(p).toMatchObject({ topic: meta.args.topic, partition: 0, errorCode: 0, highWatermark: meta.produced.length, lastStableOffset: version >= 4 ? meta.produced.length : -1, logStartOffset: version >= 5 ? 0 : -1, abortedTransactions: [] });
    const { batches } = decodeRecordSet({ topic: p.topic, partition: p.partition, out: new OutputBuffer(1 << 20) }, p.records!);
    const got = batches.flatMap((b) => Array.from(b.records, (r: KafkaRecord) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp, headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString()])) })));
    // Kafka 0.10.2 stores message format v1: timestamps, but no headers; to Fetch v0 and v1 it converts
    // the messages down to format v0, which has no timestamps either.
    const noHeaders = meta.broker.startsWith('0.10');
    const timestamp = (r: Meta['produced'][number]) => (version < 2 ? -1 : Number(r.timestamp));
    expect(got).toEqual(meta.produced.map((r, i) => ({ offset: i, key: r.key, value: r.value, timestamp: timestamp(r), headers: noHeaders ? {} : (r.headers ?? {}) })));
  });
});

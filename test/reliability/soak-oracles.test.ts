// The kill soak's own instruments: the census must see a lost, a repeated and a foreign record, kill plans
// must name the step of the protocol they stop at, and the invariant's kafkajs reader must come to the end
// of a log whatever its last batch is. (The soak itself is test/reliability/kill-soak.test.ts.)
import { gzipSync } from 'node:zlib';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { seededRandom } from '../../src/local/fault-rules';
import { kafkajsRecords } from '../support/invariant';
import { createTopic, testKafka, uniqueTopic } from '../support/kafka';
import { classifyTarget, drawPlan, isMultipartStep, stepLabel, TriggerCounter } from '../support/kill-plan';
import { RecordTally } from '../support/record-census';

const record = (offset: number, value: string | null): KafkaRecord => ({ offset, timestamp: 0, key: null, value: value === null ? null : Buffer.from(value), headers: [] });
const jsonl = (...offsets: number[]) => Buffer.from(offsets.map((o) => `{"partition":3,"offset":${o},"value":"v"}\n`).join(''));

describe('record census', () => {
  const log = [record(0, 'a'), record(1, null), record(2, 'b'), record(3, 'c')];

  it('counts nothing wrong when every record is in exactly one object', () => {
    const lines = new RecordTally('lines', log, 3);
    lines.add('x/1_3_00000000000000000000.txt', Buffer.from('a\nb\n'));
    lines.add('x/1_3_00000000000000000003.txt.gz', gzipSync('c\n'));
    lines.add('x/1_3_00000000000000000004.txt', Buffer.alloc(0));
    expect(lines.result()).toMatchObject({ objects: 3, expected: 3, found: 3, lost: 0, duplicated: 0, foreign: 0 });
    const json = new RecordTally('jsonl', log, 3);
    json.add('x/1_3_00000000000000000000.jsonl', jsonl(0, 1));
    json.add('x/1_3_00000000000000000002.jsonl', jsonl(2, 3));
    expect(json.result()).toMatchObject({ expected: 4, found: 4, lost: 0, duplicated: 0, foreign: 0 });
  });

  it('finds lost, repeated and foreign records, by value in lines and by offset in jsonl', () => {
    const lines = new RecordTally('lines', log, 3);
    lines.add('x/1_3_00000000000000000000.txt', Buffer.from('a\nb\n'));
    lines.add('x/1_3_00000000000000000002.txt', Buffer.from('b\naborted\n'));
    expect(lines.result()).toMatchObject({ found: 4, lost: 1, duplicated: 1, foreign: 1 });
    const json = new RecordTally('jsonl', log, 3);
    json.add('x/1_3_00000000000000000000.jsonl', jsonl(0, 1, 2));
    json.add('x/1_3_00000000000000000002.jsonl', jsonl(2, 9));
    const census = json.result();
    expect(census).toMatchObject({ found: 5, lost: 1, duplicated: 1, foreign: 1 });
    expect(census.examples).toEqual({ lost: ['offset 3'], duplicated: ['offset 2'], foreign: ['offset 9'] });
  });

  it('refuses an object cut short or a line of another partition', () => {
    expect(() => new RecordTally('lines', log, 3).add('k.txt', Buffer.from('a\nb'))).toThrow('does not end with a newline');
    expect(() => new RecordTally('jsonl', log, 4).add('k.jsonl', jsonl(0))).toThrow('names partition 3, not 4');
  });
});

describe('kill plans', () => {
  it('tell which partition and kind of object a COS request is about', () => {
    expect(classifyTarget('t/_ckafka-cos/leases/ins-1/topic-1/7/00000000000000000003')).toEqual({ partition: 7, object: 'lease' });
    expect(classifyTarget('t/_ckafka-cos/leases/ins-1/topic-1/7/')).toEqual({ partition: 7, object: 'lease' });
    expect(classifyTarget('t/_ckafka-cos/manifests/ins-1/topic-1/2/00000000000000000010.json')).toEqual({ partition: 2, object: 'manifest' });
    expect(classifyTarget('t/_ckafka-cos/manifests/ins-1/topic-1/2/g1/00000000000000000010.abandoned.json')).toEqual({ partition: 2, object: 'abandoned' });
    expect(classifyTarget('t/_ckafka-cos/start/ins-1/topic-1/0/start.json')).toEqual({ partition: 0, object: 'start' });
    expect(classifyTarget('t/ins-1/topic-1/2026-01-01/1767225600000_5_00000000000000000042.txt.gz')).toEqual({ partition: 5, object: 'data' });
    expect(classifyTarget('t/ins-1/topic-1/dt=2026-01-01/hour=00/1767225600000_5_00000000000000000042.jsonl')).toEqual({ partition: 5, object: 'data' });
    expect(classifyTarget('somewhere/else.txt')).toBeUndefined();
  });

  it('stop at the Nth matching event only', () => {
    const counter = new TriggerCounter({ on: 'request', op: 'PutObject', object: 'manifest', nth: 2 });
    expect(counter.observe({ on: 'request', op: 'PutObject', object: 'manifest' })).toBe(false);
    expect(counter.observe({ on: 'request', op: 'PutObject', object: 'data' })).toBe(false);
    expect(counter.observe({ on: 'stored', object: 'manifest' })).toBe(false);
    expect(counter.observe({ on: 'request', op: 'GetObject', object: 'manifest' })).toBe(false);
    expect(counter.observe({ on: 'request', op: 'PutObject', object: 'manifest' })).toBe(true);
    expect(counter.observe({ on: 'request', op: 'PutObject', object: 'manifest' })).toBe(false);
  });

  it('are the same for the same seed, and cover the protocol', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2000 }, () => drawPlan(random, { freezeRate: 0.05, multipart: true }));
    };
    const plans = draw(3);
    expect(draw(3)).toEqual(plans);
    const labels = new Set(plans.map((p) => stepLabel(p.trigger)));
    for (const step of ['ListObjects lease (acquire)', 'stored lease (acquire)', 'GetObject manifest', 'UploadPart data', 'CompleteMultipartUpload data', 'stored manifest', 'stored data', 'PutObject lease (check/renew)', 'at a random instant', 'none']) {
      expect(labels).toContain(step);
    }
    expect(plans.filter((p) => p.freeze).length).toBeGreaterThan(50);
    expect(plans.some((p) => p.timeLimitMs < 20_000)).toBe(true);
    const random = seededRandom(1);
    const afterUpload = Array.from({ length: 100 }, () => drawPlan(random, { freezeRate: 0, multipart: true, uploadLeft: true }));
    expect(afterUpload.filter((p) => p.trigger.on === 'request' && p.trigger.op === 'AbortMultipartUpload').length).toBeGreaterThan(30);
    const small = Array.from({ length: 1000 }, () => drawPlan(random, { freezeRate: 0, multipart: false }));
    expect(small.filter((p) => isMultipartStep(p.trigger))).toEqual([]);
  });
});

describe("the invariant's kafkajs reader", () => {
  it('comes to the end of a log whose last fetch brings only a transaction marker', async () => {
    const topic = uniqueTopic('marker-end');
    await createTopic(topic, 2);
    const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: `${topic}-tx` });
    await producer.connect();
    for (const [values, end] of [[['a', 'b'], 'commit'], [['x'], 'abort'], [['c'], 'commit'], [['y', 'z'], 'abort']] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: values.map((value) => ({ value, partition: 0 })) });
      await (end === 'commit' ? transaction.commit() : transaction.abort());
    }
    await producer.send({ topic, messages: [{ value: 'other partition', partition: 1 }] });
    await producer.disconnect();
    // One batch per fetch: the last fetch holds the abort marker alone.
    const records = await kafkajsRecords(topic, 0, undefined, { maxBytesPerPartition: 1 });
    expect(records.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [5, 'c'],
    ]);
  }, 60_000);
});

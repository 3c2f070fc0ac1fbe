// Read-committed: records of aborted transactions are dropped and committed ones kept, wherever a fetch
// starts. A fetch that starts at an abort marker once dropped the producer's next, committed transaction
// (found by the kill soak: the reader covered those offsets as skipped, a silent loss).
import { kafkaPartitionLog } from '../../src/dump/partition-log';
import { KafkaClient } from '../../src/kafka/client';
import type { RecordBatch } from '../../src/kafka/record-batch';
import { AbortedTransactionFilter } from '../../src/kafka/transactions';
import { kafkajsRecords } from '../support/invariant';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../support/kafka';

function batch(producerId: number, baseOffset: number, lastOffset: number, kind: 'data' | 'plain' | 'commit' | 'abort'): RecordBatch {
  return {
    baseOffset,
    lastOffset,
    producerId,
    transactional: kind !== 'plain',
    control: kind === 'commit' || kind === 'abort',
    abortMarker: kind === 'abort',
    count: lastOffset - baseOffset + 1,
    records: [],
  } as unknown as RecordBatch;
}

describe('AbortedTransactionFilter', () => {
  it('drops aborted transactions of interleaved producers and keeps committed ones and plain batches', () => {
    // Producer 1 aborts 0-1 (marker 4), producer 2 commits 2-3 (marker 5), producer 1 then commits 6-7 (marker 8).
    const filter = new AbortedTransactionFilter([{ producerId: 1, firstOffset: 0 }]);
    const verdicts = [batch(1, 0, 1, 'data'), batch(2, 2, 3, 'data'), batch(1, 4, 4, 'abort'), batch(2, 5, 5, 'commit'), batch(1, 6, 7, 'data'), batch(1, 8, 8, 'commit'), batch(9, 9, 9, 'plain')].map((b) => filter.isAborted(b));
    expect(verdicts).toEqual([true, false, false, false, false, false, false]);
  });

  it('ends an aborted transaction at its marker even when the fetch starts at the marker', () => {
    const filter = new AbortedTransactionFilter([{ producerId: 1, firstOffset: 0 }]);
    expect([batch(1, 3, 3, 'abort'), batch(1, 4, 5, 'data'), batch(1, 6, 6, 'commit')].map((b) => filter.isAborted(b))).toEqual([false, false, false]);
  });
});

describe('reading a transactional partition from a real broker', () => {
  it('reads a committed transaction after an aborted one, whether the fetch starts at the log start or at the abort marker', async () => {
    const topic = uniqueTopic('abort-marker');
    await createTopic(topic, 1);
    const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: `${topic}-tx` });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'a0' }, { value: 'a1' }, { value: 'a2' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'c0' }, { value: 'c1' }] });
    await committed.commit();
    await producer.disconnect();
    const client = await KafkaClient.connect({ brokers: [testBrokers()], clientId: 'test' });
    const log = kafkaPartitionLog(client, topic, 0, 'unused', { fetchMaxBytes: 1 << 20, decompressedBatchMaxBytes: 1 << 20 });
    const read = async (from: number) => {
      const out: string[] = [];
      for await (const chunk of log.read(from, 7, () => true)) {
        for (const r of chunk.records) out.push(`${r.offset}:${r.value}`);
      }
      return out;
    };
    try {
      const expected = (await kafkajsRecords(topic, 0)).map((r) => `${r.offset}:${r.value}`);
      expect({ expected, fromStart: await read(0), fromMarker: await read(3) }).toEqual({ expected: ['4:c0', '5:c1'], fromStart: ['4:c0', '5:c1'], fromMarker: ['4:c0', '5:c1'] });
    } finally {
      await client.close();
    }
  });
});

// The partition reader over a log of compressed batches served like a broker: memory bounded by the
// configured limit whatever the compression ratio (proven by the buffer's high-water mark, not by
// timing), batches larger than the fetch, and aborted transactions.
import type { OutputBuffer } from '../../src/kafka/codecs';
import { BatchTooLargeError } from '../../src/kafka/errors';
import type { FetchedPartition } from '../../src/kafka/fetch-response';
import { BatchTooLargeToFetchError, readPartition } from '../../src/kafka/partition-reader';
import { compressors, LZ4_CODEC, SNAPPY, v2Batch, ZSTD } from '../support/batches';

const MiB = 1024 * 1024;

/** A partition log of encoded batches, fetched as a broker of Fetch v4+ would (whole batches up to maxBytes, at least one). */
class SyntheticLog {
  batches: Array<{ first: number; last: number; bytes: Buffer }> = [];
  fetches: number[] = [];
  /** Fetch before v3: the broker cuts the set at maxBytes even inside the first batch. */
  cutFirstBatch = false;

  get end(): number {
    return (this.batches[this.batches.length - 1]?.last ?? -1) + 1;
  }

  add(first: number, count: number, bytes: Buffer): void {
    this.batches.push({ first, last: first + count - 1, bytes });
  }

  fetch = async (offset: number, maxBytes: number): Promise<FetchedPartition> => {
    this.fetches.push(maxBytes);
    const chosen: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      if (b.last < offset) continue;
      if (size + b.bytes.length > maxBytes && (chosen.length > 0 || this.cutFirstBatch)) {
        if (chosen.length === 0) chosen.push(b.bytes.subarray(0, maxBytes));
        break;
      }
      chosen.push(b.bytes);
      size += b.bytes.length;
    }
    return { topic: 't', partition: 0, errorCode: 0, highWatermark: this.end, lastStableOffset: this.end, logStartOffset: 0, abortedTransactions: [], records: Buffer.concat(chosen) };
  };
}

/** Very compressible log lines (about 50x and more with zstd). */
function repetitive(records: number, bytes: number, seed: number): Array<{ value: string; timestamp: number }> {
  return Array.from({ length: records }, (_, i) => ({ value: `{"level":"INFO","msg":"request completed","n":${(seed + i) % 10}}`.padEnd(bytes, ' '), timestamp: 1700000000000 + i }));
}

let compress: Awaited<ReturnType<typeof compressors>>;
beforeAll(async () => {
  compress = await compressors();
});

async function readAll(log: SyntheticLog, options: { fetchMaxBytes: number; decompressedMaxBytes: number; fetchLimitBytes?: number }) {
  let buffer: OutputBuffer | undefined;
  let records = 0;
  let bytes = 0;
  let next = 0;
  for await (const chunk of readPartition(0, log.end, { ...options, fetch: log.fetch, onBuffer: (b) => (buffer = b) })) {
    for (const r of chunk.records) {
      expect(r.offset).toBe(records);
      records++;
      bytes += r.value?.length ?? 0;
    }
    next = chunk.nextOffset;
  }
  return { records, bytes, next, buffer: buffer! };
}

describe('readPartition', () => {
  it('holds one decompressed batch at a time: on a 50x set, a fetch of 2 MiB decompresses to far more than the limit, the buffer never passes one batch', async () => {
    const log = new SyntheticLog();
    const batchRecords = 1000;
    const recordBytes = 1000; // ~1 MB per batch decompressed, as librdkafka batches
    let offset = 0;
    for (let b = 0; b < 30; b++) {
      log.add(offset, batchRecords, await v2Batch(offset, repetitive(batchRecords, recordBytes, b), ZSTD, compress[ZSTD]));
      offset += batchRecords;
    }
    const compressed = log.batches.reduce((s, b) => s + b.bytes.length, 0);
    const limit = 2 * MiB;
    const result = await readAll(log, { fetchMaxBytes: 2 * MiB, decompressedMaxBytes: limit });
    expect(result.records).toBe(30 * batchRecords);
    expect(result.bytes).toBe(30 * batchRecords * recordBytes);
    // The whole set fits in one 2 MiB fetch, yet decompresses to ~30 MB: it must never be held at once.
    expect(compressed).toBeLessThan(2 * MiB);
    expect(result.bytes / compressed).toBeGreaterThan(50);
    expect(result.bytes).toBeGreaterThan(10 * limit);
    expect(result.buffer.highWater).toBeLessThanOrEqual(limit);
    expect(result.buffer.highWater).toBeLessThan(1.1 * batchRecords * recordBytes);
    expect(result.buffer.capacity).toBeLessThanOrEqual(limit);
  });

  it('asks for the next batch while consuming one of the usual size, but not while consuming one larger than the fetch', async () => {
    const log = new SyntheticLog();
    const small = await v2Batch(0, repetitive(10, 100, 0));
    log.add(0, 10, small);
    // Records of 3 MiB each, one per batch: every response is larger than the 1 MiB fetch, sent whole.
    for (let i = 0; i < 3; i++) log.add(10 + i, 1, await v2Batch(10 + i, [{ value: Buffer.alloc(3 * MiB, 97 + i) }]));
    const fetchesWhileConsuming: Array<[number, number]> = [];
    for await (const chunk of readPartition(0, log.end, { fetch: log.fetch, fetchMaxBytes: MiB, decompressedMaxBytes: 4 * MiB })) {
      for (const r of chunk.records) fetchesWhileConsuming.push([r.offset, log.fetches.length]);
    }
    // The small batch's response: the next fetch is already out. Each big one: only its own fetch so far.
    expect(fetchesWhileConsuming.filter(([offset]) => offset === 0 || offset >= 10)).toEqual([
      [0, 2],
      [10, 2],
      [11, 3],
      [12, 4],
    ]);
  });

  it('fails on a batch over the limit at its offset, after handing out the records before it', async () => {
    const log = new SyntheticLog();
    log.add(0, 10, await v2Batch(0, repetitive(10, 100, 0), ZSTD, compress[ZSTD]));
    log.add(10, 3, await v2Batch(10, repetitive(3, MiB, 0), ZSTD, compress[ZSTD]));
    const seen: number[] = [];
    const reading = (async () => {
      for await (const chunk of readPartition(0, log.end, { fetch: log.fetch, fetchMaxBytes: MiB, decompressedMaxBytes: 2 * MiB })) for (const r of chunk.records) seen.push(r.offset);
    })();
    await expect(reading).rejects.toThrow(BatchTooLargeError);
    await expect(reading).rejects.toThrow(/offset 10 of t\/0 decompresses to \d+ bytes, more than DECOMPRESSED_BATCH_MAX_BYTES=2097152/);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('grows the fetch to a batch larger than FETCH_MAX_BYTES that the broker cut (Fetch before v3), then goes back to the configured size', async () => {
    const log = new SyntheticLog();
    log.cutFirstBatch = true;
    log.add(0, 2, await v2Batch(0, [{ value: 'a'.repeat(300_000), timestamp: 1 }, { value: 'b', timestamp: 2 }]));
    log.add(2, 1, await v2Batch(2, [{ value: 'c', timestamp: 3 }]));
    const result = await readAll(log, { fetchMaxBytes: 64 * 1024, decompressedMaxBytes: MiB });
    expect(result.records).toBe(3);
    expect(result.next).toBe(3);
    expect(log.fetches[0]).toBe(64 * 1024);
    expect(log.fetches[1]).toBe(log.batches[0]!.bytes.length);
    expect(log.fetches.slice(2).every((n) => n === 64 * 1024)).toBe(true);
  });

  it('names a batch larger than the largest fetch it may make', async () => {
    const log = new SyntheticLog();
    log.cutFirstBatch = true;
    log.add(0, 1, await v2Batch(0, [{ value: 'a'.repeat(300_000), timestamp: 1 }]));
    await expect(readAll(log, { fetchMaxBytes: 64 * 1024, fetchLimitBytes: 128 * 1024, decompressedMaxBytes: MiB })).rejects.toThrow(BatchTooLargeToFetchError);
  });

  it.each([
    ['zstd', ZSTD],
    ['snappy', SNAPPY],
    ['lz4', LZ4_CODEC],
  ])('%s: two readers interleaved in one process keep their own records (the codec modules are shared)', async (_name, codec) => {
    const logs = [new SyntheticLog(), new SyntheticLog()];
    const values = (reader: number) => Array.from({ length: 50 }, (_, i) => ({ value: `reader ${reader} record ${i} `.repeat(20), timestamp: 1 }));
    for (const [r, log] of logs.entries()) log.add(0, 50, await v2Batch(0, values(r), codec, compress[codec]));
    const iterators = logs.map((log) => readPartition(0, 50, { fetch: log.fetch, fetchMaxBytes: MiB, decompressedMaxBytes: MiB })[Symbol.asyncIterator]());
    const chunks = await Promise.all(iterators.map(async (it) => (await it.next()).value!));
    const records = chunks.map((c) => c.records[Symbol.iterator]());
    // Reader 0 takes its first record, reader 1 decompresses its batch, then reader 0 goes on.
    const first = records[0]!.next().value!;
    const held = first.value!;
    expect(records[1]!.next().value!.value!.toString()).toBe(values(1)[0]!.value);
    expect(held.toString()).toBe(values(0)[0]!.value);
    expect(records[0]!.next().value!.value!.toString()).toBe(values(0)[1]!.value);
    await Promise.all(iterators.map((it) => it.return(undefined)));
  });
});

// The dump logic over an in-memory log and store: rotation, framing, manifests, commits and recovery.
// (The same guarantees are proven end to end against real Kafka and the COS server in test/e2e.)
import { MemoryObjectStore } from '../../src/cos/memory-store';
import { parseChainHead } from '../../src/dump/chain';
import { leaseFolder, manifestKey, BOOKKEEPING_SEGMENT } from '../../src/dump/keys';
import { decodeManifest } from '../../src/dump/manifest';
import { dumpPartition, type DumpSettings } from '../../src/dump/partition-dumper';
import { acquireLease } from '../../src/lease/lease';
import { expectSameBytes } from '../support/bytes';
import { decompressed } from '../support/dump';
import { TEST_DUMP_SETTINGS } from '../support/dump-settings';
import { ManualClock } from '../support/clock';
import { FakeLog, type FakeRecord } from '../support/fake-log';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 0, 1, 10, 0);
const NOW = Date.UTC(2026, 0, 2);
const layout = { prefix: 'dump/', instanceId: 'ckafka-test', topicId: 'topic-test' };
const settings: DumpSettings = TEST_DUMP_SETTINGS;

async function dump(log: FakeLog, store: MemoryObjectStore, overrides: Partial<DumpSettings> = {}, now = NOW, readDeadline = Infinity) {
  const taken = await acquireLease({ store, folder: leaseFolder(layout, log.partition), holder: { requestId: 'test', functionName: 'consumer', startedAt: '' } });
  if (!taken.acquired) throw new Error('lease held');
  const head = parseChainHead(taken.previous?.state);
  try {
    return await dumpPartition({ log, store, layout, lease: taken.lease, head, settings: { ...settings, ...overrides }, readDeadline, writer: 'test', clock: new ManualClock(now) });
  } finally {
    await taken.lease.release();
  }
}

function dataKeys(store: MemoryObjectStore): string[] {
  return [...store.objects.keys()].filter((k) => !k.includes(BOOKKEEPING_SEGMENT)).sort();
}

function dumped(store: MemoryObjectStore): Buffer {
  return Buffer.concat(dataKeys(store).map((k) => decompressed(k, store.objects.get(k)!.body)));
}

function manifests(store: MemoryObjectStore) {
  return [...store.objects.keys()]
    .filter((k) => k.includes('/manifests/'))
    .sort()
    .map((k) => decodeManifest(store.objects.get(k)!.body, k));
}

function lines(values: Array<string | Buffer>): Buffer {
  return Buffer.concat(values.map((v) => Buffer.concat([Buffer.from(v), Buffer.from('\n')])));
}

async function fill(log: FakeLog, count: number, size: number, stepMs = 1000, batch = 50): Promise<string[]> {
  const values: string[] = [];
  for (let i = 0; i < count; i += batch) {
    const records: FakeRecord[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const value = `${j}:`.padEnd(size, String.fromCharCode(97 + (j % 26)));
      values.push(value);
      records.push({ value, timestamp: T0 + j * stepMs });
    }
    await log.append(records);
  }
  return values;
}

describe('dumpPartition', () => {
  it('writes nothing past its start marker until the work it must wait for is done (a dead holder\'s uploads aborted)', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 120, 100);
    const taken = await acquireLease({ store, folder: leaseFolder(layout, log.partition), holder: { requestId: 'test', functionName: 'consumer', startedAt: '' } });
    if (!taken.acquired) throw new Error('lease held');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const keys = () => [...store.objects.keys()];
    const running = dumpPartition({ log, store, layout, lease: taken.lease, settings, readDeadline: Infinity, writer: 'test', clock: new ManualClock(NOW), beforeWriting: gate });
    // The start decision goes on beside the gated work: a first invocation records where the chain starts.
    while (!keys().some((k) => k.includes('/start/'))) await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(keys().filter((k) => k.includes('/manifests/') || !k.includes(BOOKKEEPING_SEGMENT))).toEqual([]);
    expect(log.committedOffset).toBeUndefined();
    open();
    expect(await running).toMatchObject({ records: 120, toOffset: 120 });
    await taken.lease.release();
    expectSameBytes(dumped(store), lines(values));
  });

  it('writes every value as a line, in offset order, and commits the end', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 200, 100);
    const summary = await dump(log, store);
    expectSameBytes(dumped(store), lines(values));
    expect(summary).toMatchObject({ records: 200, fromOffset: 0, toOffset: 200, lag: 0, stopReason: 'caught-up' });
    expect(log.committedOffset?.offset).toBe(200);
  });

  it('splits at the size limit without losing or repeating a byte, and uses several parts', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 3000, 1000, 10);
    const max = 2.5 * MiB;
    const summary = await dump(log, store, { maxObjectBytes: max });
    expectSameBytes(dumped(store), lines(values));
    const keys = dataKeys(store);
    expect(keys.length).toBe(2);
    for (const key of keys) expect(store.objects.get(key)!.size).toBeLessThanOrEqual(max);
    expect(summary.objects.map((o) => o.records).reduce((a, b) => a + b)).toBe(3000);
    const chain = manifests(store);
    expect(chain.map((m) => [m.startOffset, m.nextOffset])).toEqual([
      [0, chain[0]!.nextOffset],
      [chain[0]!.nextOffset, 3000],
    ]);
  });

  it('starts a new object at each window and files it under that window', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 30, 20, 30_000, 7); // 15 minutes of records: three windows
    await dump(log, store);
    const keys = dataKeys(store);
    expect(keys.map((k) => k.split('/').pop())).toEqual([`${T0}_0_00000000000000000000.txt`, `${T0 + 300_000}_0_00000000000000000010.txt`, `${T0 + 600_000}_0_00000000000000000020.txt`]);
    expect(keys[0]!.startsWith('dump/ckafka-test/topic-test/2026-01-01/')).toBe(true);
    expectSameBytes(dumped(store), lines(values));
  });

  it('leaves records of a window that is still open for a later invocation', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 30, 20, 30_000, 7);
    const duringThirdWindow = T0 + 12 * 60_000;
    const first = await dump(log, store, {}, duringThirdWindow);
    expect(first).toMatchObject({ toOffset: 20, stopReason: 'open-window', lag: 10 });
    expectSameBytes(dumped(store), lines(values.slice(0, 20)));
    await dump(log, store);
    expectSameBytes(dumped(store), lines(values));
  });

  it('flushes the open window when told to', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 30, 20, 30_000, 7);
    await dump(log, store, { flushOpenWindow: true }, T0 + 12 * 60_000);
    expectSameBytes(dumped(store), lines(values));
  });

  it('skips and counts tombstones, writes other bytes as they are, and keeps the chain contiguous', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const invalid = Buffer.from([0xc3, 0x28, 0xff]);
    await log.append([
      { value: 'a', timestamp: T0 },
      { value: null, timestamp: T0 },
      { value: invalid, timestamp: T0 },
      { value: '', timestamp: T0 },
    ]);
    await log.append([{ value: null, timestamp: T0 }]);
    const summary = await dump(log, store);
    expectSameBytes(dumped(store), Buffer.concat([Buffer.from('a\n'), invalid, Buffer.from('\n\n')]));
    expect(summary).toMatchObject({ records: 3, tombstones: 2, invalidUtf8: 1, toOffset: 5 });
    expect(manifests(store).map((m) => [m.startOffset, m.nextOffset, m.records, m.tombstones, m.key === null])).toEqual([[0, 5, 3, 2, false]]);
  });

  it('counts a record that is not UTF-8 in the object that holds it, also when it starts a new window', async () => {
    for (const format of ['lines', 'jsonl'] as const) {
      const log = new FakeLog();
      const store = new MemoryObjectStore();
      const invalid = Buffer.from([0xff, 0xfe]);
      await log.append([
        { value: 'a', timestamp: T0 },
        { value: invalid, timestamp: T0 + 300_000 },
        { value: 'b', timestamp: T0 + 300_000 },
      ]);
      await dump(log, store, { format });
      expect(manifests(store).map((m) => [m.startOffset, m.records, m.invalidUtf8])).toEqual([
        [0, 1, 0],
        [1, 2, 1],
      ]);
    }
  });

  it('records a range of tombstones only as a manifest without data', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    await log.append([{ value: 'x', timestamp: T0 }]);
    await dump(log, store);
    await log.append([
      { value: null, timestamp: T0 + 1 },
      { value: null, timestamp: T0 + 2 },
    ]);
    const summary = await dump(log, store);
    expect(summary).toMatchObject({ emptyRanges: 1, toOffset: 3, lag: 0 });
    expect(manifests(store).map((m) => [m.startOffset, m.nextOffset, m.key === null, m.tombstones])).toEqual([
      [0, 1, false, 0],
      [1, 3, true, 2],
    ]);
  });

  it('writes jsonl with keys, headers and base64 for binary bytes', async () => {
    const log = new FakeLog('events', 4);
    const store = new MemoryObjectStore();
    await log.append([
      { key: 'k', value: 'v', timestamp: T0, headers: { h: 'x' } },
      { key: Buffer.from([0xff]), value: Buffer.from([0x00, 0xfe]), timestamp: T0 + 1 },
      { value: null, timestamp: T0 + 2 },
    ]);
    await dump(log, store, { format: 'jsonl' });
    expect(dataKeys(store)[0]!.endsWith('.jsonl')).toBe(true);
    expect(
      dumped(store)
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { partition: 4, offset: 0, timestamp: T0, key: 'k', headers: [{ key: 'h', value: 'x' }], value: 'v' },
      { partition: 4, offset: 1, timestamp: T0 + 1, key: '/w==', keyEncoding: 'base64', headers: [], value: 'AP4=', valueEncoding: 'base64' },
      { partition: 4, offset: 2, timestamp: T0 + 2, key: null, headers: [], value: null },
    ]);
  });

  it('compresses with gzip within the stored-size limit', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 4000, 1000, 10);
    const max = 3 * MiB;
    await dump(log, store, { compression: 'gzip', maxObjectBytes: max });
    expect(dataKeys(store).every((k) => k.endsWith('.txt.gz'))).toBe(true);
    expectSameBytes(dumped(store), lines(values));
    for (const m of manifests(store)) expect(m.bytes).toBeLessThanOrEqual(max);
  });

  it('compresses with zstd within the stored-size limit, and smaller than gzip', async () => {
    const log = new FakeLog();
    const values = await fill(log, 4000, 1000, 10);
    const max = 600 * 1024;
    const zstd = new MemoryObjectStore();
    await dump(log, zstd, { compression: 'zstd', maxObjectBytes: max });
    expect(dataKeys(zstd).length).toBeGreaterThan(1);
    expect(dataKeys(zstd).every((k) => k.endsWith('.txt.zst'))).toBe(true);
    expectSameBytes(dumped(zstd), lines(values));
    for (const m of manifests(zstd)) {
      expect(m.bytes).toBeLessThanOrEqual(max);
      expect(m.compression).toBe('zstd');
      expect(m.contentBytes).toBeGreaterThan(m.bytes);
    }
    const gzip = new MemoryObjectStore();
    const again = new FakeLog();
    await fill(again, 4000, 1000, 10);
    await dump(again, gzip, { compression: 'gzip' });
    const stored = (s: MemoryObjectStore) => manifests(s).reduce((n, m) => n + m.bytes, 0);
    expect(stored(zstd)).toBeLessThan(stored(gzip));
  });

  it('writes an empty zstd object as a valid zstd stream', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    await log.append([{ value: '', timestamp: T0 }]);
    await dump(log, store, { compression: 'zstd' });
    expect(dumped(store).toString()).toBe('\n');
  });

  it('adopts objects an earlier invocation stored but recorded nowhere else, writing nothing twice', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 100, 10);
    await dump(log, store);
    // As if the invocation died right after storing its object: no head in the lease, no group commit.
    for (const key of [...store.objects.keys()]) if (key.includes('/leases/')) store.objects.delete(key);
    log.committedOffset = undefined;
    log.commits = [];
    const before = [...store.objects.keys()].sort();
    const summary = await dump(log, store);
    expect(summary).toMatchObject({ adopted: 1, records: 0, toOffset: 100 });
    expect([...store.objects.keys()].filter((k) => !k.includes('/leases/')).sort()).toEqual(before);
    expect(log.commits.at(-1)).toBe(100);
    expectSameBytes(dumped(store), lines(values));
  });

  it('finishes exactly the object a crashed invocation planned, whatever its deadline', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 100, 10);
    // The second object's data never gets stored: its manifest (the plan) does.
    const put = store.putObject.bind(store);
    let dataPuts = 0;
    store.putObject = async (key, body, options) => {
      if (!key.includes('_ckafka-cos') && ++dataPuts === 2) throw new Error('crash before the data object');
      return put(key, body, options);
    };
    await expect(dump(log, store, { maxObjectBytes: 500 })).rejects.toThrow('crash before the data object');
    store.putObject = put;
    const plan = manifests(store).at(-1)!;
    expect(store.objects.has(plan.key!)).toBe(false);
    // Its deadline passed before it began: the plan is finished all the same, then reading stops.
    const summary = await dump(log, store, { maxObjectBytes: 10_000_000 }, NOW, 0);
    expect(store.objects.has(plan.key!)).toBe(true);
    expect(summary.objects.map((o) => [o.key, o.startOffset, o.nextOffset])).toEqual([[plan.key, plan.startOffset, plan.nextOffset]]);
    expect(summary.stopReason).toBe('deadline');
    await dump(log, store);
    expectSameBytes(dumped(store), lines(values));
  });

  it('fails, naming the lost range, when retention deleted unread records', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    await fill(log, 50, 10);
    log.committedOffset = { offset: 10, metadata: null };
    log.logStart = 30;
    await expect(dump(log, store)).rejects.toThrow(/offsets 10\.\.29 \(20 records\) were deleted by retention/);
    expect(dataKeys(store)).toEqual([]);
    expect(log.commits).toEqual([]);
  });

  it('records the loss and goes on when told to', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    const values = await fill(log, 50, 10);
    log.committedOffset = { offset: 10, metadata: null };
    log.logStart = 30;
    const summary = await dump(log, store, { onOffsetOutOfRange: 'earliest' });
    expect(summary.lost).toEqual({ from: 10, to: 30 });
    expectSameBytes(dumped(store), lines(values.slice(30)));
    expect(manifests(store).map((m) => [m.startOffset, m.nextOffset, m.lostOffsets])).toEqual([
      [10, 30, 20],
      [30, 50, 0],
    ]);
  });

  it('stops reading at the deadline and commits what it wrote', async () => {
    const log = new FakeLog();
    const store = new MemoryObjectStore();
    await fill(log, 100, 10);
    const summary = await dump(log, store, {}, NOW, 0);
    expect(summary).toMatchObject({ stopReason: 'deadline', toOffset: 0, lag: 100 });
    expect(store.objects.has(manifestKey({ layout, partition: 0, generation: 0 }, 0))).toBe(false);
    expect(dataKeys(store)).toEqual([]);
  });
});

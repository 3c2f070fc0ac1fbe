import { ObjectUpload } from '../../src/cos/object-upload';
import { BufferPool } from '../../src/util/big-buffers';
import { MemoryObjectStore } from '../../src/cos/memory-store';
import { Limiter } from '../../src/util/limiter';
import { expectSameBytes } from '../support/bytes';

const MiB = 1024 * 1024;

/** A store whose part uploads hang until the test lets them go, counting how many are in flight. */
function slowStore() {
  const store = new MemoryObjectStore({ bucket: 'bucket-1250000000' });
  const gates: Array<() => void> = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  const upload = store.uploadPart.bind(store);
  store.uploadPart = async (...args) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    await new Promise<void>((resolve) => gates.push(resolve));
    stats.inFlight--;
    return upload(...args);
  };
  return { store, gates, stats };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A pool that counts the buffers taken and not yet given back (`held()`), and the most ever held. */
function countingPool(bufferBytes: number, buffers: number) {
  const pool = new BufferPool(bufferBytes, buffers);
  let held = 0;
  const counts = { maxHeld: 0 };
  const take = pool.take.bind(pool);
  const give = pool.give.bind(pool);
  pool.take = () => (held++, take());
  pool.give = (buffer) => (held--, give(buffer));
  return { pool, counts, note: () => (counts.maxHeld = Math.max(counts.maxHeld, held)) };
}

/**
 * Writes `records` as the partition writer does (making room before each), letting one hanging part upload
 * go whenever the writer waits, then finishes the object and lets every remaining upload go.
 */
async function writeThrough(upload: ObjectUpload, records: Buffer[], gates: Array<() => void>, stats: { inFlight: number }, afterWrite = () => {}) {
  const writer = (async () => {
    for (const record of records) {
      if (!upload.hasRoomFor(record.length)) await upload.makeRoomFor(record.length);
      upload.append(record);
      afterWrite();
    }
  })();
  let done = false;
  void writer.then(() => (done = true));
  while (!done) {
    for (let i = 0; i < 5; i++) await settle();
    gates.shift()?.();
  }
  const finishing = upload.finish();
  while (gates.length > 0 || stats.inFlight > 0) {
    gates.shift()?.();
    await settle();
  }
  return finishing;
}

describe('ObjectUpload', () => {
  it('keeps as many parts in flight as the limiter allows while the writer makes room before each write', async () => {
    const { store, gates, stats } = slowStore();
    const upload = new ObjectUpload({ store, key: 'k.txt', pool: new BufferPool(MiB, 4), limiter: new Limiter(2), put: {} });
    const parts = [0, 1, 2, 3, 4].map((i) => Buffer.alloc(MiB, 97 + i));
    let written = 0;
    const writer = (async () => {
      for (const part of parts) {
        if (!upload.hasRoomFor(part.length)) await upload.makeRoomFor(part.length);
        upload.append(part);
        written++;
      }
    })();
    for (let i = 0; i < 10; i++) await settle();
    // Two parts hang in the store; the third write, which would seal a part no slot can take, waits.
    expect(stats.inFlight).toBe(2);
    expect(written).toBe(2);
    let done = false;
    void writer.then(() => (done = true));
    while (!done) {
      gates.shift()?.();
      await settle();
    }
    const finishing = upload.finish();
    while (gates.length > 0 || stats.inFlight > 0) {
      gates.shift()?.();
      await settle();
    }
    const result = await finishing;
    expect(result.parts).toBe(5);
    expect(stats.maxInFlight).toBe(2);
    expectSameBytes((await store.getObject('k.txt'))!.body, Buffer.concat(parts));
  });
});

describe('ObjectUpload part buffers', () => {
  it('holds at most one buffer beyond the uploads in flight when the writer makes room before each record', async () => {
    const { store, gates, stats } = slowStore();
    const { pool, counts, note } = countingPool(MiB, 8);
    const upload = new ObjectUpload({ store, key: 'records.txt', pool, limiter: new Limiter(2), put: {} });
    // Records of 1000 bytes never line up with the 1 MiB parts: every part is sealed in the middle of one.
    const records = Array.from({ length: 5000 }, (_, i) => Buffer.alloc(1000, 97 + (i % 26)));
    const result = await writeThrough(upload, records, gates, stats, note);
    expect(result.parts).toBe(Math.ceil(5_000_000 / MiB));
    expect(stats.maxInFlight).toBe(2);
    expect(counts.maxHeld).toBe(3);
    expectSameBytes((await store.getObject('records.txt'))!.body, Buffer.concat(records));
  });
});

describe('ObjectUpload with a record larger than a part', () => {
  it('writes it only when every part it seals can go up at once, holding no sealed part idle', async () => {
    const { store, gates, stats } = slowStore();
    const { pool, counts, note } = countingPool(MiB, 8);
    const upload = new ObjectUpload({ store, key: 'big.txt', pool, limiter: new Limiter(2), put: {} });
    // A record that seals a part (one upload in flight), then one of nearly two parts that seals two: it
    // must wait until both slots are free, or the second part it seals would idle holding its buffer.
    const records = [Buffer.alloc(1.2 * MiB, 97), Buffer.alloc(1.9 * MiB, 98), Buffer.alloc(700 * 1024, 99)];
    await writeThrough(upload, records, gates, stats, note);
    expect(stats.maxInFlight).toBe(2);
    expect(counts.maxHeld).toBe(3);
    expectSameBytes((await store.getObject('big.txt'))!.body, Buffer.concat(records));
  });
});

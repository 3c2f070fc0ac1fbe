import { BufferPool, ObjectUpload } from '../../src/cos/object-upload';
import { MemoryObjectStore } from '../../src/cos/memory-store';
import { Limiter } from '../../src/util/limiter';
import { expectSameBytes } from '../support/bytes';

const MiB = 1024 * 1024;

/** A store whose part uploads hang until the test lets them go, counting how many are in flight. */
function slowStore() {
  const store = new MemoryObjectStore('bucket-1250000000', true);
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

describe('ObjectUpload', () => {
  it('keeps as many parts in flight as the limiter allows while the writer drains between parts', async () => {
    const { store, gates, stats } = slowStore();
    const upload = new ObjectUpload({ store, key: 'k.txt', pool: new BufferPool(MiB, 4), limiter: new Limiter(2), put: {} });
    const parts = [0, 1, 2, 3, 4].map((i) => Buffer.alloc(MiB, 97 + i));
    let written = 0;
    const writer = (async () => {
      for (const part of parts) {
        upload.append(part);
        written++;
        if (upload.needsDrain) await upload.drain();
      }
    })();
    for (let i = 0; i < 10; i++) await settle();
    // Two parts hang in the store; the third, sealed, waits for a slot, so the writer waits too.
    expect(stats.inFlight).toBe(2);
    expect(written).toBe(3);
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

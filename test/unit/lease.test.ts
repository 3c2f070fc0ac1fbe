// The partition lease over the in-memory store, with time moved by hand: the store's clock stands for
// COS's, the holders' clocks for the functions' own, which need not agree with it.
import { MemoryObjectStore } from '../../src/cos/memory-store';
import { acquireLease, LeaseLostError, type AcquireResult } from '../../src/lease/lease';
import { ManualClock } from '../support/clock';

const FOLDER = 'p/_ckafka-cos/leases/ckafka-test/topic-test/0/';
const TTL = 30_000;

function holder(requestId: string) {
  return { requestId, functionName: 'consumer', startedAt: '' };
}

function taken(result: AcquireResult) {
  if (!result.acquired) throw new Error(`expected to acquire, held by ${result.holder.holder.requestId}`);
  return result;
}

describe('lease', () => {
  it('renews while its holder lives, so a contender finds it held however long the dump takes', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    const { lease } = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: cos }));
    for (let i = 0; i < 10; i++) {
      await cos.advance(TTL / 3);
      const contender = await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos });
      expect(contender).toMatchObject({ acquired: false, holder: { holder: { requestId: 'a' } } });
    }
    await expect(lease.assertHeld()).resolves.toBeUndefined();
    await lease.release();
  });

  it('is free once its holder stops renewing for the TTL, judged by the store clock alone', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    // The crashed holder's own clock runs an hour ahead of COS's: it must not matter.
    const crashed = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: new ManualClock(cos.now() + 3_600_000) }));
    crashed.lease.stop();
    await cos.advance(TTL);
    expect(await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos })).toMatchObject({ acquired: false });
    await cos.advance(1_000);
    const next = taken(await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos }));
    expect(next.lease.epoch).toBe(crashed.lease.epoch + 1);
    await next.lease.release();
  });

  it('tells a holder that stalled past its lease that it lost it, before its next irreversible step', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    const own = new ManualClock(cos.now());
    const zombie = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: own, renewEveryMs: 3_600_000 }));
    await cos.advance(TTL + 1_000);
    const successor = taken(await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos }));
    // The zombie's own clock has not moved: its renewal looks recent to it, but the newer epoch is seen.
    await expect(zombie.lease.assertHeld()).rejects.toThrow(new LeaseLostError(`lease ${zombie.lease.key} was taken over (${successor.lease.key} exists)`));
    await successor.lease.release();
  });

  it('stops a holder whose renewals have failed for two thirds of the TTL, even before anyone takes over', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    const own = new ManualClock(cos.now());
    const { lease } = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: own, renewEveryMs: 3_600_000 }));
    store.putObject = async () => Promise.reject(new Error('COS unreachable'));
    await own.advance(20_001);
    await expect(lease.assertHeld()).rejects.toThrow(/not renewed for 20001 ms/);
  });

  it('is free at once when released, and hands the uploads in flight of a crashed holder to its successor', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    const first = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: cos }));
    await first.lease.release();
    const second = taken(await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos }));
    await second.lease.trackUploads([{ key: 'data.txt', uploadId: 'u-1' }]);
    second.lease.stop();
    await cos.advance(TTL + 1_000);
    const third = taken(await acquireLease({ store, folder: FOLDER, holder: holder('c'), ttlMs: TTL, clock: cos }));
    expect(third.previous?.uploads).toEqual([{ key: 'data.txt', uploadId: 'u-1' }]);
    await third.lease.release();
  });

  it('keeps naming the uploads a crashed holder left until a successor has aborted them, even across a second crash', async () => {
    const cos = new ManualClock();
    const store = new MemoryObjectStore({ clock: cos });
    const first = taken(await acquireLease({ store, folder: FOLDER, holder: holder('a'), ttlMs: TTL, clock: cos }));
    await first.lease.trackUploads([{ key: 'data.txt', uploadId: 'u-1' }]);
    first.lease.stop();
    await cos.advance(TTL + 1_000);
    // The second holder dies before it has aborted the leftover upload.
    const second = taken(await acquireLease({ store, folder: FOLDER, holder: holder('b'), ttlMs: TTL, clock: cos }));
    expect(second.lease.leftoverUploads).toEqual([{ key: 'data.txt', uploadId: 'u-1' }]);
    await second.lease.trackUploads([{ key: 'other.txt', uploadId: 'u-2' }]);
    second.lease.stop();
    await cos.advance(TTL + 1_000);
    const third = taken(await acquireLease({ store, folder: FOLDER, holder: holder('c'), ttlMs: TTL, clock: cos }));
    expect(third.lease.leftoverUploads).toEqual([
      { key: 'data.txt', uploadId: 'u-1' },
      { key: 'other.txt', uploadId: 'u-2' },
    ]);
    await third.lease.clearLeftoverUploads();
    await third.lease.release();
    const fourth = taken(await acquireLease({ store, folder: FOLDER, holder: holder('d'), ttlMs: TTL, clock: cos }));
    expect(fourth.lease.leftoverUploads).toEqual([]);
    await fourth.lease.release();
  });
});

import { createHash } from 'node:crypto';
import { Md5Workers } from '../../src/local/cos-server/md5-workers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 11)) & 0xff;
  return b;
}

describe('MD5 on worker threads', () => {
  const workers = new Md5Workers(2);
  afterAll(() => workers.close());

  it('hashes sessions fed in interleaved blocks as one hash of each body, whatever the block sizes', async () => {
    const bodies = [bytes(3_000_001, 1), bytes(0, 2), bytes(65_536, 3), bytes(1_048_577, 4), bytes(17, 5)];
    const sessions = bodies.map(() => workers.session());
    const cuts = [1, 4096, 65_536, 1_000_003];
    const at = bodies.map(() => 0);
    for (let round = 0; bodies.some((b, i) => at[i]! < b.length); round++) {
      bodies.forEach((body, i) => {
        if (at[i]! >= body.length) return;
        // Each block as several chunks, as a socket gives them.
        const end = Math.min(body.length, at[i]! + cuts[(round + i) % cuts.length]!);
        const chunks = [body.subarray(at[i]!, Math.min(end, at[i]! + 700)), body.subarray(Math.min(end, at[i]! + 700), end)];
        void sessions[i]!.update(chunks, end - at[i]!);
        at[i] = end;
      });
    }
    expect(await Promise.all(sessions.map((s) => s.digest()))).toEqual(bodies.map(md5));
  });

  it('leaves the chunks it is given as they were, even when they share memory with others', async () => {
    const memory = bytes(10_000, 6);
    const copy = Buffer.from(memory);
    const session = workers.session();
    await session.update([memory.subarray(0, 4000), memory.subarray(4000, 6000)], 6000);
    expect(await session.digest()).toBe(md5(copy.subarray(0, 6000)));
    expect(memory.equals(copy)).toBe(true);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(10_000);
  });

  it('reuses the blocks its workers give back, hashing only the bytes given when a block is bigger', async () => {
    const pool = new Md5Workers(2);
    try {
      const spare = (pool as unknown as { spare: ArrayBuffer[] }).spare;
      // A small body (a manifest, a lease) gets a block of its own size and leaves none behind.
      const small = Buffer.from('ten bytes!');
      const manifest = pool.session();
      await manifest.update([small], small.length);
      expect(await manifest.digest()).toBe(md5(small));
      expect(spare).toHaveLength(0);
      const big = bytes(2_500_000, 8);
      const first = pool.session();
      await first.update([big], big.length);
      // The digest answers after the block's return on the same worker: the block is spare by now.
      expect(await first.digest()).toBe(md5(big));
      expect(spare.map((b) => b.byteLength)).toEqual([3 * 1024 * 1024]);
      const smaller = bytes(1_500_000, 9);
      const second = pool.session();
      await second.update([smaller], smaller.length);
      expect(spare).toHaveLength(0);
      expect(await second.digest()).toBe(md5(smaller));
    } finally {
      await pool.close();
    }
  });

  it('goes on with the other sessions when one is dropped', async () => {
    const dropped = workers.session();
    const kept = workers.session();
    const body = bytes(200_000, 7);
    await dropped.update([body], body.length);
    await kept.update([body.subarray(0, 100_000)], 100_000);
    dropped.drop();
    await kept.update([body.subarray(100_000)], 100_000);
    expect(await kept.digest()).toBe(md5(body));
  });

  it('refuses to digest once its worker has ended, naming why, rather than waiting forever', async () => {
    const failing = new Md5Workers(1);
    const first = failing.session();
    await first.update([Buffer.from('abc')], 3);
    expect(await first.digest()).toBe(md5(Buffer.from('abc')));
    await (failing as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers[0]!.terminate();
    const after = failing.session();
    await expect(after.update([Buffer.from('abc')], 3)).rejects.toThrow(/MD5 worker exited/);
    await expect(after.digest()).rejects.toThrow(/MD5 worker exited/);
    await failing.close();
  });
});

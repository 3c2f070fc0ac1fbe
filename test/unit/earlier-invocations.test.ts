import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { releaseEarlierInvocations } from '../../src/util/earlier-invocations';

const MiB = 1024 * 1024;
const nextTask = () => new Promise((resolve) => setImmediate(resolve));

describe('releaseEarlierInvocations', () => {
  it('frees the dead buffers an earlier invocation left in the old generation, and only from the second invocation on', async () => {
    // The first invocation of a process has nothing to free and pays nothing.
    expect(releaseEarlierInvocations()).toBe(0);

    // What an invocation leaves: part-sized buffers that lived long enough to reach the old generation
    // (two scavenges promote them), then dropped. Only a full collection frees those.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
    let parts: Buffer[] | undefined = Array.from({ length: 6 }, () => Buffer.alloc(8 * MiB, 1));
    const refs = parts.map((part) => new WeakRef(part));
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    parts = undefined;
    // A WeakRef's target stays alive until the end of the task that made it or last dereferenced it.
    await nextTask();
    gc({ type: 'minor' });
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(6);
    await nextTask();

    releaseEarlierInvocations();

    // Collected: their memory goes back as V8 sweeps their backing stores (concurrently, so not counted here).
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});

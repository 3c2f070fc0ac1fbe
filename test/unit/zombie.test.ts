// A zombie: a consumer that stalls (a frozen process, a long GC, a network partition) past its lease while
// its successor takes the partition over, then wakes up in the middle of an irreversible step. Each step
// is tried (the manifest, the data object, the group commit), as docs/exactly-once.md point 5 argues:
// whatever the zombie does, every record ends up in COS exactly once.
import { gunzipSync } from 'node:zlib';
import { MemoryObjectStore } from '../../src/cos/memory-store';
import type { PutOptions } from '../../src/cos/store';
import { parseChainHead } from '../../src/dump/chain';
import { BOOKKEEPING_SEGMENT, leaseFolder } from '../../src/dump/keys';
import { dumpPartition, PlanConflictError, type DumpSettings } from '../../src/dump/partition-dumper';
import { acquireLease, LeaseLostError } from '../../src/lease/lease';
import { expectSameBytes } from '../support/bytes';
import { TEST_DUMP_SETTINGS } from '../support/dump-settings';
import { ManualClock, settle } from '../support/clock';
import { FakeLog } from '../support/fake-log';

const T0 = Date.UTC(2026, 0, 1, 10, 0);
const TTL = 30_000;
const layout = { prefix: 'z/', instanceId: 'ckafka-test', topicId: 'topic-test' };
const settings: DumpSettings = TEST_DUMP_SETTINGS;

/** COS (its clock is the store's) with a gate that freezes the zombie's first request of a kind. */
function world() {
  const cos = new ManualClock(T0 + 86_400_000);
  const store = new MemoryObjectStore({ clock: cos });
  let gate: { match: (key: string) => boolean; reached: () => void; open: Promise<void> } | undefined;
  const put = store.putObject.bind(store);
  store.putObject = async (key: string, body: Buffer, options?: PutOptions) => {
    const g = gate;
    if (g?.match(key)) {
      gate = undefined;
      g.reached();
      await g.open;
    }
    return put(key, body, options);
  };
  /** The next PUT whose key matches stalls until `wake()`; `stalled` resolves once it does. */
  const freeze = (match: (key: string) => boolean) => {
    let wake!: () => void;
    let reached!: () => void;
    const stalled = new Promise<void>((resolve) => (reached = resolve));
    gate = { match, reached, open: new Promise<void>((resolve) => (wake = resolve)) };
    return { stalled, wake };
  };
  return { cos, store, freeze };
}

async function consumer(name: string, log: FakeLog, store: MemoryObjectStore, clock: ManualClock, overrides: Partial<DumpSettings> = {}) {
  const taken = await acquireLease({ store, folder: leaseFolder(layout, 0), holder: { requestId: name, functionName: 'consumer', startedAt: '' }, ttlMs: TTL, clock, renewEveryMs: 3_600_000 });
  if (!taken.acquired) throw new Error(`${name}: lease held by ${taken.holder.holder.requestId}`);
  const run = dumpPartition({ log, store, layout, lease: taken.lease, head: parseChainHead(taken.previous?.state), settings: { ...settings, ...overrides }, readDeadline: Infinity, writer: name, clock });
  return run.finally(() => taken.lease.stop());
}

function dumped(store: MemoryObjectStore): Buffer {
  const keys = [...store.objects.keys()].filter((k) => !k.includes(BOOKKEEPING_SEGMENT)).sort();
  return Buffer.concat(keys.map((k) => (k.endsWith('.gz') ? gunzipSync(store.objects.get(k)!.body) : store.objects.get(k)!.body)));
}

async function logWith(count: number): Promise<{ log: FakeLog; lines: Buffer }> {
  const log = new FakeLog();
  const values = Array.from({ length: count }, (_, i) => `v${i}`);
  await log.append(values.map((value, i) => ({ value, timestamp: T0 + i })));
  return { log, lines: Buffer.from(values.map((v) => `${v}\n`).join('')) };
}

describe('a zombie consumer', () => {
  it('that wakes inside its manifest write loses to the successor\'s plan and writes no data', async () => {
    const { cos, store, freeze } = world();
    const { log, lines } = await logWith(20);
    const frozen = freeze((key) => key.includes('/manifests/'));
    const zombie = consumer('zombie', log, store, new ManualClock(cos.now()));
    await frozen.stalled;
    // More records arrive, the zombie's lease runs out by COS's clock, and a successor dumps them all.
    await log.append([{ value: 'late', timestamp: T0 + 100 }]);
    await cos.advance(TTL + 1000);
    await expect(consumer('successor', log, store, cos)).resolves.toMatchObject({ toOffset: 21, records: 21 });
    frozen.wake();
    await expect(zombie).rejects.toThrow(PlanConflictError);
    expectSameBytes(dumped(store), Buffer.concat([lines, Buffer.from('late\n')]));
  });

  it('that wakes inside its data write finds the successor finished its plan with the same bytes, and commits nothing', async () => {
    const { cos, store, freeze } = world();
    const { log, lines } = await logWith(20);
    const frozen = freeze((key) => !key.includes(BOOKKEEPING_SEGMENT));
    const zombie = consumer('zombie', log, store, new ManualClock(cos.now()));
    await frozen.stalled;
    await cos.advance(TTL + 1000);
    const successor = await consumer('successor', log, store, cos);
    expect(successor).toMatchObject({ toOffset: 20, records: 20 });
    const commits = log.commits.length;
    frozen.wake();
    await expect(zombie).rejects.toThrow(LeaseLostError);
    expect(log.commits.length).toBe(commits);
    expectSameBytes(dumped(store), lines);
  });

  it('whose late commit moves the group offset back leaves the chain as it is: the next consumer goes on from its end', async () => {
    const { cos, store } = world();
    const { log, lines } = await logWith(20);
    // The zombie's commit of offset 20 is held back until after the successor has committed more.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const commit = log.commit.bind(log);
    let first = true;
    log.commit = async (offset, metadata) => {
      if (first && offset === 20) {
        first = false;
        await held;
      }
      return commit(offset, metadata);
    };
    const zombie = consumer('zombie', log, store, new ManualClock(cos.now()));
    for (let i = 0; i < 50 && first; i++) await settle(1);
    expect(first).toBe(false);
    await cos.advance(TTL + 1000);
    await log.append([{ value: 'more', timestamp: T0 + 300_000 }]);
    await expect(consumer('successor', log, store, cos)).resolves.toMatchObject({ fromOffset: 20, toOffset: 21 });
    release();
    await zombie.catch(() => undefined);
    expect(log.committedOffset?.offset).toBe(20);
    // The next consumer trusts the chain, not the regressed group offset: nothing is written twice.
    await cos.advance(TTL + 1000);
    await expect(consumer('next', log, store, cos)).resolves.toMatchObject({ fromOffset: 21, toOffset: 21, records: 0 });
    expect(log.committedOffset?.offset).toBe(21);
    expectSameBytes(dumped(store), Buffer.concat([lines, Buffer.from('more\n')]));
  });
});

// The irreversible steps of a dump, on the in-memory store alone: their order, and what happens when
// another writer got there first, when a retry meets its own earlier attempt, and when the lease is gone.
import { MemoryObjectStore } from '../../src/cos/memory-store';
import { manifestKey } from '../../src/dump/keys';
import { decodeManifest, type Manifest } from '../../src/dump/manifest';
import { ObjectCommitter, PlanConflictError, type LeaseGuard } from '../../src/dump/object-committer';
import { ObjectFactory } from '../../src/dump/object-factory';
import { OffsetRange } from '../../src/dump/offset-range';
import { FORMATS } from '../../src/dump/format';
import type { KafkaRecord } from '../../src/kafka/record-batch';
import { ManualClock } from '../support/clock';

const layout = { prefix: 'p/', instanceId: 'ckafka-test', topicId: 'topic-test' };
const chain = { layout, partition: 0, generation: 0 };
const WINDOW = Date.UTC(2026, 0, 1, 10, 0);
const EMPTY_HEAD = { v: 1 as const, generation: 0, nextOffset: 0, windowStartMs: null, lastRecord: null };

function setup(lease: LeaseGuard = { assertHeld: async () => {}, trackUploads: async () => {}, recordState: async () => {} }) {
  const store = new MemoryObjectStore();
  const steps: string[] = [];
  const put = store.putObject.bind(store);
  store.putObject = async (key, body, options) => {
    steps.push(key.includes('/manifests/') ? 'manifest' : 'data');
    return put(key, body, options);
  };
  const committed: Manifest[] = [];
  const commits: number[] = [];
  const common = { store, chain, topic: 'events', format: 'lines', formatSettings: {}, compression: 'none' } as const;
  const committer = new ObjectCommitter({
    ...common,
    commit: async (offset) => {
      steps.push('commit');
      commits.push(offset);
    },
    lease,
    writer: 'req-1',
    head: EMPTY_HEAD,
    clock: new ManualClock(WINDOW),
    onCommitted: (m) => committed.push(m),
  });
  const factory = new ObjectFactory({ ...common, storageClass: 'STANDARD', partSizeBytes: 1024 * 1024, uploadConcurrency: 2, trackUpload: async () => {} });
  return { store, steps, committed, commits, committer, factory };
}

/** An object holding the given values at offsets from `start`, written as `lines` would. */
function objectWith(factory: ObjectFactory, start: number, values: string[], plan?: Manifest) {
  const range = new OffsetRange(start);
  const object = factory.open(WINDOW, range, plan);
  const format = FORMATS.lines.create(0, {});
  values.forEach((value, i) => {
    const record: KafkaRecord = { offset: start + i, timestamp: WINDOW + i, key: null, value: Buffer.from(value), headers: [] };
    format.measure(record);
    format.write(record, object.body, range);
    range.took(record, true);
  });
  return object;
}

describe('ObjectCommitter', () => {
  it('stores the manifest, then the data, then commits the end offset', async () => {
    const { store, steps, committed, commits, committer, factory } = setup();
    const object = objectWith(factory, 10, ['a', 'bb', 'ccc']);
    const manifest = await committer.commitObject(object);
    expect(steps).toEqual(['manifest', 'data', 'commit']);
    expect(commits).toEqual([13]);
    expect(manifest).toMatchObject({ key: object.key, startOffset: 10, nextOffset: 13, records: 3, bytes: 9, contentBytes: 9, windowStartMs: WINDOW, firstTimestamp: WINDOW, lastTimestamp: WINDOW + 2 });
    expect(decodeManifest(store.objects.get(manifestKey(chain, 10))!.body, 'm')).toEqual(manifest);
    expect(store.objects.get(object.key)!.body.toString()).toBe('a\nbb\nccc\n');
    expect(committed).toEqual([manifest]);
  });

  it('stops without data or commit when another writer stored a different plan for the same start', async () => {
    const { store, steps, commits, committer, factory } = setup();
    const theirs = setup();
    await theirs.committer.commitObject(objectWith(theirs.factory, 0, ['x', 'y']));
    store.objects.set(manifestKey(chain, 0), theirs.store.objects.get(manifestKey(chain, 0))!);
    const object = objectWith(factory, 0, ['x', 'y', 'z']);
    await expect(committer.commitObject(object)).rejects.toThrow(PlanConflictError);
    expect(steps).toEqual(['manifest']);
    expect(store.objects.has(object.key)).toBe(false);
    expect(commits).toEqual([]);
  });

  it('finishes a plan left by a crashed attempt: the same range, the same key, no second manifest', async () => {
    const first = setup();
    const manifest = await first.committer.commitObject(objectWith(first.factory, 5, ['p', 'q']));
    first.store.objects.delete(manifest.key!); // the data object never got stored
    const { store, steps, commits, committer, factory } = first;
    steps.length = 0;
    await committer.commitObject(objectWith(factory, 5, ['p', 'q'], manifest));
    expect(steps).toEqual(['data', 'commit']);
    expect(store.objects.get(manifest.key!)!.body.toString()).toBe('p\nq\n');
    expect(commits).toEqual([7, 7]);
  });

  it('refuses to finish a plan the records no longer match', async () => {
    const { store, committer, factory, commits } = setup();
    const manifest = await committer.commitObject(objectWith(factory, 0, ['p', 'q']));
    store.objects.delete(manifest.key!);
    await expect(committer.commitObject(objectWith(factory, 0, ['p'], manifest))).rejects.toThrow(/says 2 for \.\.1/);
    expect(store.objects.has(manifest.key!)).toBe(false);
    expect(commits).toEqual([2]);
  });

  it('accepts a data object its own earlier attempt stored with the same size, and refuses one of another size', async () => {
    const { store, committer, factory } = setup();
    const manifest = await committer.commitObject(objectWith(factory, 0, ['same']));
    await expect(committer.commitObject(objectWith(factory, 0, ['same'], manifest))).resolves.toMatchObject({ nextOffset: 1 });
    store.objects.get(manifest.key!)!.size = 99;
    await expect(committer.commitObject(objectWith(factory, 0, ['same'], manifest))).rejects.toThrow(/exists with 99 bytes where its manifest says 5/);
  });

  it('writes nothing once the lease is lost', async () => {
    const lost = new Error('lease lost');
    const { store, steps, committer, factory } = setup({ assertHeld: async () => Promise.reject(lost), trackUploads: async () => {}, recordState: async () => {} });
    await expect(committer.commitObject(objectWith(factory, 0, ['a']))).rejects.toBe(lost);
    await expect(committer.commitRange(Object.assign(new OffsetRange(0), { nextOffset: 4, tombstones: 4 }))).rejects.toBe(lost);
    expect(steps).toEqual([]);
    expect(store.objects.size).toBe(0);
  });

  it('records a range without data as a manifest without a key, so the chain has no gap', async () => {
    const { store, steps, commits, committer } = setup();
    const range = new OffsetRange(20);
    range.skipTo(23);
    const manifest = await committer.commitRange(range);
    expect(steps).toEqual(['manifest', 'commit']);
    expect(manifest).toMatchObject({ key: null, startOffset: 20, nextOffset: 23, skippedOffsets: 3, records: 0 });
    expect(commits).toEqual([23]);
    expect([...store.objects.keys()]).toEqual([manifestKey(chain, 20)]);
  });
});

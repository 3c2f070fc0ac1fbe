// Who holds a partition's lease, read straight from COS the way docs/exactly-once.md describes it (the
// newest epoch object, unreleased and written within the TTL by COS's own clock): an oracle for tests,
// apart from the product's lease code.
import { listAll, type ObjectStore } from '../../src/cos/store';

export async function leaseHolder(store: ObjectStore, folder: string, ttlMs: number): Promise<{ requestId: string; ageMs: number } | undefined> {
  let newest: string | undefined;
  for await (const object of listAll(store, folder)) if (/^\d+$/.test(object.key.slice(folder.length))) newest = object.key;
  if (!newest) return undefined;
  const stored = await store.getObject(newest);
  if (!stored) return leaseHolder(store, folder, ttlMs); // replaced while being read: look again
  const record = JSON.parse(stored.body.toString('utf8')) as { released: boolean; holder: { requestId: string } };
  const ageMs = stored.serverTime.getTime() - stored.lastModified.getTime();
  return !record.released && ageMs <= ttlMs ? { requestId: record.holder.requestId, ageMs } : undefined;
}

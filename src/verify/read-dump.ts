// Loads what COS holds for a topic's dump: every manifest and every data object, by partition.
import { listAll, type ObjectStore } from '../cos/store';
import { BOOKKEEPING_SEGMENT, normalizePrefix, parseDataObjectKey, type Layout } from '../dump/keys';
import { decodeManifest, type Manifest } from '../dump/manifest';
import type { StoredDataObject } from './audit';

export interface PartitionDump {
  partition: number;
  manifests: Manifest[];
  objects: StoredDataObject[];
}

export async function readDump(store: ObjectStore, layout: Layout): Promise<Map<number, PartitionDump>> {
  const prefix = normalizePrefix(layout.prefix);
  const partitions = new Map<number, PartitionDump>();
  const entry = (partition: number) => {
    let dump = partitions.get(partition);
    if (!dump) partitions.set(partition, (dump = { partition, manifests: [], objects: [] }));
    return dump;
  };
  const manifestRoot = `${prefix}${BOOKKEEPING_SEGMENT}/manifests/${layout.instanceId}/${layout.topicId}/`;
  for await (const object of listAll(store, manifestRoot)) {
    const partition = Number(object.key.slice(manifestRoot.length).split('/')[0]);
    const stored = await store.getObject(object.key);
    if (!stored || !Number.isInteger(partition)) continue;
    entry(partition).manifests.push(decodeManifest(stored.body, object.key));
  }
  for await (const object of listAll(store, `${prefix}${layout.instanceId}/${layout.topicId}/`)) {
    const parts = parseDataObjectKey(object.key);
    if (parts) entry(parts.partition).objects.push({ key: object.key, size: object.size });
  }
  for (const dump of partitions.values()) dump.manifests.sort((a, b) => a.startOffset - b.startOffset);
  return partitions;
}

// Loads what COS holds for a topic's dump: every manifest and every data object, by partition and chain
// (a topic re-created under the same name has a chain of its own beside the old one). A plan given up
// after retention deleted its records is read as what it became: a lost range whose key holds nothing.
import { listAll, type ObjectStore } from '../cos/store';
import { decodeAbandonedPlan, type AbandonedPlan } from '../dump/chain';
import { dataFolder, manifestRoot, parseDataObjectKey, parseManifestPath, type Layout } from '../dump/keys';
import { decodeManifest, type Manifest } from '../dump/manifest';
import type { StoredDataObject } from './audit';

export interface ChainDump {
  partition: number;
  /** 0 for the first chain; 1, 2, ... after the topic was re-created. */
  generation: number;
  manifests: Manifest[];
  objects: StoredDataObject[];
}

/** A plan given up: the range it covered up to where the chain went on is lost, its key claimed empty. */
function asAbandoned(plan: Manifest, abandoned: AbandonedPlan): Manifest {
  return { ...plan, nextOffset: abandoned.continuesAt, records: 0, bytes: abandoned.emptyBytes, contentBytes: 0, lostOffsets: abandoned.continuesAt - plan.startOffset };
}

export async function readDump(store: ObjectStore, layout: Layout): Promise<ChainDump[]> {
  const chains = new Map<string, ChainDump>();
  const chainOf = (partition: number, generation: number) => {
    const id = `${partition}/${generation}`;
    let chain = chains.get(id);
    if (!chain) chains.set(id, (chain = { partition, generation, manifests: [], objects: [] }));
    return chain;
  };
  const root = manifestRoot(layout);
  const abandoned = new Map<string, AbandonedPlan>();
  for await (const object of listAll(store, root)) {
    const path = parseManifestPath(object.key.slice(root.length));
    const stored = path && (await store.getObject(object.key));
    if (!path || !stored) continue;
    if (path.abandoned) abandoned.set(`${path.partition}/${path.generation}/${path.startOffset}`, decodeAbandonedPlan(stored.body, object.key));
    else chainOf(path.partition, path.generation).manifests.push(decodeManifest(stored.body, object.key));
  }
  for await (const object of listAll(store, dataFolder(layout))) {
    const parts = parseDataObjectKey(object.key);
    if (parts) chainOf(parts.partition, parts.generation).objects.push({ key: object.key, size: object.size });
  }
  for (const chain of chains.values()) {
    chain.manifests = chain.manifests
      .map((m) => {
        const given = abandoned.get(`${chain.partition}/${chain.generation}/${m.startOffset}`);
        return given ? asAbandoned(m, given) : m;
      })
      .sort((a, b) => a.startOffset - b.startOffset);
  }
  return [...chains.values()].sort((a, b) => a.partition - b.partition || a.generation - b.generation);
}

/** The partition's newest chain: the one the dump extends now (empty when nothing is stored). */
export function newestChain(dump: ChainDump[], partition: number): ChainDump {
  const chains = dump.filter((c) => c.partition === partition);
  return chains[chains.length - 1] ?? { partition, generation: 0, manifests: [], objects: [] };
}

// The chain of manifests a partition's dump leaves in COS: each manifest names its successor's start
// offset. Reading it forward from an offset finds objects earlier invocations stored but did not commit
// (a crash between upload and commit, or a regressed commit), and a plan to finish (a manifest whose data
// object was never completed).
import type { ObjectStore } from '../cos/store';
import { manifestKey, type Layout } from './keys';
import { decodeManifest, type Manifest } from './manifest';

export interface ChainPosition {
  /** Where the chain continues: the first offset no stored manifest covers, or a plan's start. */
  offset: number;
  /** Window of the last object passed: windows never go back within a partition. */
  floorWindow?: number;
  /** Manifests (with their objects) stored by earlier invocations and passed over here. */
  adopted: Manifest[];
  /** A manifest without its data object: the object to finish exactly as planned. */
  plan?: Manifest;
}

export async function followChain(store: ObjectStore, layout: Layout, partition: number, from: number, floorWindow: number | undefined): Promise<ChainPosition> {
  const position: ChainPosition = { offset: from, floorWindow, adopted: [] };
  for (;;) {
    const key = manifestKey(layout, partition, position.offset);
    const stored = await store.getObject(key);
    if (!stored) return position;
    const manifest = decodeManifest(stored.body, key);
    if (manifest.startOffset !== position.offset || manifest.partition !== partition) {
      throw new Error(`manifest ${key} describes ${manifest.partition}@${manifest.startOffset}, not ${partition}@${position.offset}`);
    }
    if (manifest.key !== null && !(await store.headObject(manifest.key))) return { ...position, plan: manifest };
    position.adopted.push(manifest);
    position.floorWindow = manifest.windowStartMs ?? position.floorWindow;
    position.offset = manifest.nextOffset;
  }
}

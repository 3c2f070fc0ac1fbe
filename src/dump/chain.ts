// The chain of manifests a partition's dump leaves in COS is the source of truth for where the dump
// stands: each manifest names its successor's start offset. This module finds the chain's end in a
// bounded number of requests however long the chain is, and reads forward from a known boundary: past
// objects earlier invocations stored but did not commit, to a plan to finish (a manifest whose data object
// was never completed), or past a plan that was given up because its records were deleted before it was.
import * as z from '../util/zod';
import { createOrRead, listAll, type ObjectStore } from '../cos/store';
import { abandonedPlanKey, manifestFolder, manifestKey, parseStartMarkerPath, startFolder, type ChainRef, type Layout } from './keys';
import { decodeManifest, type Manifest } from './manifest';

/** Where a chain ends, as its lease holder last recorded it: a boundary at or before the end, never after. */
export const ChainHeadSchema = z.object({
  v: z.literal(1),
  generation: z.number().check(z.int(), z.nonnegative()),
  nextOffset: z.number().check(z.int(), z.nonnegative()),
  windowStartMs: z.nullable(z.number().check(z.int())),
  /** The last record of the chain's last data object: recognises the log the chain was read from. */
  lastRecord: z.nullable(z.object({ offset: z.number().check(z.int(), z.nonnegative()), timestamp: z.number().check(z.int()) })),
});

export type ChainHead = z.infer<typeof ChainHeadSchema>;

/** A lease's state as a chain head; anything else (an older version's lease, or none) is no head. */
export function parseChainHead(state: unknown): ChainHead | undefined {
  const parsed = ChainHeadSchema.safeParse(state);
  return parsed.success ? parsed.data : undefined;
}

/** The head once `manifest` is stored: its end, and its window and last record when it has them. */
export function headAfter(manifest: Manifest, generation: number, previous: ChainHead | undefined): ChainHead {
  const lastRecord = manifest.lastRecordOffset !== null ? { offset: manifest.lastRecordOffset, timestamp: manifest.lastRecordTimestamp ?? -1 } : (previous?.lastRecord ?? null);
  return { v: 1, generation, nextOffset: manifest.nextOffset, windowStartMs: manifest.windowStartMs ?? previous?.windowStartMs ?? null, lastRecord };
}

/** Says that a plan can never be finished (its first records were deleted first) and where the chain goes on. */
export const AbandonedPlanSchema = z.object({
  startOffset: z.number().check(z.int(), z.nonnegative()),
  /** The plan's first offsets [startOffset, continuesAt) were lost; the chain's next range starts here. */
  continuesAt: z.number().check(z.int(), z.positive()),
  /** The plan's data key holds an empty object of this size, so that no late writer can complete it. */
  emptyBytes: z.number().check(z.int(), z.nonnegative()),
  reason: z.string(),
  createdAt: z.string(),
  writer: z.string(),
});

export type AbandonedPlan = z.infer<typeof AbandonedPlanSchema>;

export function decodeAbandonedPlan(body: Buffer, key: string): AbandonedPlan {
  const parsed = AbandonedPlanSchema.safeParse(JSON.parse(body.toString('utf8')));
  if (!parsed.success) throw new Error(`${key} is not a record of an abandoned plan: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export interface ChainPosition {
  /** Where the chain continues: the first offset no stored manifest covers, or a plan's start. */
  offset: number;
  /** Window of the last object passed: windows never go back within a partition. */
  floorWindow?: number;
  /** The last record of the last data object passed, if any was. */
  lastRecord?: ChainHead['lastRecord'];
  /** Manifests stored by earlier invocations and passed over here (with their objects, or abandoned). */
  adopted: Manifest[];
  /** Offsets of abandoned plans passed over: lost before they could be stored. */
  lost: Array<{ from: number; to: number }>;
  /** A manifest without its data object: the object to finish exactly as planned. */
  plan?: Manifest;
  /** A plan whose data key was claimed empty by an abandonment that did not get to record where to go on. */
  abandoning?: Manifest;
}

/** Reads the chain forward from `from`, a boundary of it, to its end. */
export async function followChain(store: ObjectStore, chain: ChainRef, from: number, start: Pick<ChainPosition, 'floorWindow' | 'lastRecord'> = {}): Promise<ChainPosition> {
  const position: ChainPosition = { offset: from, ...start, adopted: [], lost: [] };
  for (;;) {
    const key = manifestKey(chain, position.offset);
    const stored = await store.getObject(key);
    if (!stored) return position;
    const manifest = decodeManifest(stored.body, key);
    if (manifest.startOffset !== position.offset || manifest.partition !== chain.partition) {
      throw new Error(`manifest ${key} describes ${manifest.partition}@${manifest.startOffset}, not ${chain.partition}@${position.offset}`);
    }
    if (manifest.key !== null) {
      const data = await store.headObject(manifest.key);
      if (data?.size !== manifest.bytes) {
        const abandoned = await store.getObject(abandonedPlanKey(chain, manifest.startOffset));
        if (!abandoned) return { ...position, ...(data ? { abandoning: manifest } : { plan: manifest }) };
        const record = decodeAbandonedPlan(abandoned.body, abandonedPlanKey(chain, manifest.startOffset));
        position.adopted.push(manifest);
        position.lost.push({ from: manifest.startOffset, to: record.continuesAt });
        position.offset = record.continuesAt;
        continue;
      }
    }
    position.adopted.push(manifest);
    position.floorWindow = manifest.windowStartMs ?? position.floorWindow;
    if (manifest.lastRecordOffset !== null) position.lastRecord = { offset: manifest.lastRecordOffset, timestamp: manifest.lastRecordTimestamp ?? -1 };
    position.offset = manifest.nextOffset;
  }
}

/** Records that the plan at `plan.startOffset` is given up; returns the record that won (ours or another's). */
export async function recordAbandonedPlan(store: ObjectStore, chain: ChainRef, record: AbandonedPlan): Promise<AbandonedPlan> {
  const key = abandonedPlanKey(chain, record.startOffset);
  const { body } = await createOrRead(store, key, Buffer.from(`${JSON.stringify(record, null, 1)}\n`));
  return decodeAbandonedPlan(body, key);
}

/** The generations of a partition's chains that have a start marker (a first chain started from a committed offset has none). */
export async function chainGenerations(store: ObjectStore, layout: Layout, partition: number): Promise<number[]> {
  const folder = startFolder(layout, partition);
  const generations: number[] = [];
  for await (const object of listAll(store, folder)) {
    const generation = parseStartMarkerPath(object.key.slice(folder.length));
    if (generation !== undefined) generations.push(generation);
  }
  return generations.sort((a, b) => a - b);
}

const MANIFEST_NAME = /^(\d{20})(?:\.abandoned)?\.json$/;

/**
 * The start offset of the chain's last manifest, found by listing from markers (never a full listing): each
 * probe asks for the first manifest after an offset, so galloping then halving the gap takes about two
 * requests per bit of the offset. `guess` (a committed offset, say) usually puts the first probe near the end.
 */
export async function lastManifestStart(store: ObjectStore, chain: ChainRef, guess?: number): Promise<number | undefined> {
  const folder = manifestFolder(chain);
  /** The start offset of the first manifest at or after `offset`, if any. */
  const firstFrom = async (offset: number): Promise<number | undefined> => {
    const marker = offset > 0 ? `${folder}${String(offset - 1).padStart(20, '0')}.json` : undefined;
    const page = await store.listObjects(folder, { marker, maxKeys: 1 });
    const name = page.objects[0]?.key.slice(folder.length);
    // Anything else after the marker (a later chain's folder, `g1/...`) means no manifest of this chain follows.
    const m = name === undefined ? null : MANIFEST_NAME.exec(name);
    return m ? Number(m[1]) : undefined;
  };
  let low = guess !== undefined ? await firstFrom(guess) : undefined;
  if (low === undefined) low = await firstFrom(0);
  if (low === undefined) return undefined;
  // Gallop: `low` is a manifest's start; find a `high` with no manifest at or after it.
  let step = 1;
  let high: number;
  for (;;) {
    const probe = low + step;
    const found = await firstFrom(probe);
    if (found === undefined) {
      high = probe;
      break;
    }
    low = found;
    step *= 2;
  }
  // Halve: a manifest starts at `low`, none at or after `high`.
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    const found = await firstFrom(mid);
    if (found === undefined) high = mid;
    else low = found;
  }
  return low;
}

/**
 * The newest chain of a partition and, when it has stored anything, the position of its end: from the head
 * the last lease holder recorded, else from the last manifest. `guess` (the group's offset) speeds the search.
 */
export async function locateChainEnd(store: ObjectStore, layout: Layout, partition: number, head: ChainHead | undefined, guess?: number): Promise<{ chain: ChainRef; position?: ChainPosition }> {
  const generations = await chainGenerations(store, layout, partition);
  const chain: ChainRef = { layout, partition, generation: Math.max(0, head?.generation ?? 0, ...generations) };
  const known = head?.generation === chain.generation ? head : undefined;
  const from = known?.nextOffset ?? (await lastManifestStart(store, chain, guess));
  if (from === undefined) return { chain };
  return { chain, position: await followChain(store, chain, from, { floorWindow: known?.windowStartMs ?? undefined, lastRecord: known?.lastRecord }) };
}

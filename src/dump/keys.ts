// Object keys: where data, manifests and leases live. Pure string work, validated so that no input can
// produce a key that escapes the prefix or that a reader would misplace.
import { COMPRESSIONS, type CompressionName } from './compression';
import { FORMATS, type FormatName } from './format/registry';
import { utcDate } from './window';

/** Offsets are zero-padded so that key order is offset order within a window. */
export const OFFSET_DIGITS = 20;
/** Bookkeeping lives under a segment starting with `_`: Spark, Hive and Presto skip such paths. */
export const BOOKKEEPING_SEGMENT = '_ckafka-cos';
const COS_MAX_KEY_BYTES = 850;

export class UnsafeKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`unsafe object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
    this.name = 'UnsafeKeyError';
  }
}

export function validateKey(key: string): string {
  if (key.length === 0) throw new UnsafeKeyError(key, 'empty');
  if (key.startsWith('/')) throw new UnsafeKeyError(key, 'starts with "/"');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new UnsafeKeyError(key, 'contains a control character');
  if (key.split('/').some((segment) => segment === '..' || segment === '.')) throw new UnsafeKeyError(key, 'contains a "." or ".." segment');
  if (key.includes('//')) throw new UnsafeKeyError(key, 'contains an empty segment ("//")');
  if (Buffer.byteLength(key) > COS_MAX_KEY_BYTES) throw new UnsafeKeyError(key, `longer than COS's ${COS_MAX_KEY_BYTES} bytes`);
  return key;
}

/** The prefix as a folder: empty, or ending with "/", so bookkeeping gets a segment of its own. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim();
  if (trimmed === '') return '';
  validateKey(trimmed);
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

export function padOffset(offset: number): string {
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

/** How data object keys are laid out: `original` date folders, or `hive` `dt=`/`hour=` partition folders. */
export type KeyLayout = 'original' | 'hive';

export interface Layout {
  prefix: string;
  instanceId: string;
  topicId: string;
  /** Default `original`. */
  keys?: KeyLayout;
}

/**
 * A partition's chain of objects. A topic deleted and re-created under the same name starts its offsets
 * again: its objects form a new chain, generation 1, 2, ... beside the old one, never mixed with it.
 */
export interface ChainRef {
  layout: Layout;
  partition: number;
  generation: number;
}

function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value) || value === '.' || value === '..') {
    throw new UnsafeKeyError(value, `${what} must use only letters, digits, ".", "_" and "-"`);
  }
  return value;
}

export function extensionFor(format: FormatName, compression: CompressionName): string {
  return FORMATS[format].extension + COMPRESSIONS[compression].suffix;
}

/** The topic's data folder: what a query engine's table LOCATION names. */
export function dataFolder(layout: Layout): string {
  return `${normalizePrefix(layout.prefix)}${segment(layout.instanceId, 'instance id')}/${segment(layout.topicId, 'topic id')}/`;
}

/** The folders of a window: `{YYYY-MM-DD}/`, or `dt={YYYY-MM-DD}/hour={HH}/` (UTC) in the hive layout. */
function windowFolder(layout: Layout, windowStartMs: number): string {
  const date = utcDate(windowStartMs);
  return layout.keys === 'hive' ? `dt=${date}/hour=${String(new Date(windowStartMs).getUTCHours()).padStart(2, '0')}/` : `${date}/`;
}

/**
 * `{prefix}{instanceId}/{topicId}/{YYYY-MM-DD}/{windowStartMs}_{partition}_{startOffset}{ext}` (or the
 * hive folders); a chain after the first (a re-created topic) adds `_g{generation}` after the offset.
 */
export function dataObjectKey(layout: Layout, windowStartMs: number, partition: number, startOffset: number, extension: string, generation = 0): string {
  const chain = generation > 0 ? `_g${generation}` : '';
  return validateKey(`${dataFolder(layout)}${windowFolder(layout, windowStartMs)}${windowStartMs}_${partition}_${padOffset(startOffset)}${chain}${extension}`);
}

const DATA_KEY = /^(.*?)([^/]+)\/([^/]+)\/(?:(\d{4}-\d{2}-\d{2})|dt=(\d{4}-\d{2}-\d{2})\/hour=\d{2})\/(\d+)_(\d+)_(\d+)(?:_g(\d+))?(\.[a-z.]+)$/;

export interface DataKeyParts {
  prefix: string;
  instanceId: string;
  topicId: string;
  date: string;
  keys: KeyLayout;
  windowStartMs: number;
  partition: number;
  startOffset: number;
  generation: number;
  extension: string;
}

export function parseDataObjectKey(key: string): DataKeyParts | undefined {
  const m = DATA_KEY.exec(key);
  if (!m) return undefined;
  return {
    prefix: m[1]!,
    instanceId: m[2]!,
    topicId: m[3]!,
    date: (m[4] ?? m[5])!,
    keys: m[4] ? 'original' : 'hive',
    windowStartMs: Number(m[6]),
    partition: Number(m[7]),
    startOffset: Number(m[8]),
    generation: m[9] ? Number(m[9]) : 0,
    extension: m[10]!,
  };
}

function bookkeeping(layout: Layout, kind: string, partition: number): string {
  return `${normalizePrefix(layout.prefix)}${BOOKKEEPING_SEGMENT}/${kind}/${segment(layout.instanceId, 'instance id')}/${segment(layout.topicId, 'topic id')}/${partition}/`;
}

/** A chain's own folder under a partition's bookkeeping folder: none for the first chain, `g{N}/` after. */
function chainFolder(chain: ChainRef, kind: string): string {
  return `${bookkeeping(chain.layout, kind, chain.partition)}${chain.generation > 0 ? `g${chain.generation}/` : ''}`;
}

/** Folder of a chain's manifests; one per data object, named by its start offset. */
export function manifestFolder(chain: ChainRef): string {
  return chainFolder(chain, 'manifests');
}

export function manifestKey(chain: ChainRef, startOffset: number): string {
  return validateKey(`${manifestFolder(chain)}${padOffset(startOffset)}.json`);
}

/** Beside a plan that can never be finished (its records were deleted before it was): where the chain goes on. */
export function abandonedPlanKey(chain: ChainRef, startOffset: number): string {
  return validateKey(`${manifestFolder(chain)}${padOffset(startOffset)}.abandoned.json`);
}

/** Where the manifests of every chain of a topic live: `{partition}/` or `{partition}/g{N}/` below. */
export function manifestRoot(layout: Layout): string {
  return `${normalizePrefix(layout.prefix)}${BOOKKEEPING_SEGMENT}/manifests/${segment(layout.instanceId, 'instance id')}/${segment(layout.topicId, 'topic id')}/`;
}

const MANIFEST_PATH = /^(\d+)\/(?:g(\d+)\/)?(\d{20})(\.abandoned)?\.json$/;

/** The partition, generation and start offset of a key below manifestRoot(), and whether it abandons a plan. */
export function parseManifestPath(path: string): { partition: number; generation: number; startOffset: number; abandoned: boolean } | undefined {
  const m = MANIFEST_PATH.exec(path);
  return m ? { partition: Number(m[1]), generation: m[2] ? Number(m[2]) : 0, startOffset: Number(m[3]), abandoned: m[4] !== undefined } : undefined;
}

/** Folder of a partition's lease epochs (one lease for all its chains). */
export function leaseFolder(layout: Layout, partition: number): string {
  return bookkeeping(layout, 'leases', partition);
}

/** Folder of a partition's start markers: `start.json` for the first chain, `g{N}/start.json` after. */
export function startFolder(layout: Layout, partition: number): string {
  return bookkeeping(layout, 'start', partition);
}

/** Where a chain's first invocation records the start position every later one must agree on. */
export function startMarkerKey(chain: ChainRef): string {
  return validateKey(`${chainFolder(chain, 'start')}start.json`);
}

/** The generation of a key below startFolder(), when it is a start marker. */
export function parseStartMarkerPath(path: string): number | undefined {
  const m = /^(?:g(\d+)\/)?start\.json$/.exec(path);
  return m ? (m[1] ? Number(m[1]) : 0) : undefined;
}

// Object keys: where data, manifests and leases live. Pure string work, validated so that no input can
// produce a key that escapes the prefix or that a reader would misplace.
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

export interface Layout {
  prefix: string;
  instanceId: string;
  topicId: string;
}

function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value) || value === '.' || value === '..') {
    throw new UnsafeKeyError(value, `${what} must use only letters, digits, ".", "_" and "-"`);
  }
  return value;
}

export function extensionFor(format: 'lines' | 'jsonl', compression: 'none' | 'gzip'): string {
  return `${format === 'lines' ? '.txt' : '.jsonl'}${compression === 'gzip' ? '.gz' : ''}`;
}

/** `{prefix}{instanceId}/{topicId}/{YYYY-MM-DD}/{windowStartMs}_{partition}_{startOffset}{ext}` */
export function dataObjectKey(layout: Layout, windowStartMs: number, partition: number, startOffset: number, extension: string): string {
  const base = `${normalizePrefix(layout.prefix)}${segment(layout.instanceId, 'instance id')}/${segment(layout.topicId, 'topic id')}`;
  return validateKey(`${base}/${utcDate(windowStartMs)}/${windowStartMs}_${partition}_${padOffset(startOffset)}${extension}`);
}

const DATA_KEY = /^(.*?)([^/]+)\/([^/]+)\/(\d{4}-\d{2}-\d{2})\/(\d+)_(\d+)_(\d+)(\.[a-z.]+)$/;

export interface DataKeyParts {
  prefix: string;
  instanceId: string;
  topicId: string;
  date: string;
  windowStartMs: number;
  partition: number;
  startOffset: number;
  extension: string;
}

export function parseDataObjectKey(key: string): DataKeyParts | undefined {
  const m = DATA_KEY.exec(key);
  if (!m) return undefined;
  return {
    prefix: m[1]!,
    instanceId: m[2]!,
    topicId: m[3]!,
    date: m[4]!,
    windowStartMs: Number(m[5]),
    partition: Number(m[6]),
    startOffset: Number(m[7]),
    extension: m[8]!,
  };
}

function bookkeeping(layout: Layout, kind: string, partition: number): string {
  return `${normalizePrefix(layout.prefix)}${BOOKKEEPING_SEGMENT}/${kind}/${segment(layout.instanceId, 'instance id')}/${segment(layout.topicId, 'topic id')}/${partition}/`;
}

/** Folder of a partition's manifests; one per data object, named by its start offset. */
export function manifestFolder(layout: Layout, partition: number): string {
  return bookkeeping(layout, 'manifests', partition);
}

export function manifestKey(layout: Layout, partition: number, startOffset: number): string {
  return validateKey(`${manifestFolder(layout, partition)}${padOffset(startOffset)}.json`);
}

/** Folder of a partition's lease epochs. */
export function leaseFolder(layout: Layout, partition: number): string {
  return bookkeeping(layout, 'leases', partition);
}

/** Where the first invocation records the start position every later one must agree on. */
export function startMarkerKey(layout: Layout, partition: number): string {
  return validateKey(`${bookkeeping(layout, 'start', partition)}start.json`);
}

// The paging rules COS applies to its three listings (objects, multipart uploads, parts), free of I/O:
// entries in UTF-8 byte order, grouped into common prefixes by a delimiter, cut after a marker, at most
// `max` entries (items and prefixes together) a page, and the URL encoding of keys when asked for.
import { CosRequestError } from './disk-store';

export type ListEntry<T> = { kind: 'item'; item: T; key: string } | { kind: 'prefix'; key: string };

export interface Page<T> {
  entries: Array<ListEntry<T>>;
  truncated: boolean;
  /** The last entry of the page: where the next page starts after. */
  last?: ListEntry<T>;
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export interface PageOptions {
  prefix: string;
  delimiter: string;
  max: number;
  /** The marker's key: a common prefix at or before it was on an earlier page. */
  markerKey: string;
}

/** One page of the items after the marker, sorted by key (and by any tie-breaker the caller chose). */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, options: PageOptions): Page<T> {
  const { prefix, delimiter, max } = options;
  const entries: Array<ListEntry<T>> = [];
  for (const item of items) {
    const key = keyOf(item);
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (entries[entries.length - 1]?.key === common) continue;
      if (options.markerKey && compareKeys(common, options.markerKey) <= 0) continue;
      if (entries.length === max) return { entries, truncated: true, last: entries[entries.length - 1] };
      entries.push({ kind: 'prefix', key: common });
      continue;
    }
    if (entries.length === max) return { entries, truncated: true, last: entries[entries.length - 1] };
    entries.push({ kind: 'item', item, key });
  }
  return { entries, truncated: false, last: entries[entries.length - 1] };
}

/** A count parameter (max-keys, max-uploads, max-parts): an integer from 0, capped at 1000 as COS caps it. */
export function countParameter(query: Record<string, string>, name: string, fallback = 1000): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new CosRequestError(400, 'InvalidArgument', `${name} must be a non-negative integer, not "${raw}".`);
  return Math.min(1000, Number(raw));
}

/** `encoding-type=url` percent-encodes keys and prefixes in the answer; anything else but absence is refused. */
export function keyEncoder(query: Record<string, string>): (value: string) => string {
  const type = query['encoding-type'];
  if (type === undefined || type === '') return (value) => value;
  if (type !== 'url') throw new CosRequestError(400, 'InvalidArgument', `encoding-type must be "url", not "${type}".`);
  return encodeURIComponent;
}

/** v2 continuation tokens are opaque to clients: the key to continue after, base64-encoded. */
export function continuationToken(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64');
}

export function continuationKey(token: string): string {
  const key = Buffer.from(token, 'base64').toString('utf8');
  if (!token || continuationToken(key) !== token) throw new CosRequestError(400, 'InvalidArgument', 'The continuation token provided is incorrect.');
  return key;
}

// Bucket operations: create and check a bucket, list its objects (GET Bucket v1, and v2 with
// `list-type=2` as S3-style tools send it), and delete many objects at once.
import { createHash } from 'node:crypto';
import type { CosCall, Handler } from '../context';
import { CosRequestError, validateObjectKey, type DiskStore } from '../disk-store';
import type { CosOperation } from '../faults';
import { header, isoDate, LOCAL_OWNER, readSmallBody, send, sendXml } from '../http';
import { compareKeys, continuationKey, continuationToken, countParameter, keyEncoder, paginate, type Page } from '../listing';
import { parseDeleteRequest, type XmlNode } from '../xml';

const DELETE_BODY_LIMIT = 2 * 1024 * 1024;
const MAX_DELETE_KEYS = 1000;

const putBucket: Handler = async ({ req, res, route, store }) => {
  req.resume();
  const created = await store.createBucket(route.bucket, route.region ?? 'ap-guangzhou');
  if (!created) throw new CosRequestError(409, 'BucketAlreadyOwnedByYou', 'The bucket already exists.');
  send(res, 200, {});
};

const headBucket: Handler = async ({ req, res }) => {
  req.resume();
  send(res, 200, {});
};

/** One page of a bucket's keys after `after`, grouped by the delimiter. */
async function listPage({ route, store }: CosCall, after: string, max: number): Promise<Page<string>> {
  const prefix = route.query.prefix ?? '';
  const keys = (await store.keys(route.bucket, prefix)).filter((key) => !after || compareKeys(key, after) > 0);
  return paginate(keys, (key) => key, { prefix, delimiter: route.query.delimiter ?? '', max, markerKey: after });
}

async function contents(store: DiskStore, bucket: string, page: Page<string>, encode: (s: string) => string, withOwner: boolean): Promise<XmlNode[]> {
  const nodes: XmlNode[] = [];
  for (const entry of page.entries) {
    if (entry.kind !== 'item') continue;
    const meta = await store.headObject(bucket, entry.key);
    // Deleted between the listing and this look: COS lists what it finds at the time.
    if (!meta) continue;
    nodes.push({ Key: encode(entry.key), LastModified: isoDate(meta.lastModified), ETag: `"${meta.etag}"`, Size: meta.size, Owner: withOwner ? LOCAL_OWNER : undefined, StorageClass: meta.storageClass });
  }
  return nodes;
}

const commonPrefixes = (page: Page<string>, encode: (s: string) => string) => page.entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: encode(e.key) }] : []));

/** GET Bucket (List Objects), version 1: `marker` and `NextMarker`. */
const listObjects: Handler = async (call) => {
  call.req.resume();
  const { query } = call.route;
  const encode = keyEncoder(query);
  const marker = query.marker ?? '';
  const max = countParameter(query, 'max-keys');
  const page = await listPage(call, marker, max);
  sendXml(call.res, 'ListBucketResult', {
    Name: call.route.bucket,
    EncodingType: query['encoding-type'] || undefined,
    Prefix: encode(query.prefix ?? ''),
    Marker: encode(marker),
    MaxKeys: max,
    Delimiter: query.delimiter ? encode(query.delimiter) : undefined,
    IsTruncated: page.truncated,
    NextMarker: page.truncated ? encode(page.last!.key) : undefined,
    CommonPrefixes: commonPrefixes(page, encode),
    Contents: await contents(call.store, call.route.bucket, page, encode, true),
  });
};

/** List Objects version 2: `continuation-token` (opaque) or `start-after`, `KeyCount`, owners only on `fetch-owner`. */
const listObjectsV2: Handler = async (call) => {
  call.req.resume();
  const { query } = call.route;
  const encode = keyEncoder(query);
  const token = query['continuation-token'];
  const startAfter = query['start-after'] ?? '';
  const max = countParameter(query, 'max-keys');
  const page = await listPage(call, token !== undefined ? continuationKey(token) : startAfter, max);
  sendXml(call.res, 'ListBucketResult', {
    Name: call.route.bucket,
    Prefix: encode(query.prefix ?? ''),
    Delimiter: query.delimiter ? encode(query.delimiter) : undefined,
    MaxKeys: max,
    EncodingType: query['encoding-type'] || undefined,
    KeyCount: page.entries.length,
    IsTruncated: page.truncated,
    ContinuationToken: token,
    NextContinuationToken: page.truncated ? continuationToken(page.last!.key) : undefined,
    StartAfter: startAfter ? encode(startAfter) : undefined,
    Contents: await contents(call.store, call.route.bucket, page, encode, query['fetch-owner'] === 'true'),
    CommonPrefixes: commonPrefixes(page, encode),
  });
};

/** The failure COS reports for one key of a batch delete, or undefined once it is gone (or was never there). */
async function deleteOne(store: DiskStore, bucket: string, key: string): Promise<{ Key: string; Code: string; Message: string } | undefined> {
  try {
    validateObjectKey(key);
    await store.deleteObject(bucket, key);
    return undefined;
  } catch (err) {
    if (err instanceof CosRequestError) return { Key: key, Code: err.code, Message: err.message };
    throw err;
  }
}

/** DELETE Multiple Objects: up to 1000 keys; Verbose lists every key, Quiet only the failures. */
const deleteObjects: Handler = async ({ req, res, route, store }) => {
  const body = await readSmallBody(req, DELETE_BODY_LIMIT);
  const md5 = header(req, 'content-md5');
  if (md5 !== undefined && createHash('md5').update(body, 'utf8').digest('base64') !== md5) throw new CosRequestError(400, 'BadDigest', 'The Content-MD5 you specified did not match what was received.');
  const request = parseDeleteRequest(body);
  if (!request || request.keys.length === 0 || request.keys.length > MAX_DELETE_KEYS) {
    throw new CosRequestError(400, 'MalformedXML', `The XML you provided was not well-formed or did not list 1 to ${MAX_DELETE_KEYS} objects.`);
  }
  const deleted: XmlNode[] = [];
  const errors: XmlNode[] = [];
  for (const key of request.keys) {
    const failure = await deleteOne(store, route.bucket, key);
    if (failure) errors.push(failure);
    else if (!request.quiet) deleted.push({ Key: key });
  }
  sendXml(res, 'DeleteResult', { Deleted: deleted, Error: errors });
};

export const bucketHandlers = {
  PutBucket: putBucket,
  HeadBucket: headBucket,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  DeleteObjects: deleteObjects,
} satisfies Partial<Record<CosOperation, Handler>>;

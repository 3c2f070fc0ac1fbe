// Multipart uploads: initiate, upload (or copy) a part, list parts, complete, abort, and list the uploads
// in progress of a bucket.
import type { Handler } from '../context';
import { parseCopyRange } from '../copy-source';
import { CosRequestError } from '../disk-store';
import type { CosOperation } from '../faults';
import { contentLength, forbidOverwrite, header, isoDate, LOCAL_OWNER, readSmallBody, send, sendXml, storageClass, storedHeaders, userMetadata } from '../http';
import { compareKeys, countParameter, keyEncoder, paginate } from '../listing';
import { parseCompleteParts } from '../xml';
import { copySourceObject } from './objects';

const COMPLETE_BODY_LIMIT = 2 * 1024 * 1024;

const initiate: Handler = async ({ req, res, route, store }) => {
  req.resume();
  const object = { contentType: header(req, 'content-type'), storageClass: storageClass(req), metadata: userMetadata(req), headers: storedHeaders(req) };
  const uploadId = await store.initiate(route.bucket, route.key, object);
  sendXml(res, 'InitiateMultipartUploadResult', { Bucket: route.bucket, Key: route.key, UploadId: uploadId });
};

function partNumber(query: Record<string, string>): number {
  return /^\d+$/.test(query.partNumber ?? '') ? Number(query.partNumber) : NaN;
}

const uploadPart: Handler = async ({ req, res, route, store }) => {
  const etag = await store.uploadPart(route.bucket, route.key, route.query.uploadId!, partNumber(route.query), req, contentLength(req));
  send(res, 200, { ETag: `"${etag}"` });
};

/** Upload Part - Copy: a range of another object (or all of it) becomes a part, streamed from disk to disk. */
const uploadPartCopy: Handler = async ({ req, res, route, store }) => {
  req.resume();
  await store.upload(route.bucket, route.key, route.query.uploadId!);
  const { source, meta } = await copySourceObject(req, store);
  const range = parseCopyRange(header(req, 'x-cos-copy-source-range'), meta.size);
  const length = range ? range.end - range.start + 1 : meta.size;
  const body = store.readObject(source.bucket, source.key, range);
  const etag = await store.uploadPart(route.bucket, route.key, route.query.uploadId!, partNumber(route.query), body, length);
  sendXml(res, 'CopyPartResult', { ETag: `"${etag}"`, LastModified: isoDate(Date.now()) });
};

const complete: Handler = async ({ req, res, route, store, events }) => {
  const parts = parseCompleteParts(await readSmallBody(req, COMPLETE_BODY_LIMIT));
  if (!parts) throw new CosRequestError(400, 'MalformedXML', 'The XML you provided was not well-formed.');
  const meta = await store.complete(route.bucket, route.key, route.query.uploadId!, parts, forbidOverwrite(req));
  events.emit('stored', route.key);
  const body = { Location: `${req.headers.host}/${route.key}`, Bucket: route.bucket, Key: route.key, ETag: `"${meta.etag}"` };
  sendXml(res, 'CompleteMultipartUploadResult', body, { ETag: `"${meta.etag}"` });
};

const abort: Handler = async ({ req, res, route, store }) => {
  req.resume();
  await store.abort(route.bucket, route.key, route.query.uploadId!);
  send(res, 204, {});
};

/** List Parts, `max-parts` at a time after `part-number-marker`. */
const listParts: Handler = async ({ req, res, route, store }) => {
  req.resume();
  const { query } = route;
  const encode = keyEncoder(query);
  const max = countParameter(query, 'max-parts');
  const markerText = query['part-number-marker'] ?? '';
  if (markerText !== '' && !/^\d+$/.test(markerText)) throw new CosRequestError(400, 'InvalidArgument', `part-number-marker must be a part number, not "${markerText}".`);
  const marker = Number(markerText || 0);
  const upload = await store.upload(route.bucket, route.key, query.uploadId!);
  const after = (await store.listParts(route.bucket, route.key, query.uploadId!)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, max);
  const truncated = after.length > max;
  sendXml(res, 'ListPartsResult', {
    Bucket: route.bucket,
    EncodingType: query['encoding-type'] || undefined,
    Key: encode(route.key),
    UploadId: query.uploadId!,
    Initiator: LOCAL_OWNER,
    Owner: LOCAL_OWNER,
    PartNumberMarker: marker,
    Part: page.map((p) => ({ PartNumber: p.partNumber, LastModified: isoDate(p.lastModified), ETag: `"${p.etag}"`, Size: p.size })),
    NextPartNumberMarker: truncated ? page[page.length - 1]!.partNumber : undefined,
    StorageClass: upload.storageClass,
    MaxParts: max,
    IsTruncated: truncated,
  });
};

/**
 * List Multipart Uploads: by key, then by upload id; `key-marker` alone skips that key's uploads, with
 * `upload-id-marker` the key's uploads with a greater id follow (as COS documents both).
 */
const listUploads: Handler = async ({ req, res, route, store }) => {
  req.resume();
  const { query } = route;
  const encode = keyEncoder(query);
  const prefix = query.prefix ?? '';
  const delimiter = query.delimiter ?? '';
  const keyMarker = query['key-marker'] ?? '';
  const uploadIdMarker = keyMarker ? (query['upload-id-marker'] ?? '') : '';
  const max = countParameter(query, 'max-uploads');
  const uploads = await store.listUploads(route.bucket, prefix);
  const after = uploads.filter((u) => compareKeys(u.key, keyMarker) > 0 || (uploadIdMarker !== '' && u.key === keyMarker && u.uploadId > uploadIdMarker));
  const page = paginate(after, (u) => u.key, { prefix, delimiter, max, markerKey: keyMarker });
  const last = page.truncated ? page.last : undefined;
  sendXml(res, 'ListMultipartUploadsResult', {
    Bucket: route.bucket,
    EncodingType: query['encoding-type'] || undefined,
    KeyMarker: encode(keyMarker),
    UploadIdMarker: uploadIdMarker,
    NextKeyMarker: last ? encode(last.key) : undefined,
    NextUploadIdMarker: last ? (last.kind === 'item' ? last.item.uploadId : '') : undefined,
    MaxUploads: max,
    IsTruncated: page.truncated,
    Prefix: encode(prefix),
    Delimiter: delimiter ? encode(delimiter) : undefined,
    Upload: page.entries.flatMap((e) =>
      e.kind === 'item' ? [{ Key: encode(e.key), UploadId: e.item.uploadId, StorageClass: e.item.storageClass, Initiator: LOCAL_OWNER, Owner: LOCAL_OWNER, Initiated: isoDate(e.item.initiated) }] : [],
    ),
    CommonPrefixes: page.entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: encode(e.key) }] : [])),
  });
};

export const multipartHandlers = {
  InitiateMultipartUpload: initiate,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: complete,
  AbortMultipartUpload: abort,
  ListParts: listParts,
  ListMultipartUploads: listUploads,
} satisfies Partial<Record<CosOperation, Handler>>;

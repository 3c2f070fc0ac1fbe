// Single-object operations: PUT (and PUT - Copy), GET and HEAD (whole or by range), DELETE.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { CosCall, Handler } from '../context';
import { parseCopySource, type CopySource } from '../copy-source';
import { CosRequestError, type DiskStore, type ObjectMeta } from '../disk-store';
import type { CosOperation } from '../faults';
import { contentLength, forbidOverwrite, header, isoDate, objectHeaders, parseRange, requestId, send, sendXml, storageClass, storedHeaders, userMetadata } from '../http';

async function requireObject(store: DiskStore, bucket: string, key: string): Promise<ObjectMeta> {
  const meta = await store.headObject(bucket, key);
  if (!meta) throw new CosRequestError(404, 'NoSuchKey', 'The specified key does not exist.');
  return meta;
}

const putObject: Handler = async ({ req, res, route, store, events }) => {
  const meta = await store.putObject(route.bucket, route.key, req, {
    contentLength: contentLength(req),
    contentMd5: header(req, 'content-md5'),
    contentType: header(req, 'content-type'),
    storageClass: storageClass(req),
    metadata: userMetadata(req),
    headers: storedHeaders(req),
    forbidOverwrite: forbidOverwrite(req),
  });
  events.emit('stored', route.key);
  send(res, 200, { ETag: `"${meta.etag}"` });
};

/** The copy's source object, after its bucket, region and the x-cos-copy-source-If-* conditions are checked. */
export async function copySourceObject(req: IncomingMessage, store: DiskStore): Promise<{ source: CopySource; meta: ObjectMeta }> {
  const source = parseCopySource(header(req, 'x-cos-copy-source')!);
  if ((await store.bucketRegion(source.bucket)) !== source.region) throw new CosRequestError(404, 'NoSuchBucket', `The source bucket ${source.bucket} does not exist in ${source.region}.`);
  const meta = await requireObject(store, source.bucket, source.key);
  const failed = (condition: string) => new CosRequestError(412, 'PreconditionFailed', `The copy source does not meet ${condition}.`);
  const ifMatch = header(req, 'x-cos-copy-source-if-match');
  const ifNoneMatch = header(req, 'x-cos-copy-source-if-none-match');
  const ifModified = header(req, 'x-cos-copy-source-if-modified-since');
  const ifUnmodified = header(req, 'x-cos-copy-source-if-unmodified-since');
  const etag = `"${meta.etag}"`;
  if (ifMatch !== undefined && ifMatch !== etag && ifMatch !== meta.etag) throw failed('x-cos-copy-source-If-Match');
  if (ifNoneMatch !== undefined && (ifNoneMatch === etag || ifNoneMatch === meta.etag)) throw failed('x-cos-copy-source-If-None-Match');
  const seconds = (ms: number) => Math.floor(ms / 1000);
  if (ifModified !== undefined && seconds(meta.lastModified) <= seconds(Date.parse(ifModified))) throw failed('x-cos-copy-source-If-Modified-Since');
  if (ifUnmodified !== undefined && seconds(meta.lastModified) > seconds(Date.parse(ifUnmodified))) throw failed('x-cos-copy-source-If-Unmodified-Since');
  return { source, meta };
}

/** PUT Object - Copy: the source's bytes streamed into the destination, with its metadata ("Copy") or the request's ("Replaced"). */
const copyObject: Handler = async ({ req, res, route, store, events }) => {
  req.resume();
  const directive = header(req, 'x-cos-metadata-directive') ?? 'Copy';
  if (directive !== 'Copy' && directive !== 'Replaced') throw new CosRequestError(400, 'InvalidArgument', `x-cos-metadata-directive must be Copy or Replaced, not "${directive}".`);
  const { source, meta } = await copySourceObject(req, store);
  const newClass = header(req, 'x-cos-storage-class') !== undefined;
  if (source.bucket === route.bucket && source.key === route.key && directive === 'Copy' && !newClass) {
    throw new CosRequestError(400, 'InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing its metadata or storage class.');
  }
  const replaced = directive === 'Replaced';
  const copied = await store.putObject(route.bucket, route.key, store.readObject(source.bucket, source.key), {
    contentLength: meta.size,
    contentType: replaced ? header(req, 'content-type') : meta.contentType,
    storageClass: storageClass(req),
    metadata: replaced ? userMetadata(req) : meta.metadata,
    headers: replaced ? storedHeaders(req) : meta.headers,
    forbidOverwrite: forbidOverwrite(req),
  });
  events.emit('stored', route.key);
  sendXml(res, 'CopyObjectResult', { ETag: `"${copied.etag}"`, LastModified: isoDate(copied.lastModified) });
};

async function serveObject({ req, res, route, store, resetMidway }: CosCall): Promise<void> {
  req.resume();
  const meta = await requireObject(store, route.bucket, route.key);
  if (route.op === 'HeadObject') return send(res, 200, { ...objectHeaders(meta), 'Content-Length': String(meta.size) });
  const range = meta.size > 0 ? parseRange(header(req, 'range'), meta.size) : undefined;
  const length = range ? range.end - range.start + 1 : meta.size;
  const headers: Record<string, string> = { ...objectHeaders(meta, route.query), 'Content-Length': String(length) };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
  res.writeHead(range ? 206 : 200, { 'x-cos-request-id': requestId(), Server: 'tencent-cos', ...headers });
  const stream = store.readObject(route.bucket, route.key, range);
  if (resetMidway) {
    let sent = 0;
    stream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (sent >= length / 2) {
        stream.destroy();
        res.socket?.destroy();
      }
    });
  }
  stream.pipe(res);
  await once(res, 'close');
}

const deleteObject: Handler = async ({ req, res, route, store }) => {
  req.resume();
  await store.deleteObject(route.bucket, route.key);
  send(res, 204, {});
};

export const objectHandlers = {
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: serveObject,
  HeadObject: serveObject,
  DeleteObject: deleteObject,
} satisfies Partial<Record<CosOperation, Handler>>;

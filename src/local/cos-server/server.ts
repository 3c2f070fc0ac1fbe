// A COS-compatible HTTP server for development and tests: the real cos-nodejs-sdk-v5 talks to it, its
// signatures are checked as COS checks them, objects land in a folder on disk, and tests inject faults.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { EventEmitter, once } from 'node:events';
import { CosRequestError, DiskStore, type ObjectMeta } from './disk-store';
import { CosFaults, type CosFault, type CosOperation } from './faults';
import { verifyRequest, type Credential } from './signature';
import { parseCompleteParts, xmlDocument, type XmlNode } from './xml';
import { listenOnLoopback } from '../ports';

export interface CosServerOptions {
  dataDir: string;
  credentials: Credential[];
  buckets?: Array<{ name: string; region: string }>;
  /** Loopback only by default: the server is for development and tests. */
  host?: string;
  port?: number;
  now?: () => number;
}

export interface CosServerEvents extends EventEmitter {
  on(event: 'request', listener: (op: CosOperation, target: string) => void): this;
  on(event: 'stored', listener: (key: string) => void): this;
  emit(event: 'request', op: CosOperation, target: string): boolean;
  emit(event: 'stored', key: string): boolean;
}

export interface CosServer {
  readonly port: number;
  readonly endpoint: string;
  readonly faults: CosFaults;
  /** 'request' (op, key or list prefix) as each signed request arrives; 'stored' (key) once an object is in place, before the answer goes out. */
  readonly events: CosServerEvents;
  /** Requests received, by operation (faulted ones included). */
  stats(): Record<string, number>;
  createBucket(name: string, region: string): Promise<void>;
  /** Where an object's bytes are on disk. */
  objectPath(bucket: string, key: string): string;
  close(): Promise<void>;
}

const STORAGE_CLASSES = new Set(['STANDARD', 'STANDARD_IA', 'ARCHIVE', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING', 'MAZ_STANDARD', 'MAZ_STANDARD_IA']);
const VIRTUAL_HOST = /^([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.myqcloud\.com(?::\d+)?$/;
const META_PREFIX = 'x-cos-meta-';

interface Route {
  bucket: string;
  region?: string;
  key: string;
  query: Record<string, string>;
  op: CosOperation;
}

function requestId(): string {
  return randomBytes(18).toString('base64');
}

function route(req: IncomingMessage): Route {
  // The raw target, not new URL(): URL parsing would resolve "a/../b" before the key is checked (and signed).
  const target = req.url ?? '/';
  const at = target.indexOf('?');
  const pathname = at >= 0 ? target.slice(0, at) : target;
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(at >= 0 ? target.slice(at + 1) : '')) query[k] = v;
  const host = req.headers.host ?? '';
  const virtual = VIRTUAL_HOST.exec(host);
  let bucket: string;
  let rawKey: string;
  if (virtual) {
    bucket = virtual[1]!;
    rawKey = pathname.slice(1);
  } else {
    const [first = '', ...rest] = pathname.slice(1).split('/');
    bucket = decodeURIComponent(first);
    rawKey = rest.join('/');
  }
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    throw new CosRequestError(400, 'InvalidURI', 'The request path is not valid percent-encoding.');
  }
  const method = req.method ?? 'GET';
  const has = (name: string) => Object.prototype.hasOwnProperty.call(query, name);
  let op: CosOperation;
  if (method === 'PUT') op = key === '' ? 'PutBucket' : has('partNumber') && has('uploadId') ? 'UploadPart' : 'PutObject';
  else if (method === 'GET') op = key === '' ? (has('uploads') ? 'ListMultipartUploads' : 'ListObjects') : has('uploadId') ? 'ListParts' : 'GetObject';
  else if (method === 'HEAD') op = key === '' ? 'HeadBucket' : 'HeadObject';
  else if (method === 'DELETE' && key !== '') op = has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  else if (method === 'POST' && key !== '' && has('uploads')) op = 'InitiateMultipartUpload';
  else if (method === 'POST' && key !== '' && has('uploadId')) op = 'CompleteMultipartUpload';
  else throw new CosRequestError(501, 'NotImplemented', `${method} ${pathname} is not implemented by the local COS server.`);
  if (!/^[a-z0-9-]{1,50}-\d+$/.test(bucket)) throw new CosRequestError(400, 'InvalidBucketName', `"${bucket}" is not a bucket name (name-appid).`);
  return { bucket, region: virtual?.[2], key, query, op };
}

function userMetadata(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(META_PREFIX) && typeof value === 'string') metadata[name.slice(META_PREFIX.length)] = value;
  }
  return metadata;
}

function storageClass(req: IncomingMessage): string {
  const value = (req.headers['x-cos-storage-class'] as string | undefined)?.toUpperCase() ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(value)) throw new CosRequestError(400, 'InvalidStorageClass', `The storage class "${value}" is not valid.`);
  return value;
}

function contentLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw === undefined ? undefined : Number(raw);
}

function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': meta.contentType,
    ETag: `"${meta.etag}"`,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'x-cos-storage-class': meta.storageClass,
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(meta.metadata)) headers[`${META_PREFIX}${name}`] = value;
  return headers;
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw new CosRequestError(416, 'InvalidRange', 'The requested range is not satisfiable.');
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) throw new CosRequestError(416, 'InvalidRange', 'The requested range is not satisfiable.');
  return { start, end };
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CosRequestError(400, 'EntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startCosServer(options: CosServerOptions): Promise<CosServer> {
  const store = new DiskStore(options.dataDir);
  const faults = new CosFaults();
  const events = new EventEmitter() as CosServerEvents;
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const now = options.now ?? Date.now;
  for (const bucket of options.buckets ?? []) await store.createBucket(bucket.name, bucket.region);

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
    res.writeHead(status, { 'x-cos-request-id': requestId(), Server: 'tencent-cos', ...headers, ...(body !== undefined ? { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) } : {}) });
    res.end(body);
  }

  function sendError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
    const id = requestId();
    const body = xmlDocument('Error', { Code: code, Message: message, Resource: `${req.headers.host ?? ''}${req.url ?? ''}`, RequestId: id, TraceId: randomBytes(24).toString('base64') });
    if (req.method === 'HEAD') {
      res.writeHead(status, { 'x-cos-request-id': id, Server: 'tencent-cos', 'Content-Type': 'application/xml' });
      res.end();
      return;
    }
    res.writeHead(status, { 'x-cos-request-id': id, Server: 'tencent-cos', 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  async function requireBucket(r: Route): Promise<void> {
    const region = await store.bucketRegion(r.bucket);
    // Buckets are regional: asking another region's endpoint for a bucket finds nothing there.
    if (!region || (r.region !== undefined && r.region !== region)) throw new CosRequestError(404, 'NoSuchBucket', 'The specified bucket does not exist.');
  }

  /** Applies an injected fault; returns true when the request has been answered (or dropped) by it. */
  async function applyFault(fault: CosFault, req: IncomingMessage, res: ServerResponse, r: Route): Promise<boolean> {
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case 'status':
        req.resume();
        sendError(req, res, fault.status, fault.code, fault.message ?? `Injected ${fault.code}.`);
        return true;
      case 'hang':
        req.resume();
        return true;
      case 'reset':
        if (r.op === 'GetObject') return false; // reset mid-response, in serveObject
        if (req.readableEnded) req.socket.destroy();
        else req.once('data', () => req.socket.destroy());
        req.once('end', () => req.socket.destroy());
        return true;
    }
  }

  async function serveObject(req: IncomingMessage, res: ServerResponse, r: Route, resetMidway: boolean): Promise<void> {
    const meta = await store.headObject(r.bucket, r.key);
    if (!meta) throw new CosRequestError(404, 'NoSuchKey', 'The specified key does not exist.');
    if (r.op === 'HeadObject') return send(res, 200, { ...objectHeaders(meta), 'Content-Length': String(meta.size) });
    const range = meta.size > 0 ? parseRange(req.headers.range as string | undefined, meta.size) : undefined;
    const length = range ? range.end - range.start + 1 : meta.size;
    const headers: Record<string, string> = { ...objectHeaders(meta), 'Content-Length': String(length) };
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
    res.writeHead(range ? 206 : 200, { 'x-cos-request-id': requestId(), Server: 'tencent-cos', ...headers });
    const stream = store.readObject(r.bucket, r.key, range);
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = route(req);
    counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
    const failure = verifyRequest({ method: req.method ?? 'GET', pathname: `/${r.key}`, query: r.query, headers: req.headers }, options.credentials, now());
    if (failure) {
      req.resume();
      return sendError(req, res, failure.status, failure.code, failure.message);
    }
    events.emit('request', r.op, r.key || (r.query.prefix ?? ''));
    const fault = faults.decide(r.op, r.key || (r.query.prefix ?? ''));
    if (fault && (await applyFault(fault, req, res, r))) return;
    const resetMidway = fault?.kind === 'reset';

    if (r.op === 'PutBucket') {
      req.resume();
      const created = await store.createBucket(r.bucket, r.region ?? 'ap-guangzhou');
      if (!created) throw new CosRequestError(409, 'BucketAlreadyOwnedByYou', 'The bucket already exists.');
      return send(res, 200, {});
    }
    await requireBucket(r);
    switch (r.op) {
      case 'HeadBucket':
        return send(res, 200, {});
      case 'PutObject': {
        if (req.headers['x-cos-copy-source']) throw new CosRequestError(501, 'NotImplemented', 'PUT Object - Copy is not implemented by the local COS server.');
        const meta = await store.putObject(r.bucket, r.key, req, {
          contentLength: contentLength(req),
          contentMd5: req.headers['content-md5'] as string | undefined,
          contentType: req.headers['content-type'] as string | undefined,
          storageClass: storageClass(req),
          metadata: userMetadata(req),
          forbidOverwrite: req.headers['x-cos-forbid-overwrite'] === 'true',
        });
        events.emit('stored', r.key);
        return send(res, 200, { ETag: `"${meta.etag}"` });
      }
      case 'GetObject':
      case 'HeadObject':
        req.resume();
        return serveObject(req, res, r, resetMidway);
      case 'DeleteObject':
        req.resume();
        await store.deleteObject(r.bucket, r.key);
        return send(res, 204, {});
      case 'ListObjects':
        req.resume();
        return send(res, 200, {}, await listObjects(r));
      case 'InitiateMultipartUpload': {
        req.resume();
        const uploadId = await store.initiate(r.bucket, r.key, { contentType: req.headers['content-type'] as string | undefined, storageClass: storageClass(req), metadata: userMetadata(req) });
        return send(res, 200, {}, xmlDocument('InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: uploadId }));
      }
      case 'UploadPart': {
        const etag = await store.uploadPart(r.bucket, r.key, r.query.uploadId!, Number(r.query.partNumber), req, contentLength(req));
        return send(res, 200, { ETag: `"${etag}"` });
      }
      case 'CompleteMultipartUpload': {
        const parts = parseCompleteParts(await readSmallBody(req, 2 * 1024 * 1024));
        if (!parts) throw new CosRequestError(400, 'MalformedXML', 'The XML you provided was not well-formed.');
        const meta = await store.complete(r.bucket, r.key, r.query.uploadId!, parts, req.headers['x-cos-forbid-overwrite'] === 'true');
        events.emit('stored', r.key);
        return send(res, 200, { ETag: `"${meta.etag}"` }, xmlDocument('CompleteMultipartUploadResult', { Location: `${req.headers.host}/${r.key}`, Bucket: r.bucket, Key: r.key, ETag: `"${meta.etag}"` }));
      }
      case 'AbortMultipartUpload':
        req.resume();
        await store.abort(r.bucket, r.key, r.query.uploadId!);
        return send(res, 204, {});
      case 'ListMultipartUploads': {
        req.resume();
        const uploads = await store.listUploads(r.bucket, r.query.prefix ?? '');
        return send(
          res,
          200,
          {},
          xmlDocument('ListMultipartUploadsResult', {
            Bucket: r.bucket,
            Prefix: r.query.prefix ?? null,
            MaxUploads: 1000,
            IsTruncated: false,
            Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.uploadId, StorageClass: u.storageClass, Initiated: new Date(u.initiated).toISOString() })),
          }),
        );
      }
      case 'ListParts': {
        req.resume();
        const parts = await store.listParts(r.bucket, r.key, r.query.uploadId!);
        return send(
          res,
          200,
          {},
          xmlDocument('ListPartsResult', {
            Bucket: r.bucket,
            Key: r.key,
            UploadId: r.query.uploadId!,
            IsTruncated: false,
            Part: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: new Date(p.lastModified).toISOString(), ETag: `"${p.etag}"`, Size: p.size })),
          }),
        );
      }
    }
  }

  async function listObjects(r: Route): Promise<string> {
    const prefix = r.query.prefix ?? '';
    const marker = r.query.marker ?? '';
    const delimiter = r.query.delimiter ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(r.query['max-keys'] ?? 1000) || 0));
    const encode = r.query['encoding-type'] === 'url' ? encodeURIComponent : (s: string) => s;
    const entries: Array<{ key: string; prefix: boolean }> = [];
    let truncated = false;
    for (const key of await store.keys(r.bucket, prefix)) {
      if (marker && Buffer.compare(Buffer.from(key), Buffer.from(marker)) <= 0) continue;
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      const entry = cut >= 0 ? { key: key.slice(0, cut + delimiter.length), prefix: true } : { key, prefix: false };
      if (entry.prefix && entries[entries.length - 1]?.key === entry.key) continue;
      if (entry.prefix && marker && Buffer.compare(Buffer.from(entry.key), Buffer.from(marker)) <= 0) continue;
      if (entries.length === maxKeys) {
        truncated = true;
        break;
      }
      entries.push(entry);
    }
    const contents: XmlNode[] = [];
    for (const entry of entries.filter((e) => !e.prefix)) {
      const meta = await store.headObject(r.bucket, entry.key);
      if (!meta) continue;
      contents.push({ Key: encode(entry.key), LastModified: new Date(meta.lastModified).toISOString(), ETag: `"${meta.etag}"`, Size: meta.size, Owner: { ID: '1250000000', DisplayName: '1250000000' }, StorageClass: meta.storageClass });
    }
    return xmlDocument('ListBucketResult', {
      Name: r.bucket,
      EncodingType: r.query['encoding-type'],
      Prefix: encode(prefix),
      Marker: encode(marker),
      MaxKeys: maxKeys,
      Delimiter: delimiter ? encode(delimiter) : undefined,
      IsTruncated: truncated,
      NextMarker: truncated ? encode(entries[entries.length - 1]!.key) : undefined,
      CommonPrefixes: entries.filter((e) => e.prefix).map((e) => ({ Prefix: encode(e.key) })),
      Contents: contents,
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      req.resume();
      if (err instanceof CosRequestError) return sendError(req, res, err.status, err.code, err.message);
      const code = (err as NodeJS.ErrnoException)?.code;
      // A client that went away mid-body is not a server error worth a log line.
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted') return res.destroy();
      sendError(req, res, 500, 'InternalError', `The local COS server failed: ${(err as Error)?.message ?? String(err)}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { port, endpoint } = await listenOnLoopback(server, options.port, options.host);

  return {
    port,
    endpoint,
    faults,
    events,
    stats: () => Object.fromEntries(counts),
    createBucket: async (name, region) => {
      await store.createBucket(name, region);
    },
    objectPath: (bucket, key) => store.objectPath(bucket, key),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The HTTP side of COS answers: the headers every answer carries, XML bodies and errors, and what the
// server reads from requests (metadata headers, storage class, ranges, small XML bodies).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CosRequestError, type ObjectMeta } from './disk-store';
import { xmlDocument, type XmlNode } from './xml';

const STORAGE_CLASSES = new Set(['STANDARD', 'STANDARD_IA', 'ARCHIVE', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING', 'MAZ_STANDARD', 'MAZ_STANDARD_IA']);
const META_PREFIX = 'x-cos-meta-';
/** Standard headers COS keeps with an object and answers with on GET and HEAD, as they are spelled in answers. */
const STORED_HEADERS = ['Cache-Control', 'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Expires'] as const;
/** GET Object's `response-*` parameters override these answer headers (COS documents the same six). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};
/** Owner and initiator in listings: the local server has one account. */
export const LOCAL_OWNER = { ID: '1250000000', DisplayName: '1250000000' };

export function requestId(): string {
  return randomBytes(18).toString('base64');
}

function baseHeaders(id = requestId()): Record<string, string> {
  return { 'x-cos-request-id': id, Server: 'tencent-cos' };
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { ...baseHeaders(), ...headers });
  res.end();
}

export function sendXml(res: ServerResponse, root: string, body: XmlNode, headers: Record<string, string> = {}): void {
  const text = xmlDocument(root, body);
  res.writeHead(200, { ...baseHeaders(), ...headers, 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function sendError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  const id = requestId();
  const body = xmlDocument('Error', { Code: code, Message: message, Resource: `${req.headers.host ?? ''}${req.url ?? ''}`, RequestId: id, TraceId: randomBytes(24).toString('base64') });
  // A HEAD answer has no body: the status and the request id are all the client gets.
  const length = req.method === 'HEAD' ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
  res.writeHead(status, { ...baseHeaders(id), 'Content-Type': 'application/xml', ...length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function userMetadata(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(META_PREFIX) && typeof value === 'string') metadata[name.slice(META_PREFIX.length)] = value;
  }
  return metadata;
}

export function storedHeaders(req: IncomingMessage): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(req, name.toLowerCase());
    if (value !== undefined && value !== '') kept[name] = value;
  }
  return kept;
}

export function storageClass(req: IncomingMessage): string {
  const value = header(req, 'x-cos-storage-class')?.toUpperCase() ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(value)) throw new CosRequestError(400, 'InvalidStorageClass', `The storage class "${value}" is not valid.`);
  return value;
}

export function contentLength(req: IncomingMessage): number | undefined {
  const raw = header(req, 'content-length');
  return raw === undefined ? undefined : Number(raw);
}

export function forbidOverwrite(req: IncomingMessage): boolean {
  return header(req, 'x-cos-forbid-overwrite') === 'true';
}

export function objectHeaders(meta: ObjectMeta, query: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': meta.contentType,
    ETag: `"${meta.etag}"`,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'x-cos-storage-class': meta.storageClass,
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(meta.headers ?? {})) headers[name] = value;
  for (const [name, value] of Object.entries(meta.metadata)) headers[`${META_PREFIX}${name}`] = value;
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    if (query[param] !== undefined) headers[name] = query[param];
  }
  return headers;
}

export function parseRange(rangeHeader: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!rangeHeader) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
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

export async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CosRequestError(400, 'EntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

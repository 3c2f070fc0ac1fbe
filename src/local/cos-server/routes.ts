// Which COS operation a request is, as a table: method, bucket or object, and the sub-resources (query
// parameters or headers) that single it out. The first matching row wins, so the more specific rows of a
// method come first.
import type { IncomingMessage } from 'node:http';
import { CosRequestError } from './disk-store';
import type { Route } from './context';
import type { CosOperation } from './faults';

type Query = Record<string, string>;
type Headers = IncomingMessage['headers'];

interface RouteRule {
  op: CosOperation;
  method: string;
  target: 'bucket' | 'object';
  when?: (query: Query, headers: Headers) => boolean;
}

const has = (...names: string[]) => (query: Query) => names.every((name) => Object.prototype.hasOwnProperty.call(query, name));
const copying = (query: Query, headers: Headers) => headers['x-cos-copy-source'] !== undefined;

export const ROUTES: readonly RouteRule[] = [
  { op: 'PutBucket', method: 'PUT', target: 'bucket' },
  { op: 'HeadBucket', method: 'HEAD', target: 'bucket' },
  { op: 'ListMultipartUploads', method: 'GET', target: 'bucket', when: has('uploads') },
  { op: 'ListObjectsV2', method: 'GET', target: 'bucket', when: (query) => query['list-type'] === '2' },
  { op: 'ListObjects', method: 'GET', target: 'bucket' },
  { op: 'DeleteObjects', method: 'POST', target: 'bucket', when: has('delete') },
  { op: 'UploadPartCopy', method: 'PUT', target: 'object', when: (query, headers) => has('partNumber', 'uploadId')(query) && copying(query, headers) },
  { op: 'UploadPart', method: 'PUT', target: 'object', when: has('partNumber', 'uploadId') },
  { op: 'CopyObject', method: 'PUT', target: 'object', when: copying },
  { op: 'PutObject', method: 'PUT', target: 'object' },
  { op: 'ListParts', method: 'GET', target: 'object', when: has('uploadId') },
  { op: 'GetObject', method: 'GET', target: 'object' },
  { op: 'HeadObject', method: 'HEAD', target: 'object' },
  { op: 'AbortMultipartUpload', method: 'DELETE', target: 'object', when: has('uploadId') },
  { op: 'DeleteObject', method: 'DELETE', target: 'object' },
  { op: 'InitiateMultipartUpload', method: 'POST', target: 'object', when: has('uploads') },
  { op: 'CompleteMultipartUpload', method: 'POST', target: 'object', when: has('uploadId') },
];

/**
 * COS sub-resources the local server does not keep (ACLs, policies, bucket configuration, versions...): a
 * request naming one is answered 501 rather than served as the plain operation it would otherwise match.
 */
const UNSUPPORTED_SUBRESOURCES = [
  'acl', 'cors', 'policy', 'lifecycle', 'versioning', 'versions', 'tagging', 'referer', 'website', 'logging', 'inventory',
  'replication', 'encryption', 'domain', 'origin', 'intelligenttiering', 'object-lock', 'restore', 'select', 'append',
  'accelerate', 'notification', 'rename', 'symlink', 'retention', 'legal-hold',
];

// COS answers on two names per bucket: myqcloud.com, and tencentcos.cn, the SDKs' fallback.
const VIRTUAL_HOST = /^([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)(?::\d+)?$/;
const BUCKET_NAME = /^[a-z0-9-]{1,50}-\d+$/;

function parseTarget(target: string): { pathname: string; query: Query } {
  // The raw target, not new URL(): URL parsing would resolve "a/../b" before the key is checked (and signed).
  const at = target.indexOf('?');
  const query: Query = {};
  for (const [k, v] of new URLSearchParams(at >= 0 ? target.slice(at + 1) : '')) query[k] = v;
  return { pathname: at >= 0 ? target.slice(0, at) : target, query };
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new CosRequestError(400, 'InvalidURI', 'The request path is not valid percent-encoding.');
  }
}

/** Routes a request: virtual-host style (`<bucket>.cos.<region>.myqcloud.com/<key>`, or `.tencentcos.cn`) or path style (`/<bucket>/<key>`). */
export function route(req: IncomingMessage): Route {
  const { pathname, query } = parseTarget(req.url ?? '/');
  const virtual = VIRTUAL_HOST.exec(req.headers.host ?? '');
  let bucket: string;
  let rawKey: string;
  if (virtual) {
    bucket = virtual[1]!;
    rawKey = pathname.slice(1);
  } else {
    const [first = '', ...rest] = pathname.slice(1).split('/');
    bucket = decodePath(first);
    rawKey = rest.join('/');
  }
  const key = decodePath(rawKey);
  const method = req.method ?? 'GET';
  const target = key === '' ? 'bucket' : 'object';
  const unsupported = UNSUPPORTED_SUBRESOURCES.find((name) => Object.prototype.hasOwnProperty.call(query, name));
  const rule = unsupported === undefined ? ROUTES.find((r) => r.method === method && r.target === target && (r.when?.(query, req.headers) ?? true)) : undefined;
  if (!rule) throw new CosRequestError(501, 'NotImplemented', `${method} ${pathname}${unsupported ? `?${unsupported}` : ''} is not implemented by the local COS server.`);
  if (!BUCKET_NAME.test(bucket)) throw new CosRequestError(400, 'InvalidBucketName', `"${bucket}" is not a bucket name (name-appid).`);
  return { op: rule.op, bucket, region: virtual?.[2], key, query };
}

// COS request signatures, the `q-sign-algorithm=sha1` scheme, one implementation for both sides: the
// product signs its requests with it and the local COS server checks requests with it. SignKey =
// HMAC-SHA1(SecretKey, q-key-time); the signed string covers method, path, the listed query parameters and
// headers (lower-case names, encoded values, sorted); Signature = HMAC-SHA1(SignKey,
// "sha1\n{q-sign-time}\n{sha1(HttpString)}\n"). Tests hold it to cos-nodejs-sdk-v5's own signer.
import { createHash, createHmac } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** The decoded object path as signed: "/" + key. */
  pathname: string;
  query: Record<string, string>;
  /** Lower-case names, as Node gives them to a server. */
  headers: Record<string, string | string[] | undefined>;
}

export interface SignatureFields {
  signTime: string;
  keyTime: string;
  headerList: string[];
  paramList: string[];
}

/** How long a signature is good for, as the SDKs sign: 900 s from a second before now. */
const VALID_SECONDS = 900;

/** encodeURIComponent plus the characters COS also escapes. */
export function camSafeUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonical(entries: Array<[string, string]>): string {
  return entries
    .map(([k, v]) => [camSafeUrlEncode(k).toLowerCase(), camSafeUrlEncode(v)] as const)
    .sort(([a], [b]) => (a === b ? 0 : a > b ? 1 : -1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function signature(secretKey: string, request: SignedRequest, auth: SignatureFields): string {
  const headerValue = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const queryValue = (name: string) => {
    const found = Object.keys(request.query).find((k) => k.toLowerCase() === name);
    return found === undefined ? '' : request.query[found]!;
  };
  const httpString = [
    request.method.toLowerCase(),
    request.pathname,
    canonical(auth.paramList.map((p) => [p, queryValue(p)])),
    canonical(auth.headerList.map((h) => [h, headerValue(h)])),
    '',
  ].join('\n');
  const signKey = createHmac('sha1', secretKey).update(auth.keyTime).digest('hex');
  const stringToSign = ['sha1', auth.signTime, createHash('sha1').update(httpString, 'utf8').digest('hex'), ''].join('\n');
  return createHmac('sha1', signKey).update(stringToSign).digest('hex');
}

/** The q-key-time (and q-sign-time) of a signature made at `nowMs`. */
export function keyTimeAt(nowMs: number): string {
  const start = Math.round(nowMs / 1000) - 1;
  return `${start};${start + VALID_SECONDS}`;
}

const listed = (names: Iterable<string>) => [...names].map((n) => camSafeUrlEncode(n).toLowerCase()).sort();

/** The Authorization header for a request, every header and query parameter given signed. */
export function authorization(credential: { secretId: string; secretKey: string }, request: SignedRequest, keyTime: string): string {
  const fields: SignatureFields = { signTime: keyTime, keyTime, headerList: listed(Object.keys(request.headers)), paramList: listed(Object.keys(request.query)) };
  const signed = signature(credential.secretKey, request, fields);
  return `q-sign-algorithm=sha1&q-ak=${credential.secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${fields.headerList.join(';')}&q-url-param-list=${fields.paramList.join(';')}&q-signature=${signed}`;
}

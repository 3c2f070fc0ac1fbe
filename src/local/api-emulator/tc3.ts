// Verifies Tencent Cloud API 3.0 signatures (TC3-HMAC-SHA256) as the real API gateway does: the canonical
// request is the method, the path, the query string as sent (GET carries the parameters there, POST none),
// the signed headers, and the SHA-256 of the body, or of the literal "UNSIGNED-PAYLOAD" when the client
// sends `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` and leaves the body out of the signature.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface ApiCredential {
  secretId: string;
  secretKey: string;
  /** Temporary credentials must send this in X-TC-Token. */
  sessionToken?: string;
}

export interface Tc3Request {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Tc3Result = { ok: true; service: string; secretId: string } | { ok: false; code: string; message: string };

/** The real gateway accepts requests whose X-TC-Timestamp is within five minutes of its clock. */
const MAX_SKEW_SECONDS = 300;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function header(headers: Tc3Request['headers'], name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

function payloadHash(request: Tc3Request): string {
  return sha256(header(request.headers, 'x-tc-content-sha256') === UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD : request.body);
}

/**
 * The Host values a client may have signed: as sent (the Python SDK signs `127.0.0.1:9000`) or without the
 * port (the Node SDK signs the URL's hostname). On the real endpoints no port is sent and the two agree.
 */
function signedHosts(request: Tc3Request): string[] {
  const host = header(request.headers, 'host');
  return /:\d+$/.test(host) ? [host, host.replace(/:\d+$/, '')] : [host];
}

export function tc3Signature(secretKey: string, request: Tc3Request, signedHeaders: string[], timestamp: number, date: string, service: string, host = header(request.headers, 'host')): string {
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(name === 'host' ? host : header(request.headers, name)).trim()}\n`).join('');
  const canonicalRequest = [request.method.toUpperCase(), request.path, request.query, canonicalHeaders, signedHeaders.join(';'), payloadHash(request)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  return createHmac('sha256', signing).update(stringToSign).digest('hex');
}

function utcDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function verifyTc3(request: Tc3Request, credentials: ApiCredential[], nowMs: number): Tc3Result {
  const authorization = header(request.headers, 'authorization');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9:-]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!m) return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'The Authorization header is missing or is not a TC3-HMAC-SHA256 signature.' };
  const [, secretId, date, service, signedList, given] = m as unknown as [string, string, string, string, string, string];
  const credential = credentials.find((c) => c.secretId === secretId);
  if (!credential) return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found, please ensure that your SecretId is correct.' };
  const timestamp = Number(header(request.headers, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp)) return { ok: false, code: 'MissingParameter', message: 'The request is missing a valid X-TC-Timestamp.' };
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_SECONDS) return { ok: false, code: 'AuthFailure.SignatureExpire', message: 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.' };
  if (utcDate(timestamp) !== date) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The credential date does not match X-TC-Timestamp.' };
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('content-type')) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'content-type and host must be signed.' };
  const matches = (host: string) => timingSafeEqual(Buffer.from(tc3Signature(credential.secretKey, request, signedHeaders, timestamp, date, service, host)), Buffer.from(given));
  if (!signedHosts(request).some(matches)) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated. Please check your signature is correct.' };
  if (credential.sessionToken !== undefined && header(request.headers, 'x-tc-token') !== credential.sessionToken) {
    return { ok: false, code: 'AuthFailure.TokenFailure', message: 'The X-TC-Token of the temporary credentials is missing or invalid.' };
  }
  return { ok: true, service, secretId };
}

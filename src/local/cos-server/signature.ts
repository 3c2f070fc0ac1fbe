// Checks COS request signatures as COS does: the signature itself (src/cos/signature.ts, the algorithm
// the product signs with, held to the SDKs' signers by the tests), its validity window, the credential and
// the session token of temporary credentials.
import { timingSafeEqual } from 'node:crypto';
import { signature, type SignedRequest } from '../../cos/signature';

export interface Credential {
  secretId: string;
  secretKey: string;
  /** Temporary credentials must come with this token (x-cos-security-token). */
  sessionToken?: string;
}

export type SignatureFailure = { status: 403; code: string; message: string };

function parseAuthorization(raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) fields[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  }
  return fields;
}

function within(range: string, nowSec: number): 'ok' | 'expired' | 'early' | 'malformed' {
  const m = /^(\d+);(\d+)$/.exec(range);
  if (!m) return 'malformed';
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (nowSec > end) return 'expired';
  // COS tolerates a little clock skew at the start of the validity window.
  if (nowSec + 60 < start) return 'early';
  return 'ok';
}

const deny = (code: string, message: string): SignatureFailure => ({ status: 403, code, message });

/**
 * The request as the client may have signed it. SDKs sign the Host header in one of two ways: as sent
 * (`127.0.0.1:9000`, what the Node SDK signs for a path-style Domain) or without the port (`127.0.0.1`,
 * what the Python SDK takes from the URL), and on COS's own endpoints, port 443 or 80 never sent, the two
 * are the same. Either is accepted; the host itself must still be the one signed.
 */
function hostVariants(request: SignedRequest, headerList: string[]): SignedRequest[] {
  const host = request.headers.host;
  if (!headerList.includes('host') || typeof host !== 'string' || !/:\d+$/.test(host)) return [request];
  return [request, { ...request, headers: { ...request.headers, host: host.replace(/:\d+$/, '') } }];
}

/** Checks a request's signature (header or query string); returns the failure COS would answer, or undefined. */
export function verifyRequest(request: SignedRequest, credentials: Credential[], nowMs: number): SignatureFailure | undefined {
  const header = request.headers.authorization;
  const fromQuery = request.query['q-sign-algorithm'] !== undefined;
  const raw = typeof header === 'string' && header ? header : fromQuery ? new URLSearchParams(request.query).toString() : undefined;
  if (!raw) return deny('AccessDenied', 'Access Denied.');
  const auth = parseAuthorization(raw);
  if (auth['q-sign-algorithm'] !== 'sha1' || !auth['q-ak'] || !auth['q-sign-time'] || !auth['q-key-time'] || !auth['q-signature']) {
    return deny('AccessDenied', 'Authorization is malformed: q-sign-algorithm=sha1, q-ak, q-sign-time, q-key-time and q-signature are required.');
  }
  const credential = credentials.find((c) => c.secretId === auth['q-ak']);
  if (!credential) return deny('InvalidAccessKeyId', 'The SecretId you provided does not exist in our records.');
  const nowSec = Math.floor(nowMs / 1000);
  for (const range of [auth['q-sign-time'], auth['q-key-time']]) {
    const state = within(range, nowSec);
    if (state === 'expired') return deny('AccessDenied', 'Request has expired');
    if (state === 'early') return deny('RequestTimeTooSkewed', 'The difference between the request time and the server time is too large.');
    if (state === 'malformed') return deny('AccessDenied', 'q-sign-time and q-key-time must be "start;end" in epoch seconds.');
  }
  const headerList = (auth['q-header-list'] ?? '').split(';').filter(Boolean);
  const paramList = (auth['q-url-param-list'] ?? '').split(';').filter(Boolean);
  const fields = { signTime: auth['q-sign-time'], keyTime: auth['q-key-time'], headerList, paramList };
  const given = Buffer.from(auth['q-signature'], 'utf8');
  const matches = (signed: SignedRequest) => {
    const expected = Buffer.from(signature(credential.secretKey, signed, fields), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  if (!hostVariants(request, headerList).some(matches)) return deny('SignatureDoesNotMatch', 'The Signature you specified is invalid.');
  // A signature need not cover the Host header: COS documents signing it as the SDKs' default, which their
  // SignHost=False (Python), ForceSignHost: false (Node) and signHost (Go) options turn off, "at the risk of
  // failed requests or a security hole" (such a signature is good for any bucket of the account), and COS
  // serves those requests. So does this server; what is signed must still match.
  if (credential.sessionToken !== undefined) {
    const token = request.headers['x-cos-security-token'] ?? request.query['x-cos-security-token'];
    if (token !== credential.sessionToken) return deny('InvalidAccessKeyId', token ? 'The security token you provided is invalid.' : 'Temporary credentials need x-cos-security-token.');
  }
  return undefined;
}

// Sends COS XML API requests over Node's http, addressed and signed here (signature.ts). Through
// cos-nodejs-sdk-v5's request stack (cos-request, its retry bookkeeping, a general XML parser), 20 small
// requests in a fresh process cost 111-115 ms of CPU against 57-62 sent plainly, and an invocation makes
// 15-20 of them besides its parts; 0.5 GiB of parts cost 0.1 user CPU-s against 0.04. Loading the SDK
// added to every cold start too (its bundle loaded in 114 CPU ms, median of 10, against 107 without it).
// The tests hold addresses and signatures to the SDK's own.
import http from 'node:http';
import https from 'node:https';
import { parseErrorBody, type CosErrorFields } from './answers';
import type { CosRequestFailure } from './errors';
import { authorization, camSafeUrlEncode, keyTimeAt } from './signature';

/** How the product reaches COS: credentials, and the local COS server's address in development. */
export interface CosConnection {
  secretId: string;
  secretKey: string;
  /** Temporary credentials from an SCF execution role carry a session token; COS rejects them without it. */
  sessionToken?: string;
  /**
   * `http://127.0.0.1:PORT` for the local COS server: requests go there and keep the virtual-host `Host`
   * (`bucket.cos.region.myqcloud.com`), so they are signed exactly as for Tencent Cloud.
   */
  endpoint?: string;
  /** Per-request timeout: a hung connection must not eat the invocation. */
  timeoutMs?: number;
}

export interface CosTarget {
  bucket: string;
  region: string;
}

export interface CosRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** The object key; the bucket itself when absent. */
  key?: string;
  /** Sub-resources and parameters, signed and sent in the query string. */
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface CosAnswer {
  status: number;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A COS answer other than 2xx, or no answer within the timeout: errors.ts classifies it. */
export class CosHttpError extends Error implements CosRequestFailure {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly headers: Record<string, string>,
    readonly error: CosErrorFields | undefined,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CosHttpError';
  }

  /** An answer that is a failure, with the error fields of its body if it has them. */
  static answered(answer: CosAnswer, error: CosErrorFields | undefined): CosHttpError {
    return new CosHttpError(`${error?.Code ?? `HTTP ${answer.status}`}: ${error?.Message ?? answer.body.toString('utf8').slice(0, 200)}`, answer.status, answer.headers, error);
  }
}

function headerMap(headers: http.IncomingHttpHeaders): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) map[name] = Array.isArray(value) ? value.join(', ') : value;
  return map;
}

// Regions of COS's first generation answer without the `cos.` label.
const LEGACY_REGIONS = new Set(['cn-south', 'cn-south-2', 'cn-north', 'cn-east', 'cn-southwest', 'sg']);

/** The virtual-host name of a bucket, as COS and its SDKs address it. */
export function bucketHost(target: CosTarget): string {
  return LEGACY_REGIONS.has(target.region) ? `${target.bucket}.${target.region}.myqcloud.com` : `${target.bucket}.cos.${target.region}.myqcloud.com`;
}

/**
 * The names a bucket answers on, in the order to use them: its myqcloud.com name, then the tencentcos.cn
 * one the SDKs turn to when the first goes unanswered. They turn only from a `<bucket>.cos.<region>` name
 * (cos-nodejs-sdk-v5's COS_DEFAULT_HOST); a first-generation region's has no second name.
 */
export function bucketHosts(target: CosTarget): string[] {
  const host = bucketHost(target);
  return LEGACY_REGIONS.has(target.region) ? [host] : [host, host.replace(/myqcloud\.com$/, 'tencentcos.cn')];
}

/** The request path of a key (the bucket's root for ''): each character escaped as COS expects but "/". */
export function objectPath(key: string): string {
  return `/${camSafeUrlEncode(key).replace(/%2F/g, '/')}`;
}

function queryString(query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([name, value]) => (value === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`));
  return pairs.length ? `?${pairs.join('&')}` : '';
}

export class CosHttp {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  /** Where to connect: the local endpoint, or the bucket's own host. */
  private readonly connect: URL | undefined;
  /** Server time minus ours, learnt from a RequestTimeTooSkewed answer, as the SDK corrects its own signatures. */
  private clockOffsetMs = 0;
  /** The bucket's names (bucketHosts). */
  private readonly hosts: string[];
  /** Which name requests use now: they name and sign it wherever they connect. */
  private current = 0;
  /** Failures in a row that COS itself did not answer (no answer, or one without its request id). */
  private unanswered = 0;

  constructor(
    target: CosTarget,
    private readonly options: CosConnection,
  ) {
    this.hosts = bucketHosts(target);
    this.connect = options.endpoint ? new URL(options.endpoint) : undefined;
    const secure = this.connect ? this.connect.protocol === 'https:' : true;
    this.transport = secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }

  /** Sends one request; resolves with a 2xx answer, rejects with a CosHttpError for any other. */
  async send(request: CosRequest): Promise<CosAnswer> {
    const key = request.key ?? '';
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[name] = value;
    const host = this.hosts[this.current]!;
    const signed: Record<string, string> = { host };
    for (const [name, value] of Object.entries(request.headers ?? {})) signed[name.toLowerCase()] = value;
    if (request.body) signed['content-length'] = String(request.body.byteLength);
    const keyTime = keyTimeAt(Date.now() + this.clockOffsetMs);
    const headers: Record<string, string> = { ...signed, authorization: authorization(this.options, { method: request.method, pathname: `/${key}`, query, headers: signed }, keyTime) };
    if (this.options.sessionToken) headers['x-cos-security-token'] = this.options.sessionToken;
    const where = this.connect ?? { hostname: host, port: '' };
    let answer: CosAnswer;
    try {
      answer = await this.exchange({ method: request.method, host: where.hostname, port: where.port || undefined, path: objectPath(key) + queryString(query), headers }, request.body);
    } catch (err) {
      this.noteUnanswered();
      throw err;
    }
    if (answer.headers['x-cos-request-id'] || answer.status < 300) this.unanswered = 0;
    else this.noteUnanswered();
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = parseErrorBody(answer.body.toString('utf8'));
    if (error?.Code === 'RequestTimeTooSkewed' && answer.headers.date) {
      // Sign with the server's clock from now on (as the SDKs do), and the retry will pass.
      this.clockOffsetMs = Date.parse(answer.headers.date) - Date.now();
    }
    throw CosHttpError.answered(answer, error);
  }

  /**
   * As the SDKs do: after three failures in a row that COS did not answer, the next requests use the
   * bucket's other name if it has one (and back again after three more there). An answer from COS, even an error,
   * says the name works.
   */
  private noteUnanswered(): void {
    if (++this.unanswered < 3) return;
    this.unanswered = 0;
    this.current = (this.current + 1) % this.hosts.length;
  }

  private exchange(request: http.RequestOptions, body: Uint8Array | undefined): Promise<CosAnswer> {
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const req = this.transport.request({ ...request, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: headerMap(res.headers), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new CosHttpError(`no answer within ${timeoutMs} ms`, undefined, {}, undefined, 'ETIMEDOUT')));
      req.on('error', reject);
      req.end(body);
    });
  }
}

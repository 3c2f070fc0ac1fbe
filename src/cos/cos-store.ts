// ObjectStore over the COS XML API: retries transient failures with backoff, maps errors to CosError with
// advice, and reads the small things the dump relies on (ETags, metadata, server time). Requests go out
// through CosHttp (Node's http, signed by signature.ts); their answers are read by answers.ts.
import { CosHttp, CosHttpError, type CosAnswer, type CosConnection } from './cos-http';
import { readCompleteUpload, readInitiateUpload, readListObjects, readListUploads, unquote } from './answers';
import { CosError, cosErrorCode, isRetriableCosError, toCosError } from './errors';
import { ObjectExistsError, type CompletedPart, type ListPage, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject, type UploadPage, type UploadRef } from './store';
import { retry, type RetryOptions } from '../util/retry';
import { escapeXml } from '../util/xml-text';

export interface CosStoreOptions {
  bucket: string;
  region: string;
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs' | 'clock'>>;
  onRetry?: (operation: string, key: string | undefined, error: string, attempt: number) => void;
}

type Headers = Record<string, string>;

const META_PREFIX = 'x-cos-meta-';

function putHeaders(options: PutOptions = {}): Headers {
  const headers: Headers = {};
  if (options.forbidOverwrite) headers['x-cos-forbid-overwrite'] = 'true';
  if (options.storageClass) headers['x-cos-storage-class'] = options.storageClass;
  if (options.contentType) headers['Content-Type'] = options.contentType;
  for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`${META_PREFIX}${name}`] = value;
  return headers;
}

function metadataOf(headers: Headers | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase().startsWith(META_PREFIX)) metadata[name.slice(META_PREFIX.length).toLowerCase()] = value;
  }
  return metadata;
}

function isNotFound(err: unknown): boolean {
  const e = err as { statusCode?: number };
  return e?.statusCode === 404 && cosErrorCode(err) !== 'NoSuchBucket';
}

/** A missing key is an answer, not a failure: it resolves to undefined. */
async function undefinedIfMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function isConflict(err: unknown): boolean {
  const e = err as { statusCode?: number };
  return e?.statusCode === 409 || cosErrorCode(err) === 'FileAlreadyExists';
}

/** The body of Complete Multipart Upload: every part's number and ETag, in order. */
function completeUploadBody(parts: CompletedPart[]): Buffer {
  const listed = parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>"${escapeXml(p.etag)}"</ETag></Part>`).join('');
  return Buffer.from(`<CompleteMultipartUpload>${listed}</CompleteMultipartUpload>`, 'utf8');
}

export class CosObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly region: string;
  private readonly policy: Omit<RetryOptions, 'onRetry'>;
  private readonly http: CosHttp;

  constructor(
    connection: CosConnection,
    private readonly options: CosStoreOptions,
  ) {
    this.http = new CosHttp(options, connection);
    this.bucket = options.bucket;
    this.region = options.region;
    // 12 attempts: a failing request is tried for 26-53 s before the invocation gives up (and commits
    // nothing). The SDK used to retry up to 4 times inside each attempt; with this one loop alone, 8 gave
    // up after 10-20 s, sooner than a short COS incident lasts.
    this.policy = { isRetriable: isRetriableCosError, attempts: 12, baseDelayMs: 200, maxDelayMs: 8000, ...options.retry };
  }

  private async call<T>(operation: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await retry(fn, { ...this.policy, onRetry: (err, attempt) => this.options.onRetry?.(operation, key, `${cosErrorCode(err)} ${(err as Error)?.message ?? ''}`.trim(), attempt) });
    } catch (err) {
      if (err instanceof CosError || err instanceof ObjectExistsError) throw err;
      if (isConflict(err) && key) throw new ObjectExistsError(key);
      throw toCosError(err, operation, this.bucket, this.region, key);
    }
  }

  async putObject(key: string, body: Buffer, options?: PutOptions): Promise<{ etag: string }> {
    const answer = await this.call('PutObject', key, () => this.http.send({ method: 'PUT', key, headers: putHeaders(options), body }));
    return { etag: unquote(answer.headers.etag) };
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const answer = await this.call('GetObject', key, () => undefinedIfMissing(this.http.send({ method: 'GET', key })));
    if (!answer) return undefined;
    return { ...this.infoOf(key, answer), body: answer.body, serverTime: new Date(answer.headers.date ?? Date.now()) };
  }

  async headObject(key: string): Promise<ObjectInfo | undefined> {
    const answer = await this.call('HeadObject', key, () => undefinedIfMissing(this.http.send({ method: 'HEAD', key })));
    return answer && this.infoOf(key, answer);
  }

  private infoOf(key: string, answer: CosAnswer): ObjectInfo {
    const headers = answer.headers;
    return { key, size: Number(headers['content-length'] ?? answer.body.length), etag: unquote(headers.etag), lastModified: new Date(headers['last-modified'] ?? 0), metadata: metadataOf(headers) };
  }

  async deleteObject(key: string): Promise<void> {
    await this.call('DeleteObject', key, () => this.http.send({ method: 'DELETE', key }));
  }

  async listObjects(prefix: string, options: { marker?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const query = { prefix, marker: options.marker, 'max-keys': String(options.maxKeys ?? 1000) };
    const answer = await this.call('ListObjects', prefix, () => this.http.send({ method: 'GET', query }));
    return readListObjects(answer.body.toString('utf8'), `${this.bucket}/${prefix}`);
  }

  async initMultipart(key: string, options?: PutOptions): Promise<string> {
    const answer = await this.call('InitiateMultipartUpload', key, () => this.http.send({ method: 'POST', key, query: { uploads: '' }, headers: putHeaders(options) }));
    return readInitiateUpload(answer.body.toString('utf8'), `${this.bucket}/${key}`);
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const query = { partNumber: String(partNumber), uploadId };
    const answer = await this.call('UploadPart', key, () => this.http.send({ method: 'PUT', key, query, body }));
    const etag = unquote(answer.headers.etag);
    if (!etag) throw new CosError(`COS UploadPart ${this.bucket}/${key} part ${partNumber} answered without an ETag`, 'InvalidResponse', undefined, undefined);
    return etag;
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[], options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string }> {
    const headers: Headers = { 'Content-Type': 'application/xml' };
    if (options.forbidOverwrite) headers['x-cos-forbid-overwrite'] = 'true';
    const body = completeUploadBody(parts);
    return this.call('CompleteMultipartUpload', key, async () => {
      const answer = await this.http.send({ method: 'POST', key, query: { uploadId }, headers, body });
      const result = readCompleteUpload(answer.body.toString('utf8'), `${this.bucket}/${key}`);
      if ('etag' in result) return result;
      throw CosHttpError.answered(answer, result.error);
    });
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.call('AbortMultipartUpload', key, async () => {
      try {
        await this.http.send({ method: 'DELETE', key, query: { uploadId } });
      } catch (err) {
        if (cosErrorCode(err) !== 'NoSuchUpload') throw err;
      }
    });
  }

  async listMultipartUploads(prefix: string, after?: UploadRef): Promise<UploadPage> {
    const query = { uploads: '', prefix, 'key-marker': after?.key, 'upload-id-marker': after?.uploadId, 'max-uploads': '1000' };
    const answer = await this.call('ListMultipartUploads', prefix, () => this.http.send({ method: 'GET', query }));
    return readListUploads(answer.body.toString('utf8'), `${this.bucket}/${prefix}`);
  }
}

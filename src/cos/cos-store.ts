// ObjectStore over cos-nodejs-sdk-v5: retries transient failures with backoff, maps errors to CosError
// with advice, and reads the small things the dump relies on (ETags, metadata, server time). Parts, the
// bulk of the bytes, go through PartSender: the SDK addresses and signs them, Node's http sends them.
import type COS from 'cos-nodejs-sdk-v5';
import { createCosClient, type CosClientOptions } from './client';
import { PartSender } from './part-sender';
import { CosError, cosErrorCode, isRetriableCosError, toCosError } from './errors';
import { ObjectExistsError, type CompletedPart, type ListPage, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject, type UploadPage, type UploadRef } from './store';
import { retry, type RetryOptions } from '../util/retry';

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

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
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

export class CosObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly region: string;
  private readonly policy: Omit<RetryOptions, 'onRetry'>;
  private readonly cos: COS;
  private readonly parts: PartSender;

  constructor(
    connection: CosClientOptions,
    private readonly options: CosStoreOptions,
  ) {
    this.cos = createCosClient(connection);
    this.parts = new PartSender(this.cos, options, connection);
    this.bucket = options.bucket;
    this.region = options.region;
    this.policy = { isRetriable: isRetriableCosError, attempts: 8, baseDelayMs: 200, maxDelayMs: 8000, ...options.retry };
  }

  private target() {
    return { Bucket: this.bucket, Region: this.region };
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
    const result = await this.call('PutObject', key, () => this.cos.putObject({ ...this.target(), Key: key, Body: body, ContentLength: body.length, Headers: putHeaders(options) }));
    return { etag: unquote(result.ETag) };
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const result = await this.call('GetObject', key, () => undefinedIfMissing(this.cos.getObject({ ...this.target(), Key: key })));
    if (!result) return undefined;
    const headers = result.headers as Headers;
    return {
      key,
      body: result.Body as Buffer,
      size: Number(headers['content-length'] ?? (result.Body as Buffer).length),
      etag: unquote(result.ETag ?? headers.etag),
      lastModified: new Date(headers['last-modified'] ?? 0),
      serverTime: new Date(headers.date ?? Date.now()),
      metadata: metadataOf(headers),
    };
  }

  async headObject(key: string): Promise<ObjectInfo | undefined> {
    const result = await this.call('HeadObject', key, () => undefinedIfMissing(this.cos.headObject({ ...this.target(), Key: key })));
    if (!result) return undefined;
    const headers = result.headers as Headers;
    return { key, size: Number(headers['content-length'] ?? 0), etag: unquote(result.ETag ?? headers.etag), lastModified: new Date(headers['last-modified'] ?? 0), metadata: metadataOf(headers) };
  }

  async deleteObject(key: string): Promise<void> {
    await this.call('DeleteObject', key, () => this.cos.deleteObject({ ...this.target(), Key: key }));
  }

  async listObjects(prefix: string, options: { marker?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const result = await this.call('ListObjects', prefix, () => this.cos.getBucket({ ...this.target(), Prefix: prefix, Marker: options.marker, MaxKeys: options.maxKeys ?? 1000 }));
    const objects = (result.Contents ?? []).map((c) => ({ key: c.Key, size: Number(c.Size), etag: unquote(c.ETag), lastModified: new Date(c.LastModified) }));
    const truncated = String(result.IsTruncated) === 'true';
    return { objects, nextMarker: truncated ? (result.NextMarker || objects[objects.length - 1]?.key) : undefined };
  }

  async initMultipart(key: string, options?: PutOptions): Promise<string> {
    const result = await this.call('InitiateMultipartUpload', key, () => this.cos.multipartInit({ ...this.target(), Key: key, Headers: putHeaders(options) }));
    if (!result.UploadId) throw new CosError(`COS InitiateMultipartUpload ${this.bucket}/${key} answered without an UploadId`, 'InvalidResponse', undefined, undefined);
    return result.UploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const etag = unquote(await this.call('UploadPart', key, () => this.parts.uploadPart(key, uploadId, partNumber, body)));
    if (!etag) throw new CosError(`COS UploadPart ${this.bucket}/${key} part ${partNumber} answered without an ETag`, 'InvalidResponse', undefined, undefined);
    return etag;
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[], options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string }> {
    const result = await this.call('CompleteMultipartUpload', key, () =>
      this.cos.multipartComplete({
        ...this.target(),
        Key: key,
        UploadId: uploadId,
        Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
        Headers: options.forbidOverwrite ? { 'x-cos-forbid-overwrite': 'true' } : {},
      } as COS.MultipartCompleteParams),
    );
    return { etag: unquote(result.ETag) };
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.call('AbortMultipartUpload', key, async () => {
      try {
        await this.cos.multipartAbort({ ...this.target(), Key: key, UploadId: uploadId });
      } catch (err) {
        if (cosErrorCode(err) !== 'NoSuchUpload') throw err;
      }
    });
  }

  async listMultipartUploads(prefix: string, after?: UploadRef): Promise<UploadPage> {
    const result = await this.call('ListMultipartUploads', prefix, () =>
      this.cos.multipartList({ ...this.target(), Prefix: prefix, Delimiter: '', KeyMarker: after?.key, UploadIdMarker: after?.uploadId, MaxUploads: 1000 }),
    );
    const listed = ([] as Array<{ Key?: string; UploadId?: string }>).concat(result.Upload ?? []);
    const uploads = listed.map((u) => {
      if (!u.Key || !u.UploadId) throw new CosError(`COS ListMultipartUploads ${this.bucket}/${prefix} answered an upload without a Key or UploadId`, 'InvalidResponse', undefined, undefined);
      return { key: u.Key, uploadId: u.UploadId };
    });
    const truncated = String(result.IsTruncated) === 'true';
    const next = truncated ? (result.NextKeyMarker ? { key: result.NextKeyMarker, uploadId: result.NextUploadIdMarker ?? '' } : uploads[uploads.length - 1]) : undefined;
    return { uploads, next };
  }
}

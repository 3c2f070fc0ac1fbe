// What the dump needs from object storage. The COS adapter implements it over the COS XML API; the benchmark's
// null sink implements it by discarding, which measures what the upload path itself costs.

export interface PutOptions {
  /** Refuse to replace an existing key (COS `x-cos-forbid-overwrite`); a clash raises ObjectExistsError. */
  forbidOverwrite?: boolean;
  /** User metadata, sent as `x-cos-meta-*`. */
  metadata?: Record<string, string>;
  storageClass?: string;
  contentType?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface StoredObject extends ObjectInfo {
  body: Buffer;
  /** The server's clock when it answered (HTTP `Date`), for judging ages by one clock only. */
  serverTime: Date;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface ListPage {
  objects: ListedObject[];
  nextMarker?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface ObjectStore {
  readonly bucket: string;
  putObject(key: string, body: Buffer, options?: PutOptions): Promise<{ etag: string }>;
  /** undefined when the key does not exist. */
  getObject(key: string): Promise<StoredObject | undefined>;
  headObject(key: string): Promise<ObjectInfo | undefined>;
  deleteObject(key: string): Promise<void>;
  listObjects(prefix: string, options?: { marker?: string; maxKeys?: number }): Promise<ListPage>;
  initMultipart(key: string, options?: PutOptions): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string>;
  completeMultipart(key: string, uploadId: string, parts: CompletedPart[], options?: { forbidOverwrite?: boolean }): Promise<{ etag: string }>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** Multipart uploads in progress under a prefix, a page at a time (`after` is the last of the previous page). */
  listMultipartUploads(prefix: string, after?: UploadRef): Promise<UploadPage>;
}

export interface UploadRef {
  key: string;
  uploadId: string;
}

export interface UploadPage {
  uploads: UploadRef[];
  /** Where the next page starts, when there is one. */
  next?: UploadRef;
}

/** Every multipart upload in progress under a prefix, page by page. */
export async function* listAllUploads(store: ObjectStore, prefix: string): AsyncGenerator<UploadRef> {
  let after: UploadRef | undefined;
  do {
    const page = await store.listMultipartUploads(prefix, after);
    yield* page.uploads;
    after = page.next;
  } while (after);
}

export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`object ${key} already exists`);
    this.name = 'ObjectExistsError';
  }
}

/** Lists every object under a prefix, page by page. */
export async function* listAll(store: ObjectStore, prefix: string, startAfter?: string): AsyncGenerator<ListedObject> {
  let marker = startAfter;
  for (;;) {
    const page = await store.listObjects(prefix, { marker, maxKeys: 1000 });
    yield* page.objects;
    if (!page.nextMarker) return;
    marker = page.nextMarker;
  }
}

/**
 * Creates a small object unless the key exists; either way returns what the key holds now. Of contenders
 * writing one key, all end up reading the same winner: COS's create-if-absent is the only agreement it offers.
 */
export async function createOrRead(store: ObjectStore, key: string, body: Buffer): Promise<{ created: boolean; body: Buffer }> {
  try {
    await store.putObject(key, body, { forbidOverwrite: true, contentType: 'application/json' });
    return { created: true, body };
  } catch (err) {
    if (!(err instanceof ObjectExistsError)) throw err;
    const winner = await store.getObject(key);
    if (!winner) throw err;
    return { created: false, body: winner.body };
  }
}

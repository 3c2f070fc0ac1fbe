// An ObjectStore in memory, with COS's create-if-absent and multipart rules. The benchmark's null sink
// uses it with `keepBodies: false` (data bodies are counted and dropped; small bookkeeping objects are
// kept so leases and manifests still work); unit tests use it whole.
import { createHash, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../util/clock';
import { ObjectExistsError, type CompletedPart, type ListPage, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject, type UploadPage, type UploadRef } from './store';

interface Entry {
  body: Buffer;
  size: number;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

const KEEP_ALWAYS_BELOW = 1024 * 1024;

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Entry>();
  private readonly uploads = new Map<string, { key: string; parts: Map<number, { body: Buffer; size: number }>; options: PutOptions }>();
  bytesReceived = 0;

  readonly bucket: string;
  private readonly keepBodies: boolean;
  /** The store's own clock: Last-Modified and the server time of answers, as COS stamps them. */
  private readonly clock: Clock;

  constructor(options: { bucket?: string; keepBodies?: boolean; clock?: Clock } = {}) {
    this.bucket = options.bucket ?? 'memory-1250000000';
    this.keepBodies = options.keepBodies ?? true;
    this.clock = options.clock ?? systemClock;
  }

  private store(key: string, body: Buffer, size: number, etag: string, options: PutOptions = {}): void {
    if (options.forbidOverwrite && this.objects.has(key)) throw new ObjectExistsError(key);
    const kept = this.keepBodies || size < KEEP_ALWAYS_BELOW ? body : Buffer.alloc(0);
    this.objects.set(key, { body: kept, size, etag, lastModified: new Date(this.clock.now()), metadata: { ...options.metadata } });
  }

  async putObject(key: string, body: Buffer, options?: PutOptions): Promise<{ etag: string }> {
    this.bytesReceived += body.length;
    const etag = this.keepBodies || body.length < KEEP_ALWAYS_BELOW ? createHash('md5').update(body).digest('hex') : randomUUID();
    this.store(key, Buffer.from(body), body.length, etag, options);
    return { etag };
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const entry = this.objects.get(key);
    return entry && { key, ...entry, serverTime: new Date(this.clock.now()) };
  }

  async headObject(key: string): Promise<ObjectInfo | undefined> {
    const entry = this.objects.get(key);
    return entry && { key, size: entry.size, etag: entry.etag, lastModified: entry.lastModified, metadata: entry.metadata };
  }

  async deleteObject(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async listObjects(prefix: string, options: { marker?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && (!options.marker || k > options.marker)).sort();
    const page = keys.slice(0, options.maxKeys ?? 1000);
    return {
      objects: page.map((key) => ({ key, size: this.objects.get(key)!.size, etag: this.objects.get(key)!.etag, lastModified: this.objects.get(key)!.lastModified })),
      nextMarker: keys.length > page.length ? page[page.length - 1] : undefined,
    };
  }

  async initMultipart(key: string, options: PutOptions = {}): Promise<string> {
    const id = randomUUID();
    this.uploads.set(id, { key, parts: new Map(), options });
    return id;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) throw Object.assign(new Error('NoSuchUpload'), { code: 'NoSuchUpload', statusCode: 404 });
    this.bytesReceived += body.length;
    upload.parts.set(partNumber, { body: this.keepBodies ? Buffer.from(body) : Buffer.alloc(0), size: body.length });
    return `${partNumber}-${body.length}`;
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[], options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string }> {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw Object.assign(new Error('NoSuchUpload'), { code: 'NoSuchUpload', statusCode: 404 });
    for (const [i, part] of parts.entries()) {
      const stored = upload.parts.get(part.partNumber);
      if (i > 0 && part.partNumber <= parts[i - 1]!.partNumber) throw new Error('InvalidPartOrder');
      if (!stored) throw new Error(`InvalidPart ${part.partNumber}`);
      if (i < parts.length - 1 && stored.size < 1024 * 1024) throw new Error(`EntityTooSmall part ${part.partNumber}`);
    }
    const chosen = parts.map((p) => upload.parts.get(p.partNumber)!);
    const body = Buffer.concat(chosen.map((p) => p.body));
    const size = chosen.reduce((sum, p) => sum + p.size, 0);
    const etag = `${randomUUID()}-${parts.length}`;
    this.store(key, body, size, etag, { ...upload.options, forbidOverwrite: options.forbidOverwrite });
    this.uploads.delete(uploadId);
    return { etag };
  }

  async abortMultipart(_key: string, uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
  }

  async listMultipartUploads(prefix: string, after?: UploadRef): Promise<UploadPage> {
    const all = [...this.uploads].map(([uploadId, u]) => ({ key: u.key, uploadId }));
    const listed = all
      .filter((u) => u.key.startsWith(prefix) && (!after || u.key > after.key || (u.key === after.key && u.uploadId > after.uploadId)))
      .sort((a, b) => (a.key === b.key ? (a.uploadId < b.uploadId ? -1 : 1) : a.key < b.key ? -1 : 1));
    const uploads = listed.slice(0, 1000);
    return { uploads, next: listed.length > uploads.length ? uploads[uploads.length - 1] : undefined };
  }

}

// Objects on disk, readable as plain files: `{dataDir}/{bucket}/{key}` holds the bytes of each object, and
// the server's own records (metadata, multipart uploads, temporary files) live apart under
// `{dataDir}/.cos/{bucket}/`. Bodies are always streamed: nothing the size of an object is held in memory.
//
// Like MinIO's file system mode, a key cannot be both an object and a folder of other objects (`a` and
// `a/b`): the second is refused with a clear error. The product never writes such keys.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Md5Workers } from './md5-workers';
import { InPlaceWriters, isContiguous, UploadStrides, type PartRecord } from './part-placement';

export interface ObjectMeta {
  etag: string;
  size: number;
  lastModified: number;
  contentType: string;
  storageClass: string;
  metadata: Record<string, string>;
  /** Standard headers kept with the object (Cache-Control, Content-Disposition...). */
  headers?: Record<string, string>;
}

export interface NewObject {
  contentType?: string;
  storageClass: string;
  metadata: Record<string, string>;
  headers?: Record<string, string>;
}

export class CosRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const MIN_PART_BYTES = 1024 * 1024;
const WRITE_BLOCK_BYTES = 4 * 1024 * 1024;
const COPY_BLOCK_BYTES = 8 * 1024 * 1024;
/** An upload's parts that fit its stride, each at (partNumber - 1) * stride. */
const DATA_FILE = 'data';
export const MAX_PARTS = 10_000;

/** Serializes the commit steps of one key, so create-if-absent and metadata updates are atomic. */
class KeyLocks {
  private tails = new Map<string, Promise<void>>();

  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export function validateObjectKey(key: string): void {
  if (key.length === 0) throw new CosRequestError(400, 'InvalidObjectName', 'The object key is empty.');
  if (Buffer.byteLength(key) > 850) throw new CosRequestError(400, 'KeyTooLong', 'The object key is longer than 850 bytes.');
  // eslint-disable-next-line no-control-regex
  if (/\u0000/.test(key)) throw new CosRequestError(400, 'InvalidObjectName', 'The object key contains NUL.');
  const segments = key.split('/');
  if (segments.some((s) => s === '..' || s === '.')) throw new CosRequestError(400, 'InvalidURI', 'The object key contains a "." or ".." segment and would escape its bucket.');
  if (segments.some((s, i) => s === '' && i > 0)) throw new CosRequestError(400, 'InvalidObjectName', 'The local COS server cannot store keys with empty segments ("a//b") or a trailing "/".');
  if (key.startsWith('/')) throw new CosRequestError(400, 'InvalidObjectName', 'The object key starts with "/".');
}

export class DiskStore {
  private readonly locks = new KeyLocks();
  private readonly strides = new UploadStrides();
  private readonly inPlace = new InPlaceWriters();
  private readonly md5 = new Md5Workers();

  constructor(readonly dataDir: string) {}

  /** Ends the hashing workers. */
  close(): Promise<void> {
    return this.md5.close();
  }

  private internal(bucket: string, ...parts: string[]): string {
    return join(this.dataDir, '.cos', bucket, ...parts);
  }

  objectPath(bucket: string, key: string): string {
    validateObjectKey(key);
    const root = join(this.dataDir, bucket);
    const path = join(root, ...key.split('/'));
    if (relative(root, path).startsWith('..')) throw new CosRequestError(400, 'InvalidURI', 'The object key would escape its bucket.');
    return path;
  }

  private metaPath(bucket: string, key: string): string {
    return this.internal(bucket, 'meta', ...`${key}.json`.split('/'));
  }

  // Buckets -----------------------------------------------------------------------------------------

  async createBucket(bucket: string, region: string): Promise<boolean> {
    const record = this.internal(bucket, 'bucket.json');
    if (existsSync(record)) return false;
    await mkdir(join(this.dataDir, bucket), { recursive: true });
    await mkdir(this.internal(bucket, 'tmp'), { recursive: true });
    await writeFile(record, JSON.stringify({ region, created: new Date().toISOString() }));
    return true;
  }

  async bucketRegion(bucket: string): Promise<string | undefined> {
    try {
      return (JSON.parse(await readFile(this.internal(bucket, 'bucket.json'), 'utf8')) as { region: string }).region;
    } catch {
      return undefined;
    }
  }

  // Objects -----------------------------------------------------------------------------------------

  /**
   * Streams a body to a temporary file (or into a range of an upload's data file), returning the file's
   * path, the md5 (hex) and size. Network chunks are gathered into one writev of a few MiB: a file write
   * per 64 KiB chunk costs more than the data.
   */
  private async receive(bucket: string, body: Readable, expectedLength: number | undefined, into?: { path: string; position: number }): Promise<{ tmp: string; md5: string; size: number }> {
    const tmp = into?.path ?? this.internal(bucket, 'tmp', randomUUID());
    const hash = this.md5.session();
    let size = 0;
    // An upload's data file is shared by its parts: open it without truncating, write at the part's place.
    const file = await open(tmp, into ? constants.O_WRONLY | constants.O_CREAT : 'w');
    let position = into?.position ?? 0;
    let gathered: Buffer[] = [];
    let gatheredBytes = 0;
    const flush = async () => {
      await Promise.all([file.writev(gathered, position), hash.update(gathered, gatheredBytes)]);
      position += gatheredBytes;
      gathered = [];
      gatheredBytes = 0;
    };
    const discard = async () => {
      if (!into) await rm(tmp, { force: true });
    };
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        gathered.push(chunk);
        gatheredBytes += chunk.length;
        if (gatheredBytes >= WRITE_BLOCK_BYTES) await flush();
      }
      if (gatheredBytes > 0) await flush();
    } catch (err) {
      hash.drop();
      await file.close().catch(() => {});
      await discard();
      throw err;
    }
    await file.close();
    if (expectedLength !== undefined && size !== expectedLength) {
      hash.drop();
      await discard();
      throw new CosRequestError(400, 'IncompleteBody', `The body has ${size} bytes, Content-Length said ${expectedLength}.`);
    }
    return { tmp, md5: await hash.digest(), size };
  }

  /** Moves a finished temporary file to its key, with the create-if-absent check and metadata, atomically. */
  private async commit(bucket: string, key: string, tmp: string, meta: ObjectMeta, forbidOverwrite: boolean, discardOnFailure = true): Promise<void> {
    const path = this.objectPath(bucket, key);
    await this.locks.with(`${bucket}/${key}`, async () => {
      try {
        await this.ensureParent(bucket, key, path);
        const existing = await stat(path).catch(() => undefined);
        if (existing?.isDirectory()) throw new CosRequestError(409, 'ObjectIsPrefix', `"${key}" is already a folder of other objects on this local server.`);
        if (forbidOverwrite && existing) throw new CosRequestError(409, 'FileAlreadyExists', 'The object already exists and x-cos-forbid-overwrite is true.');
        const metaPath = this.metaPath(bucket, key);
        await mkdir(dirname(metaPath), { recursive: true });
        await writeFile(`${metaPath}.tmp`, JSON.stringify(meta));
        if (forbidOverwrite) {
          // link() fails if the name exists: a second guard beside the lock, in case two servers share a folder.
          await link(tmp, path).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'EEXIST') throw new CosRequestError(409, 'FileAlreadyExists', 'The object already exists and x-cos-forbid-overwrite is true.');
            throw err;
          });
          await unlink(tmp);
        } else {
          await rename(tmp, path);
        }
        await rename(`${metaPath}.tmp`, metaPath);
      } catch (err) {
        if (discardOnFailure) await rm(tmp, { force: true });
        throw err;
      }
    });
  }

  private async ensureParent(bucket: string, key: string, path: string): Promise<void> {
    const root = join(this.dataDir, bucket);
    let dir = dirname(path);
    const chain: string[] = [];
    while (dir !== root && dir.startsWith(root + sep)) {
      chain.unshift(dir);
      dir = dirname(dir);
    }
    for (const folder of chain) {
      const info = await stat(folder).catch(() => undefined);
      if (info && !info.isDirectory()) {
        throw new CosRequestError(409, 'ParentIsObject', `"${relative(root, folder).split(sep).join('/')}" is an object, so "${key}" cannot be stored under it on this local server.`);
      }
    }
    await mkdir(dirname(path), { recursive: true });
  }

  async putObject(bucket: string, key: string, body: Readable, options: NewObject & { contentLength?: number; contentMd5?: string; forbidOverwrite: boolean }): Promise<ObjectMeta> {
    this.objectPath(bucket, key);
    const { tmp, md5, size } = await this.receive(bucket, body, options.contentLength);
    if (options.contentMd5 && Buffer.from(md5, 'hex').toString('base64') !== options.contentMd5) {
      await rm(tmp, { force: true });
      throw new CosRequestError(400, 'BadDigest', 'The Content-MD5 you specified did not match what was received.');
    }
    const meta: ObjectMeta = { etag: md5, size, lastModified: Date.now(), contentType: options.contentType ?? 'application/octet-stream', storageClass: options.storageClass, metadata: options.metadata, headers: options.headers };
    await this.commit(bucket, key, tmp, meta, options.forbidOverwrite);
    return meta;
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const path = this.objectPath(bucket, key);
    return this.locks.with(`${bucket}/${key}`, async () => {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      const meta = await readFile(this.metaPath(bucket, key), 'utf8').then(
        (text) => JSON.parse(text) as ObjectMeta,
        () => undefined,
      );
      // A file dropped into the folder by hand is served too, with what the file system knows.
      return meta ?? { etag: '', size: info.size, lastModified: info.mtimeMs, contentType: 'application/octet-stream', storageClass: 'STANDARD', metadata: {} };
    });
  }

  readObject(bucket: string, key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.objectPath(bucket, key), range);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const path = this.objectPath(bucket, key);
    await this.locks.with(`${bucket}/${key}`, async () => {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return;
      await unlink(path);
      await rm(this.metaPath(bucket, key), { force: true });
    });
  }

  /** Every object key under a prefix, sorted by UTF-8 bytes as COS sorts them. */
  async keys(bucket: string, prefix: string): Promise<string[]> {
    const root = join(this.dataDir, bucket);
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? prefix.slice(0, slash) : '';
    if (base.split('/').some((s) => s === '..' || s === '.')) return [];
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const key = `${keyPrefix}${entry.name}`;
        if (entry.isDirectory()) {
          if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) await walk(join(dir, entry.name), `${key}/`);
        } else if (entry.isFile() && key.startsWith(prefix)) keys.push(key);
      }
    };
    await walk(base ? join(root, ...base.split('/')) : root, base ? `${base}/` : '');
    return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  // Multipart uploads -------------------------------------------------------------------------------

  private uploadDir(bucket: string, uploadId: string): string {
    if (!/^[0-9a-f-]{36,64}$/.test(uploadId)) throw new CosRequestError(404, 'NoSuchUpload', 'The specified upload does not exist.');
    return this.internal(bucket, 'uploads', uploadId);
  }

  async initiate(bucket: string, key: string, object: NewObject): Promise<string> {
    this.objectPath(bucket, key);
    // Like COS's, upload ids start with the time, so that ids sort in the order uploads began: the
    // listing pages by id, and clients take a key's last upload as its newest.
    const uploadId = `${String(Date.now()).padStart(13, '0')}${randomBytes(16).toString('hex')}`;
    const dir = this.uploadDir(bucket, uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'upload.json'), JSON.stringify({ key, initiated: Date.now(), ...object }));
    return uploadId;
  }

  /** An upload in progress of this key (its record), or NoSuchUpload. */
  async upload(bucket: string, key: string, uploadId: string): Promise<{ key: string; initiated: number } & NewObject> {
    const dir = this.uploadDir(bucket, uploadId);
    const record = await readFile(join(dir, 'upload.json'), 'utf8').then(
      (t) => JSON.parse(t) as { key: string; initiated: number } & NewObject,
      () => undefined,
    );
    if (!record || record.key !== key) throw new CosRequestError(404, 'NoSuchUpload', 'The specified upload does not exist.');
    return record;
  }

  /**
   * Stores a part. When it fits its upload's stride, it goes straight to its place in the upload's data
   * file, so that completing an upload of parts sent in order needs no copy; otherwise (an unknown length,
   * a part longer than the stride, or another attempt at the same part still writing) to a file of its own.
   */
  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: Readable, contentLength?: number): Promise<string> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw new CosRequestError(400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}.`);
    await this.upload(bucket, key, uploadId);
    const dir = this.uploadDir(bucket, uploadId);
    const recordPath = join(dir, `${partNumber}.json`);
    const stride = contentLength === undefined ? undefined : await this.strides.of(dir, contentLength);
    const writer = stride !== undefined && contentLength! <= stride ? this.inPlace.begin(uploadId, partNumber) : undefined;
    const into = writer && { path: join(dir, DATA_FILE), position: (partNumber - 1) * stride! };
    try {
      // A range about to change holds no part until it holds the whole new one.
      if (writer) await Promise.all([rm(recordPath, { force: true }), rm(join(dir, `${partNumber}.part`), { force: true })]);
      const { tmp, md5, size } = await this.receive(bucket, body, contentLength, into);
      await writeFile(recordPath, JSON.stringify({ etag: md5, size, lastModified: Date.now(), offset: into?.position } satisfies PartRecord));
      if (!into) await rename(tmp, join(dir, `${partNumber}.part`));
      return md5;
    } finally {
      writer?.end();
    }
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<Array<PartRecord & { partNumber: number }>> {
    await this.upload(bucket, key, uploadId);
    const dir = this.uploadDir(bucket, uploadId);
    const parts = [];
    for (const name of await readdir(dir)) {
      const m = /^(\d+)\.json$/.exec(name);
      if (!m) continue;
      const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as PartRecord;
      parts.push({ partNumber: Number(m[1]), ...record });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async complete(bucket: string, key: string, uploadId: string, chosen: Array<{ partNumber: number; etag: string }>, forbidOverwrite: boolean): Promise<ObjectMeta> {
    const upload = await this.upload(bucket, key, uploadId);
    if (chosen.length === 0) throw new CosRequestError(400, 'MalformedXML', 'The part list is empty.');
    const stored = new Map((await this.listParts(bucket, key, uploadId)).map((p) => [p.partNumber, p]));
    const dir = this.uploadDir(bucket, uploadId);
    const digests: Buffer[] = [];
    if (chosen.some((part, i) => i > 0 && part.partNumber <= chosen[i - 1]!.partNumber)) {
      throw new CosRequestError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
    }
    for (const [i, part] of chosen.entries()) {
      const found = stored.get(part.partNumber);
      if (!found || found.etag !== part.etag) throw new CosRequestError(400, 'InvalidPart', `Part ${part.partNumber} was not found or its ETag does not match.`);
      if (i < chosen.length - 1 && found.size < MIN_PART_BYTES) throw new CosRequestError(400, 'EntityTooSmall', `Part ${part.partNumber} is smaller than 1 MiB and is not the last part.`);
      digests.push(Buffer.from(found.etag, 'hex'));
    }
    const records = chosen.map((part) => stored.get(part.partNumber)!);
    const size = records.reduce((sum, part) => sum + part.size, 0);
    const etag = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${chosen.length}`;
    const meta: ObjectMeta = { etag, size, lastModified: Date.now(), contentType: upload.contentType ?? 'application/octet-stream', storageClass: upload.storageClass, metadata: upload.metadata, headers: upload.headers };
    // Parts written in place back to back from the start, and nothing after them, already are the object:
    // it is renamed, not copied. A refused commit (the key exists) leaves the upload as it was.
    const claimed = isContiguous(records) && this.inPlace.claimForComplete(uploadId);
    try {
      const data = join(dir, DATA_FILE);
      if (claimed && (await stat(data).catch(() => undefined))?.size === size) await this.commit(bucket, key, data, meta, forbidOverwrite, false);
      else await this.commit(bucket, key, await this.assemble(bucket, dir, records), meta, forbidOverwrite);
      await rm(dir, { recursive: true, force: true });
    } finally {
      if (claimed) this.inPlace.releaseComplete(uploadId);
    }
    this.strides.forget(dir);
    return meta;
  }

  /** Copies the chosen parts, wherever each one lives, into a new temporary file. */
  private async assemble(bucket: string, dir: string, parts: Array<PartRecord & { partNumber: number }>): Promise<string> {
    const tmp = this.internal(bucket, 'tmp', randomUUID());
    const out = await open(tmp, 'w');
    const block = Buffer.allocUnsafe(COPY_BLOCK_BYTES);
    try {
      for (const part of parts) {
        const input = await open(join(dir, part.offset === undefined ? `${part.partNumber}.part` : DATA_FILE), 'r');
        try {
          for (let done = 0; done < part.size; ) {
            const { bytesRead } = await input.read(block, 0, Math.min(block.length, part.size - done), (part.offset ?? 0) + done);
            if (bytesRead === 0) throw new Error(`part ${part.partNumber} is shorter on disk than its record says`);
            await out.write(block, 0, bytesRead);
            done += bytesRead;
          }
        } finally {
          await input.close();
        }
      }
      await out.close();
    } catch (err) {
      await out.close().catch(() => {});
      await rm(tmp, { force: true });
      throw err;
    }
    return tmp;
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.upload(bucket, key, uploadId);
    const dir = this.uploadDir(bucket, uploadId);
    await rm(dir, { recursive: true, force: true });
    this.strides.forget(dir);
  }

  /** Uploads in progress, by key in UTF-8 byte order, then by id (oldest first). */
  async listUploads(bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string; initiated: number; storageClass: string }>> {
    const root = this.internal(bucket, 'uploads');
    const uploads = [];
    for (const uploadId of await readdir(root).catch(() => [] as string[])) {
      const record = await readFile(join(root, uploadId, 'upload.json'), 'utf8').then(
        (t) => JSON.parse(t) as { key: string; initiated: number; storageClass: string },
        () => undefined,
      );
      if (record && record.key.startsWith(prefix)) uploads.push({ key: record.key, uploadId, initiated: record.initiated, storageClass: record.storageClass });
    }
    return uploads.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || (a.uploadId < b.uploadId ? -1 : a.uploadId > b.uploadId ? 1 : 0));
  }
}

// The bytes of one object on their way to COS: plain, or gzip. Rotation asks each body for an upper
// bound of the stored size, because the size limit applies to what COS stores.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { ObjectUpload, UploadResult } from '../cos/object-upload';
import type { BufferPool } from '../util/big-buffers';
import { byteCount, copyFitting } from '../util/bytes';
import type { ByteSink } from './format/format';

const gzip = promisify(gzipCallback);

export interface ObjectBody extends ByteSink {
  /** Upper bound of the stored size if `extra` more bytes were appended now. */
  storedBound(extra: number): number;
  /** Bytes appended (before compression). */
  readonly inputBytes: number;
  /**
   * The writer's pacing: false when appending `bytes` now would hold more buffers than the uploads in
   * flight need (a sealed part or member waiting); wait in makeRoomFor() first.
   */
  hasRoomFor(bytes: number): boolean;
  makeRoomFor(bytes: number): Promise<void>;
  /** Ends the input and returns the exact number of bytes the object will store. */
  seal(): Promise<number>;
  finish(metadata: Record<string, string>): Promise<UploadResult>;
  abort(): Promise<void>;
}

export class PlainBody implements ObjectBody {
  constructor(private readonly upload: ObjectUpload) {}

  get inputBytes(): number {
    return this.upload.bytes;
  }

  hasRoomFor(bytes: number): boolean {
    return this.upload.hasRoomFor(bytes);
  }

  makeRoomFor(bytes: number): Promise<void> {
    return this.upload.makeRoomFor(bytes);
  }

  append(bytes: Buffer): void {
    this.upload.append(bytes);
  }

  appendByte(byte: number): void {
    this.upload.appendByte(byte);
  }

  storedBound(extra: number): number {
    return this.upload.bytes + extra;
  }

  async seal(): Promise<number> {
    return this.upload.bytes;
  }

  finish(metadata: Record<string, string>): Promise<UploadResult> {
    return this.upload.finish(metadata);
  }

  abort(): Promise<void> {
    return this.upload.abort();
  }
}

/**
 * Input per gzip member. Small members keep what is being compressed to a few MiB (deflate looks back
 * only 32 KiB, so the ratio does not suffer) and still give the thread pool work worth handing over.
 */
export const GZIP_MEMBER_BYTES = 1024 * 1024;

/** zlib's deflateBound for default settings plus the gzip header and trailer. */
export function gzipBound(n: number): number {
  return n + (n >>> 12) + (n >>> 14) + (n >>> 25) + 13 + 18;
}

/**
 * A body that gathers its input into chunks of a pool's buffer size and compresses each chunk once it is
 * full (a gzip member, a zstd frame): every chunk's stored size is known once it is compressed, which
 * keeps the size bound tight. Subclasses compress; the chunk being gathered is `pending[0, pos)`.
 */
export abstract class ChunkedBody implements ObjectBody {
  protected pending: Buffer;
  protected pos = 0;
  private input = 0;
  private sealed = false;

  constructor(
    protected readonly upload: ObjectUpload,
    protected readonly pool: BufferPool,
  ) {
    this.pending = pool.take();
  }

  get inputBytes(): number {
    return this.input;
  }

  append(bytes: Buffer): void {
    const total = byteCount(bytes);
    let from = 0;
    while (from < total) {
      const n = copyFitting(this.pending, this.pos, bytes, from);
      this.pos += n;
      from += n;
      if (this.pos === byteCount(this.pending)) this.sealChunk();
    }
    this.input += total;
  }

  appendByte(byte: number): void {
    this.pending[this.pos++] = byte;
    this.input++;
    if (this.pos === byteCount(this.pending)) this.sealChunk();
  }

  /** Compresses pending[0, pos) and starts the next chunk (pos back to 0). */
  protected abstract sealChunk(): void;
  /** Resolves once every sealed chunk is in the upload. */
  protected abstract settled(): Promise<void>;
  abstract hasRoomFor(bytes: number): boolean;
  abstract makeRoomFor(bytes: number): Promise<void>;
  abstract storedBound(extra: number): number;

  async seal(): Promise<number> {
    // An object without input still gets one (empty) chunk: an empty file is not a gzip or zstd stream.
    if (!this.sealed && (this.pos > 0 || this.input === 0)) this.sealChunk();
    this.sealed = true;
    await this.settled();
    return this.upload.bytes;
  }

  async finish(metadata: Record<string, string>): Promise<UploadResult> {
    await this.seal();
    this.pool.give(this.pending);
    return this.upload.finish(metadata);
  }

  async abort(): Promise<void> {
    await this.settled().catch(() => {});
    await this.upload.abort();
  }
}

/**
 * gzip as a series of members, one per chunk of input: a concatenation of gzip members is
 * itself a valid gzip file (RFC 1952, read by gunzip, Java, Python, Spark). Each member's exact size is
 * known when it is done, which keeps the size bound tight, and members compress on libuv's thread pool
 * while the consumer goes on reading.
 */
export class GzipBody extends ChunkedBody {
  /** Members compressing, in order, with the input size each was given. */
  private readonly compressing: Array<{ done: Promise<Buffer>; inputLength: number }> = [];
  private appending: Promise<void> = Promise.resolve();

  constructor(
    upload: ObjectUpload,
    pool: BufferPool,
    private readonly maxCompressing = 2,
  ) {
    super(upload, pool);
  }

  /** Input goes to the member being gathered: the writer waits while members or parts queue up. */
  hasRoomFor(): boolean {
    return this.compressing.length <= this.maxCompressing && this.upload.hasRoomFor(0);
  }

  async makeRoomFor(): Promise<void> {
    while (this.compressing.length > this.maxCompressing) await this.compressing[0]!.done.then(() => this.appending);
    await this.upload.makeRoomFor(0);
  }

  protected sealChunk(): void {
    const chunk = this.pending;
    const length = this.pos;
    this.pending = this.pool.take();
    this.pos = 0;
    const done = gzip(chunk.subarray(0, length)).finally(() => this.pool.give(chunk));
    const member = { done, inputLength: length };
    this.compressing.push(member);
    this.appending = this.appending.then(async () => {
      const compressed = await done;
      this.upload.append(compressed);
      this.compressing.splice(this.compressing.indexOf(member), 1);
    });
  }

  protected settled(): Promise<void> {
    return this.appending;
  }

  storedBound(extra: number): number {
    let bound = this.upload.bytes + gzipBound(this.pos + extra);
    for (const member of this.compressing) bound += gzipBound(member.inputLength);
    return bound;
  }
}

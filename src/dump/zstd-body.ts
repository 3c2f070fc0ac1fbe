// zstd objects, as a series of frames, one per MiB of input: a concatenation of zstd frames is one zstd
// stream (`zstd -d`, DuckDB, Spark and Python read it whole). Frames are compressed synchronously into the
// WebAssembly module's memory and copied from there straight into the upload part, so nothing is
// allocated per frame: gzip's compressed output, allocated per member by node:zlib, waits for V8 to
// collect it, which is what keeps gzip above a 128 MB function.
import type { ObjectUpload } from '../cos/object-upload';
import type { BufferPool } from '../util/big-buffers';
import type { ZstdCompressor } from '../kafka/codecs';
import { ChunkedBody } from './object-body';

/** Input per frame: frames compress independently, and a MiB loses little against one frame per object. */
export const ZSTD_FRAME_BYTES = 1024 * 1024;
/** zstd's own default level. */
export const ZSTD_LEVEL = 3;
/** What a frame may add beyond ZSTD_compressBound of its input: its header and an empty last block, and some room. */
const FRAME_SLACK_BYTES = 64;

export class ZstdBody extends ChunkedBody {
  constructor(
    upload: ObjectUpload,
    pool: BufferPool,
    private readonly compressor: ZstdCompressor,
  ) {
    super(upload, pool);
  }

  /** What appending `bytes` may hand the upload at once: the frames it completes. */
  private emitted(bytes: number): number {
    return this.pos + bytes < this.pending.length ? 0 : this.bound(this.pos + bytes);
  }

  private bound(input: number): number {
    return this.compressor.bound(input) + Math.ceil(input / this.pending.length + 1) * FRAME_SLACK_BYTES;
  }

  hasRoomFor(bytes: number): boolean {
    return this.upload.hasRoomFor(this.emitted(bytes));
  }

  makeRoomFor(bytes: number): Promise<void> {
    return this.upload.makeRoomFor(this.emitted(bytes));
  }

  protected sealChunk(): void {
    this.compressor.compress(this.pending.subarray(0, this.pos), (frame) => this.upload.append(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)));
    this.pos = 0;
  }

  protected async settled(): Promise<void> {
    // Frames are compressed synchronously: each is in the upload as soon as it is sealed.
  }

  storedBound(extra: number): number {
    return this.upload.bytes + this.bound(this.pos + extra);
  }
}

// Every object compression, by the name COMPRESSION takes: the key suffix, the memory it needs and the
// body that writes it.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ObjectUpload } from '../cos/object-upload';
import type { BufferPool } from '../util/big-buffers';
import { decodeZstd, loadZstd, OutputBuffer, prepareZstdDecoding, zstdCompressor } from '../kafka/codecs';
import { GZIP_MEMBER_BYTES, GzipBody, PlainBody, type ObjectBody } from './object-body';
import { ZSTD_FRAME_BYTES, ZSTD_LEVEL, ZstdBody } from './zstd-body';

export interface CompressionSpec {
  /** One line for the configuration reference. */
  description: string;
  suffix: string;
  /** Memory beyond the upload buffers, in MiB (measured by `npm run bench`). */
  memoryMiB: number;
  /** Work to do once before the first object (loading a WebAssembly compressor). */
  prepare?(): Promise<void>;
  /** `pool(size)` gives the consumer's pool of buffers of that size, made when a compression first asks. */
  body(upload: ObjectUpload, pool: (bufferBytes: number) => BufferPool): ObjectBody;
  /** A stored object's bytes as the format wrote them, `bytes` long (its manifest's contentBytes; `verify --deep` reads objects back). */
  read(stored: Buffer, bytes: number): Promise<Buffer>;
}

/** Objects are split well below this (MAX_OBJECT_BYTES), so a larger one is not ours. */
const READ_LIMIT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

const DECLARED = {
  none: { description: 'stored as written', suffix: '', memoryMiB: 0, body: (upload) => new PlainBody(upload), read: async (stored) => stored },
  // gzip members being compressed, and compressed output that waits for V8 to collect it: 116 MiB at the
  // peak on poorly compressible records, against 97-103 without compression.
  gzip: { description: 'gzip members of 1 MiB (any gzip reader reads them as one file)', suffix: '.gz', memoryMiB: 14, body: (upload, pool) => new GzipBody(upload, pool(GZIP_MEMBER_BYTES)), read: (stored) => promisify(gunzip)(stored) },
  // The compressor's regions in WebAssembly memory (a frame's input and output, its context) and the frame
  // being gathered: 97 MiB at the peak into COS with the default parts, against 97-103 without compression.
  zstd: {
    description: 'zstd frames of 1 MiB at level 3 (`zstd -d` and other zstd readers read them as one file): cheaper per GiB than gzip, and smaller',
    suffix: '.zst',
    memoryMiB: 8,
    prepare: loadZstd,
    body: (upload, pool) => new ZstdBody(upload, pool(ZSTD_FRAME_BYTES), zstdCompressor(ZSTD_LEVEL)),
    read: async (stored, bytes) => {
      await prepareZstdDecoding();
      // The reader's decoder takes the concatenated frames whole, in one pass when told the size (each frame
      // declares only its own 1 MiB); its output is a view of a buffer made for this object alone.
      return decodeZstd(stored, new OutputBuffer(READ_LIMIT_BYTES, Math.min(bytes, READ_LIMIT_BYTES)), bytes);
    },
  },
} satisfies Record<string, CompressionSpec>;

export type CompressionName = keyof typeof DECLARED;

export const COMPRESSIONS: Record<CompressionName, CompressionSpec> = DECLARED;

export const COMPRESSION_NAMES = Object.keys(COMPRESSIONS) as [CompressionName, ...CompressionName[]];

// Page compression. Each codec states a worst-case output size: rotation needs an upper bound of the
// stored object before the bytes exist, and a V1 data page has no way to store a page uncompressed when
// compression would make it larger.
import { gzipSync } from 'node:zlib';
import { zstdCompressor } from '../../../kafka/codecs/zstd';
import { gzipBound } from '../../object-body';
import { snappyBound, snappyCompress } from './snappy';

export const PARQUET_COMPRESSIONS = ['snappy', 'gzip', 'zstd', 'none'] as const;
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number];

export interface PageCodec {
  readonly name: ParquetCompression;
  /** The CompressionCodec enum of parquet.thrift. */
  readonly parquetCodec: number;
  /** Worst-case compressed size of `n` input bytes. */
  bound(n: number): number;
  /** Upper bound of bound(n + delta) - bound(n), whatever n is. */
  growth(delta: number): number;
  /** Compresses `input` into `out` at `at` (which has bound(input.length) bytes free); returns the compressed length. */
  compress(input: Buffer, out: Buffer, at: number): number;
}

const none: PageCodec = {
  name: 'none',
  parquetCodec: 0,
  bound: (n) => n,
  growth: (delta) => delta,
  compress(input, out, at) {
    input.copy(out, at);
    return input.length;
  },
};

/** Parquet's GZIP codec is the gzip file format (RFC 1952), as parquet-mr and Arrow write it. */
const gzip: PageCodec = {
  name: 'gzip',
  parquetCodec: 2,
  bound: gzipBound,
  // Each shifted term of gzipBound grows by at most (delta >>> k) + 1.
  growth: (delta) => delta + (delta >>> 12) + (delta >>> 14) + (delta >>> 25) + 3,
  compress(input, out, at) {
    const compressed = gzipSync(input);
    compressed.copy(out, at);
    return compressed.length;
  },
};

/** Our own compressor (snappy.ts), writing into the row group's buffer. */
const snappy: PageCodec = {
  name: 'snappy',
  parquetCodec: 1,
  bound: snappyBound,
  growth: (delta) => delta + Math.floor(delta / 6) + 1,
  compress: snappyCompress,
};

/**
 * The reference zstd in WebAssembly, the module the consumer's own zstd output is compressed with:
 * loadZstd() must have completed (the format's prepare step). Level 1, as Arrow writes Parquet's zstd
 * pages by default: the cost figure is CPU per GiB.
 */
const ZSTD_LEVEL = 1;
const zstd: PageCodec = {
  name: 'zstd',
  parquetCodec: 6,
  // ZSTD_COMPRESSBOUND; its last term shrinks as n grows, so growth needs only the first two.
  bound: (n) => n + (n >>> 8) + (n < 128 * 1024 ? (128 * 1024 - n) >>> 11 : 0),
  growth: (delta) => delta + (delta >>> 8) + 1,
  compress(input, out, at) {
    // Copied from the WebAssembly memory straight into the row group: no buffer per page.
    return zstdCompressor(ZSTD_LEVEL).compress(input, (frame) => out.set(frame, at));
  },
};

export function pageCodec(name: ParquetCompression): PageCodec {
  switch (name) {
    case 'none':
      return none;
    case 'gzip':
      return gzip;
    case 'snappy':
      return snappy;
    case 'zstd':
      return zstd;
    default:
      throw new Error(`PARQUET_COMPRESSION=${String(name)}: not a Parquet compression (${PARQUET_COMPRESSIONS.join(', ')})`);
  }
}

// Kafka's compression codecs, each decoding one batch's payload into the reused output buffer. The
// choice of decoders and the measurements behind it: bench/codec-candidates.ts and README (Codecs).
import { decodeGzip } from './gzip';
import { decodeLz4Frame } from './lz4';
import { CorruptDataError, type OutputBuffer } from './output';
import { decodeSnappy } from './snappy';
import { decodeZstd, prepareZstdDecoding } from './zstd';

export { CorruptDataError, DecompressedSizeError, OutputBuffer } from './output';
export { decodeZstd, loadZstd, prepareZstdDecoding, zstdCompressor, type ZstdCompressor } from './zstd';

export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export const ZSTD = 4;

/** Prepares a codec before its first batch (zstd without the native addon compiles its WebAssembly module, once). */
export async function prepareCodec(codec: number): Promise<void> {
  if (codec === ZSTD) await prepareZstdDecoding();
}

/**
 * Decompresses a batch payload into `out`; the result is a view into `out`, valid until its next use.
 * `legacyLz4`: message format v0 frames, whose header checksum Kafka computes the old, broken way.
 */
export function decompress(codec: number, input: Uint8Array, out: OutputBuffer, legacyLz4 = false): Buffer {
  let result: Buffer;
  switch (codec) {
    case 1:
      result = decodeGzip(input, out);
      break;
    case 2:
      result = decodeSnappy(input, out);
      break;
    case 3:
      result = decodeLz4Frame(input, out, legacyLz4);
      break;
    case ZSTD:
      result = decodeZstd(input, out);
      break;
    default:
      throw new CorruptDataError(`unknown compression codec id ${codec}`);
  }
  out.used(result.length);
  return result;
}

// Kafka compression codecs. Producers on CKafka often use snappy, lz4 or zstd; kafkajs reads only gzip.
// Pure-JavaScript decoders keep the SCF bundle a single file with no native modules.
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import SnappyJS from 'snappyjs';
import LZ4 from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

const gunzip = promisify(gunzipCallback);

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

/** The Java client writes snappy in xerial's framing: a magic header, then length-prefixed blocks. */
function snappy(input: Buffer): Buffer {
  if (input.length < XERIAL_HEADER_BYTES || !input.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return Buffer.from(SnappyJS.uncompress(input));
  }
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos + 4 <= input.length) {
    const size = input.readInt32BE(pos);
    pos += 4;
    if (pos + size > input.length) throw new Error('truncated xerial snappy block');
    blocks.push(Buffer.from(SnappyJS.uncompress(input.subarray(pos, pos + size))));
    pos += size;
  }
  return Buffer.concat(blocks);
}

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export async function decompress(codec: number, input: Buffer, baseOffset: number): Promise<Buffer> {
  try {
    switch (codec) {
      case 1:
        return await gunzip(input);
      case 2:
        return snappy(input);
      case 3: {
        const out = LZ4.decompress(input);
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      case 4: {
        const out = zstdDecompress(input);
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      default:
        throw new Error(`unknown compression codec id ${codec}`);
    }
  } catch (err) {
    throw new Error(`cannot decompress the ${CODEC_NAMES[codec] ?? codec} batch at offset ${baseOffset}: ${(err as Error).message}`, { cause: err });
  }
}

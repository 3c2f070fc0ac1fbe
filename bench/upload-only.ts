// Our COS client alone, with nothing to read: the bytes a dump stores, from memory, in the consumer's parts
// (PART_SIZE_BYTES, UPLOAD_CONCURRENCY) and objects (MAX_OBJECT_BYTES), into the COS server the consumer
// writes to. On a machine where that server shares the cores, this is the fastest any consumer can store
// there: into COS / kcat above the upload's own / kcat is impossible, and the gap between the upload's speed
// and ours is what reading Kafka and framing records cost on top of storing.
import { loadConfig } from '../src/config/config';
import { configuredStore } from '../src/cos/configured-store';
import { ObjectUpload } from '../src/cos/object-upload';
import { BufferPool } from '../src/util/big-buffers';
import { Limiter } from '../src/util/limiter';

/** Source block: the server's cost (its MD5, its file writes) does not depend on what the bytes are. */
const BLOCK_BYTES = 1024 * 1024;

export async function uploadOnly(env: NodeJS.ProcessEnv, bytes: number): Promise<{ objects: number; bytes: number }> {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new Error(`upload: a positive number of bytes, not ${bytes}`);
  const config = loadConfig(env, 'consumer');
  const store = configuredStore(config);
  const { partSizeBytes, uploadConcurrency, maxObjectBytes } = config.cos;
  const limiter = new Limiter(uploadConcurrency);
  const pool = new BufferPool(partSizeBytes, uploadConcurrency + 2);
  const block = Buffer.alloc(BLOCK_BYTES, 'log line\n');
  let objects = 0;
  for (let left = bytes; left > 0; objects++) {
    const size = Math.min(left, maxObjectBytes);
    const upload = new ObjectUpload({ store, key: `${config.cos.prefix}upload-only/${objects}.txt`, pool, limiter, put: { forbidOverwrite: true, contentType: 'text/plain' } });
    for (let written = 0; written < size; ) {
      const n = Math.min(BLOCK_BYTES, size - written);
      // Paced like the consumer's writer: a part waits for an upload slot rather than taking a buffer more.
      if (!upload.hasRoomFor(n)) await upload.makeRoomFor(n);
      upload.append(n === BLOCK_BYTES ? block : block.subarray(0, n));
      written += n;
    }
    await upload.finish();
    left -= size;
  }
  return { objects, bytes };
}

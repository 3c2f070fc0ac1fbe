// Makes the data objects of one partition: the key from the layout, an upload that streams parts to COS,
// and the body the configured compression writes through. Part buffers and upload slots are shared by
// every object of the invocation, so memory stays the same however many objects it writes.
import { ObjectUpload } from '../cos/object-upload';
import { BufferPool } from '../util/big-buffers';
import { Limiter } from '../util/limiter';
import { COMPRESSIONS } from './compression';
import { FORMATS } from './format';
import { dataObjectKey, extensionFor } from './keys';
import type { Manifest } from './manifest';
import type { OffsetRange } from './offset-range';
import type { OpenObject, PartitionTarget } from './open-object';

export interface ObjectFactoryOptions extends PartitionTarget {
  storageClass: string;
  partSizeBytes: number;
  uploadConcurrency: number;
  /** Told each multipart upload before its first part goes up, so a successor can abort it after a crash. */
  trackUpload: (key: string, uploadId: string) => Promise<void>;
}

export class ObjectFactory {
  private readonly limiter: Limiter;
  private readonly partPool: BufferPool;

  constructor(private readonly options: ObjectFactoryOptions) {
    this.limiter = new Limiter(options.uploadConcurrency);
    this.partPool = BufferPool.shared('part', options.partSizeBytes, options.uploadConcurrency + 2);
  }

  /** Opens the object that starts the range; a plan fixes its key (and so its window) in advance. */
  open(windowStartMs: number, range: OffsetRange, plan?: Manifest): OpenObject {
    const { store, chain, topic, format, compression } = this.options;
    const { partition } = chain;
    const key = plan?.key ?? dataObjectKey(chain.layout, windowStartMs, partition, range.startOffset, extensionFor(format, compression), chain.generation);
    const upload = new ObjectUpload({
      store,
      key,
      pool: this.partPool,
      limiter: this.limiter,
      put: {
        forbidOverwrite: true,
        storageClass: this.options.storageClass,
        contentType: FORMATS[format].contentType,
        metadata: { topic, partition: String(partition), 'start-offset': String(range.startOffset), format, compression },
      },
      onMultipartStarted: (uploadId) => this.options.trackUpload(key, uploadId),
    });
    const body = COMPRESSIONS[compression].body(upload, (bytes) => this.pool(bytes));
    return { key, windowStartMs: plan?.windowStartMs ?? windowStartMs, body, range, plan };
  }

  private pool(bufferBytes: number): BufferPool {
    return BufferPool.shared('part', bufferBytes, 4);
  }
}

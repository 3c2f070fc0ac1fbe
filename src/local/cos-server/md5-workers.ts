// MD5 of bodies (the ETags COS gives objects and parts) on worker threads. On the server's own thread,
// hashing was half its CPU, and that one thread was the bound of every upload into it: a client storing
// bytes from memory, doing nothing else, went no faster than the thread could hash. Each hash is one
// worker's, fed in order; different uploads hash on different workers at once.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash('md5')));
    hash.update(new Uint8Array(m.bytes, 0, m.length));
    parentPort.postMessage({ id: m.id, hashed: m.length, bytes: m.bytes }, [m.bytes]);
  } else if (m.op === 'digest') {
    const hash = hashes.get(m.id) ?? createHash('md5');
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, md5: hash.digest('hex') });
  } else if (m.op === 'drop') {
    hashes.delete(m.id);
  }
});
`;

interface Waiting {
  resolve: (md5: string) => void;
  reject: (err: Error) => void;
}

/**
 * Bytes a body may have on their way to its worker: a client faster than MD5 would otherwise pile its
 * upload up in the server's memory, which holds nothing the size of an object.
 */
const OWED_BYTES = 16 * 1024 * 1024;

/**
 * Blocks of a MiB or more the workers have hashed, kept for the next updates: a new block per update cost
 * the server page faults, zero-filling and collections in proportion to everything uploaded. Smaller
 * bodies (manifests, leases) get blocks of their own size, so that they never fill the spares.
 */
const SPARE_BLOCKS = 4;
const SPARE_MIN_BYTES = 1024 * 1024;

interface Owed {
  bytes: number;
  /** Woken once the body owes no more than OWED_BYTES. */
  wake?: () => void;
}

/** One body's MD5, computed on a worker from the chunks given to it in order. */
export interface Md5Session {
  /** Resolves once the worker has room for more: await it before giving the next block. */
  update(chunks: readonly Buffer[], bytes: number): Promise<void>;
  /** The hex digest of everything given; the session ends. */
  digest(): Promise<string>;
  /** Ends the session without a digest (the body was refused). */
  drop(): void;
}

export class Md5Workers {
  private workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private readonly owed = new Map<number, Owed>();
  private readonly spare: ArrayBuffer[] = [];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  session(): Md5Session {
    const id = this.nextId++;
    const worker = this.worker(id % this.size);
    const owed: Owed = { bytes: 0 };
    this.owed.set(id, owed);
    const end = () => this.owed.delete(id);
    return {
      update: async (chunks, bytes) => {
        // Copied into a block of its own, then moved to the worker and back without another copy: a chunk read
        // from a socket may share its memory with others, which moving it would take from them.
        const own = new Uint8Array(this.takeBlock(bytes));
        let at = 0;
        for (const chunk of chunks) {
          own.set(chunk, at);
          at += chunk.length;
        }
        worker.postMessage({ op: 'update', id, bytes: own.buffer, length: bytes }, [own.buffer]);
        owed.bytes += bytes;
        while (owed.bytes > OWED_BYTES && !this.failure) await new Promise<void>((wake) => (owed.wake = wake));
        if (this.failure) throw this.failure;
      },
      digest: () =>
        new Promise<string>((resolve, reject) => {
          end();
          if (this.failure) return reject(this.failure);
          this.waiting.set(id, { resolve, reject });
          worker.postMessage({ op: 'digest', id });
        }),
      drop: () => {
        end();
        worker.postMessage({ op: 'drop', id });
      },
    };
  }

  /** A block of at least `bytes`: a spare one, or a new one (not zero-filled: every byte hashed is written first). */
  private takeBlock(bytes: number): ArrayBuffer {
    if (bytes < SPARE_MIN_BYTES) return Buffer.allocUnsafeSlow(bytes).buffer;
    const fits = this.spare.findIndex((b) => b.byteLength >= bytes);
    if (fits >= 0) return this.spare.splice(fits, 1)[0]!;
    // Rounded up, so that a block can serve the next body's slightly larger gathering too.
    return Buffer.allocUnsafeSlow(Math.ceil(bytes / SPARE_MIN_BYTES) * SPARE_MIN_BYTES).buffer;
  }

  /** A block a worker has hashed: kept if it can serve a later update that takeBlock() would look among the spares for. */
  private giveBlock(block: ArrayBuffer): void {
    if (block.byteLength >= SPARE_MIN_BYTES && this.spare.length < SPARE_BLOCKS) this.spare.push(block);
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private worker(index: number): Worker {
    let worker = this.workers[index];
    if (!worker) {
      worker = new Worker(WORKER_SOURCE, { eval: true });
      // Idle workers do not keep the process alive: the server decides when it ends.
      worker.unref();
      worker.on('message', (m: { id: number; md5?: string; hashed?: number; bytes?: ArrayBuffer }) => {
        if (m.hashed !== undefined) {
          if (m.bytes) this.giveBlock(m.bytes);
          const owed = this.owed.get(m.id);
          if (owed && (owed.bytes -= m.hashed) <= OWED_BYTES) owed.wake?.();
          return;
        }
        const waiting = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        waiting?.resolve(m.md5!);
      });
      worker.on('error', (err) => this.fail(new Error(`the COS server's MD5 worker failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (this.workers.includes(worker!)) this.fail(new Error(`the COS server's MD5 worker exited (${code})`));
      });
      this.workers[index] = worker;
    }
    return worker;
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const waiting of this.waiting.values()) waiting.reject(err);
    this.waiting.clear();
    for (const owed of this.owed.values()) owed.wake?.();
  }
}

// The consumer's own connection to a partition leader, for Fetch only. kafkajs allocates a new buffer for
// every response (and a copy while assembling it); at hundreds of MB/s those buffers outlive the young
// generation and pile up as external memory until a full GC, tens of MB above what the consumer needs.
// Here each response is read into one of a few reused buffers, so memory stays flat however much is read.
// Metadata, offsets and commits still go through kafkajs.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { allocateBig, BufferPool } from '../util/big-buffers';
import { Cursor } from './cursor';
import { Encoder } from './encoder';
import { describeErrorCode, KafkaError } from './errors';
import { decodeFetchResponse, type FetchedPartition } from './fetch-response';
import { encodeFetchRequest, FETCH_API_KEY, MAX_FETCH_VERSION, MIN_FETCH_VERSION, type FetchArgs } from './fetch-request';
import { kafkaMechanismName, plainToken, ScramClient, type SaslCredentials } from './sasl';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const READ_BUFFER_BYTES = 256 * 1024;
/** Address space reserved for the first response larger than the pooled buffers (16 MiB holds a 15 MiB record). */
const LARGE_RESPONSE_RESERVE_BYTES = 16 * 1024 * 1024;

export interface FetchConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  ssl?: boolean | { ca: string[] };
  sasl?: SaslCredentials;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Size of the reused response buffers: the fetch size plus room for the response's own fields. */
  responseBufferBytes: number;
}

/** A fetched partition whose record bytes live in a reused buffer: call release() once they are consumed. */
export interface PooledFetch extends FetchedPartition {
  release(): void;
}

interface Pending {
  /** -1: a raw SASL token exchange (SaslHandshake v0), whose frames carry no header. */
  correlationId: number;
  resolve: (payload: Buffer, release: () => void) => void;
  reject: (err: Error) => void;
  pooled: boolean;
  timer: NodeJS.Timeout;
}

/**
 * The one buffer kept for a response larger than the fetch size (a batch the broker sends whole), for the
 * process's connections and invocations alike: allocating one per large record left several of them
 * waiting for the garbage collector (15 MiB records: 50 MiB).
 */
let largeResponse: Buffer | undefined;

/** Response buffers: the process's pool of fetch-sized ones, and the large one above. */
class ResponsePool {
  private readonly regular: BufferPool;

  constructor(size: number, keep: number) {
    this.regular = BufferPool.shared('response', size, keep);
  }

  take(bytes: number): { buffer: Buffer; release: () => void } {
    if (bytes > this.regular.size) {
      const kept = largeResponse;
      // At least LARGE_RESPONSE_RESERVE_BYTES, in powers of two: pages never written take no memory, and each
      // outgrown buffer stayed resident until a full collection (tens of MiB at the peak when each was exact).
      const buffer = kept && kept.length >= bytes ? kept : allocateBig('response', Math.max(LARGE_RESPONSE_RESERVE_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
      largeResponse = undefined;
      return lent(buffer, () => {
        if (!largeResponse || largeResponse.length < buffer.length) largeResponse = buffer;
      });
    }
    const buffer = this.regular.take();
    return lent(buffer, () => this.regular.give(buffer));
  }
}

/** A pooled buffer with a release that gives it back once, however often it is called. */
function lent(buffer: Buffer, giveBack: () => void): { buffer: Buffer; release: () => void } {
  let released = false;
  return {
    buffer,
    release: () => {
      if (released) return;
      released = true;
      giveBack();
    },
  };
}

export class FetchConnection {
  private nextCorrelationId = 1;
  private readonly pending: Pending[] = [];
  private readonly pool: ResponsePool;
  // Frame assembly: the 4-byte size, then the response read (TLS: copied) into its buffer as bytes arrive.
  private readonly sizeBytes = Buffer.alloc(4);
  private sizeFilled = 0;
  private current: { buffer: Buffer; release: () => void; size: number; filled: number } | undefined;
  private failure: Error | undefined;
  private fetchVersion = MIN_FETCH_VERSION;
  /** SaslHandshake v1 and SaslAuthenticate (Kafka 1.0+), else v0 and raw tokens (0.10). */
  private saslAuthenticate = false;
  /** No fetch is sent before this instant: the broker asked for a pause (throttle_time_ms). */
  private throttledUntil = 0;
  /** Milliseconds waited in all for the broker's quota, for the logs. */
  throttledMs = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly options: FetchConnectionOptions,
  ) {
    this.pool = new ResponsePool(options.responseBufferBytes, 3);
    if (options.ssl) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new KafkaError(`connection to ${this.address} failed: ${err.message}`, undefined, true, { cause: err })));
    socket.on('close', () => this.fail(new KafkaError(`connection to ${this.address} closed`, undefined, true)));
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  static async open(options: FetchConnectionOptions): Promise<FetchConnection> {
    // The connection object exists only once the socket is up; reads before that cannot happen.
    const reader: { connection?: FetchConnection } = {};
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const timeoutMs = options.connectTimeoutMs ?? 10_000;
      // Plain TCP reads land in place (no allocation per read, see readTarget); TLS streams hand out chunks.
      const s = options.ssl
        ? connectTls({ host: options.host, port: options.port, servername: /^[\d.]+$/.test(options.host) ? undefined : options.host, ...(typeof options.ssl === 'object' ? { ca: options.ssl.ca } : {}) })
        : connectTcp({
            host: options.host,
            port: options.port,
            onread: {
              // Node asks for the next read's memory after each read: bytes of a response being assembled
              // go straight into its buffer, everything else (size prefixes, small answers) into readBuffer.
              buffer: () => reader.connection?.readTarget() ?? readBuffer,
              callback: (bytes, buffer) => (buffer === readBuffer ? reader.connection?.onData(readBuffer.subarray(0, bytes)) : reader.connection?.received(bytes), true),
            },
          });
      const timer = setTimeout(() => s.destroy(new Error(`Connection timeout after ${timeoutMs} ms`)), timeoutMs);
      s.once(options.ssl ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeListener('error', reject);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new KafkaError(`cannot connect to ${options.host}:${options.port}: ${err.message}`, undefined, !/certificate|self[- ]signed|SSL|TLS/i.test(err.message), { cause: err }));
      });
    });
    socket.setNoDelay(true);
    const connection = new FetchConnection(socket, options);
    reader.connection = connection;
    try {
      await connection.negotiate();
      if (options.sasl) await connection.authenticate(options.sasl);
    } catch (err) {
      connection.close();
      throw err;
    }
    return connection;
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.current?.release();
    this.current = undefined;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(this.failure);
    }
    this.socket.destroy();
  }

  /** Consumes bytes as they arrive; the chunk is only read here, never kept (it may be reused at once). */
  onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.current) {
        const n = Math.min(4 - this.sizeFilled, chunk.length - pos);
        chunk.copy(this.sizeBytes, this.sizeFilled, pos, pos + n);
        this.sizeFilled += n;
        pos += n;
        if (this.sizeFilled < 4) return;
        this.sizeFilled = 0;
        const size = this.sizeBytes.readInt32BE(0);
        const head = this.pending[0];
        const raw = head?.correlationId === -1;
        if (!head || size < (raw ? 0 : 4)) return this.fail(new KafkaError(`unexpected response of ${size} bytes from ${this.address}`, undefined, true));
        const taken = head.pooled ? this.pool.take(size) : { buffer: Buffer.allocUnsafe(size), release: () => {} };
        if (size === 0) {
          this.dispatch(taken.buffer.subarray(0, 0), taken.release);
          continue;
        }
        this.current = { ...taken, size, filled: 0 };
        continue;
      }
      const frame = this.current;
      const n = Math.min(frame.size - frame.filled, chunk.length - pos);
      chunk.copy(frame.buffer, frame.filled, pos, pos + n);
      pos += n;
      this.received(n);
    }
  }

  /**
   * Where the socket's next read should land: the rest of the response being assembled, so that its bytes
   * are not copied once more (a read never runs past the response's end), else undefined.
   */
  readTarget(): Buffer | undefined {
    const frame = this.current;
    return frame && frame.buffer.subarray(frame.filled, frame.size);
  }

  /** `bytes` more of the current response are in its buffer. */
  received(bytes: number): void {
    const frame = this.current;
    if (!frame) return; // failed meanwhile: the socket is closed and its reads dropped
    frame.filled += bytes;
    if (frame.filled === frame.size) {
      this.current = undefined;
      this.dispatch(frame.buffer.subarray(0, frame.size), frame.release);
    }
  }

  /** Kafka answers requests on a connection in the order they were sent. */
  private dispatch(frame: Buffer, release: () => void): void {
    const head = this.pending.shift();
    if (head?.correlationId === -1) {
      clearTimeout(head.timer);
      return head.resolve(frame, release);
    }
    const correlationId = frame.readInt32BE(0);
    if (!head || head.correlationId !== correlationId) {
      release();
      return this.fail(new KafkaError(`response ${correlationId} from ${this.address} does not match the request sent`, undefined, true));
    }
    clearTimeout(head.timer);
    head.resolve(frame.subarray(4), release);
  }

  private send(apiKey: number, version: number, body: Encoder, pooled: boolean, timeoutMs: number): Promise<{ payload: Buffer; release: () => void }> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new KafkaError(`request to ${this.address} timed out after ${timeoutMs} ms`, undefined, true)), timeoutMs);
      this.pending.push({ correlationId, resolve: (payload, release) => resolve({ payload, release }), reject, pooled, timer });
      this.socket.write(body.frame(apiKey, version, correlationId, this.options.clientId));
    });
  }

  private async request(apiKey: number, version: number, body: Encoder): Promise<Buffer> {
    return (await this.send(apiKey, version, body, false, this.options.requestTimeoutMs ?? 30_000)).payload;
  }

  /** A SASL token on its own, framed by its length only (after SaslHandshake v0). */
  private rawSaslToken(token: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new KafkaError(`SASL authentication on ${this.address} timed out after ${timeoutMs} ms`, undefined, true)), timeoutMs);
      this.pending.push({ correlationId: -1, resolve: (payload) => resolve(payload), reject, pooled: false, timer });
      const size = Buffer.alloc(4);
      size.writeInt32BE(token.length);
      this.socket.write(Buffer.concat([size, token]));
    });
  }

  /**
   * Picks the highest Fetch version both sides speak (ApiVersions v0, which every broker since 0.10.0
   * answers), and how this broker authenticates.
   */
  private async negotiate(): Promise<void> {
    const c = new Cursor(await this.request(API_VERSIONS, 0, new Encoder()));
    const error = c.int16('error code');
    if (error !== 0) throw new KafkaError(`ApiVersions failed on ${this.address}: ${describeErrorCode(error)}`, error, false);
    const count = c.int32('api count');
    let fetch: [number, number] | undefined;
    for (let i = 0; i < count; i++) {
      const [key, min, max] = [c.int16(), c.int16(), c.int16()];
      if (key === FETCH_API_KEY) fetch = [min, max];
      if (key === SASL_AUTHENTICATE) this.saslAuthenticate = true;
    }
    const version = fetch && Math.min(fetch[1], MAX_FETCH_VERSION);
    if (fetch === undefined || version! < Math.max(fetch[0], MIN_FETCH_VERSION)) {
      throw new KafkaError(`the broker at ${this.address} speaks Fetch ${fetch ? `v${fetch[0]} to v${fetch[1]}` : 'in no version'}; this consumer speaks v${MIN_FETCH_VERSION} to v${MAX_FETCH_VERSION}`, undefined, false);
    }
    this.fetchVersion = version!;
  }

  /** The Fetch version negotiated with this broker. */
  get version(): number {
    return this.fetchVersion;
  }

  private async saslStep(token: Buffer): Promise<Buffer> {
    if (!this.saslAuthenticate) return this.rawSaslToken(token);
    const c = new Cursor(await this.request(SASL_AUTHENTICATE, 0, new Encoder().bytes(token)));
    const error = c.int16('error code');
    const message = c.string('error message');
    if (error !== 0) throw new KafkaError(`SASL authentication failed on ${this.address}: ${message || describeErrorCode(error)}`, error, false);
    return c.bytes('auth bytes') ?? Buffer.alloc(0);
  }

  private async authenticate(sasl: SaslCredentials): Promise<void> {
    const name = kafkaMechanismName(sasl.mechanism);
    const c = new Cursor(await this.request(SASL_HANDSHAKE, this.saslAuthenticate ? 1 : 0, new Encoder().string(name)));
    const error = c.int16('error code');
    if (error !== 0) throw new KafkaError(`the broker at ${this.address} does not accept SASL ${name} (error ${error})`, error, false);
    if (sasl.mechanism === 'plain') {
      await this.saslStep(plainToken(sasl.username, sasl.password));
      return;
    }
    const scram = new ScramClient(sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512', sasl.username, sasl.password);
    const serverFirst = await this.saslStep(scram.first());
    const serverFinal = await this.saslStep(scram.final(serverFirst));
    scram.verify(serverFinal);
  }

  /**
   * One Fetch. The record set lives in a reused buffer until release() is called. A broker that throttles
   * (CKafka caps each instance's bandwidth) says how long to pause: from Fetch v8 (Kafka 2.0, KIP-219)
   * it answers at once and expects the client to wait; before, it has already held the answer back.
   */
  async fetch(args: FetchArgs): Promise<PooledFetch> {
    for (;;) {
      const pause = this.throttledUntil - Date.now();
      if (pause > 0) {
        this.throttledMs += pause;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
      const { payload, release } = await this.send(FETCH_API_KEY, this.fetchVersion, encodeFetchRequest(this.fetchVersion, args), true, args.maxWaitMs + (this.options.requestTimeoutMs ?? 30_000));
      let response;
      try {
        response = decodeFetchResponse(payload, this.fetchVersion);
      } catch (err) {
        release();
        throw err;
      }
      if (response.throttleTimeMs > 0 && this.fetchVersion >= 8) this.throttledUntil = Date.now() + response.throttleTimeMs;
      const found = response.partitions.find((p) => p.topic === args.topic && p.partition === args.partition);
      // A throttled broker answers with no partitions at all: ask again once the pause is over.
      if (!found && response.errorCode === 0 && response.throttleTimeMs > 0) {
        release();
        if (this.fetchVersion < 8) this.throttledUntil = Date.now() + response.throttleTimeMs;
        continue;
      }
      if (response.errorCode !== 0 || !found) {
        release();
        throw new KafkaError(`fetch ${args.topic}/${args.partition} from ${this.address}: ${found ? describeErrorCode(response.errorCode) : 'no data for the partition'}`, response.errorCode, true);
      }
      return { ...found, release };
    }
  }
}

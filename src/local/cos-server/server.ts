// A COS-compatible HTTP server for development and tests: the real COS SDKs (Node and Python) talk to it,
// its signatures are checked as COS checks them, objects land in a folder on disk, and tests inject faults.
// Each request is routed to an operation (routes.ts) and answered by that operation's handler (handlers/).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import type { CosCall, CosServerEvents, Route } from './context';
import { CosRequestError, DiskStore } from './disk-store';
import { CosFaults, type CosFault } from './faults';
import { HANDLERS } from './handlers';
import { sendError } from './http';
import { route } from './routes';
import { verifyRequest, type Credential } from './signature';
import { listenOnLoopback } from '../ports';

export type { CosServerEvents } from './context';

export interface CosServerOptions {
  dataDir: string;
  credentials: Credential[];
  buckets?: Array<{ name: string; region: string }>;
  /** Loopback only by default: the server is for development and tests. */
  host?: string;
  port?: number;
  now?: () => number;
}

export interface CosServer {
  readonly port: number;
  readonly endpoint: string;
  readonly faults: CosFaults;
  /** 'request' (op, key or list prefix) as each signed request arrives; 'stored' (key) once an object is in place, before the answer goes out. */
  readonly events: CosServerEvents;
  /** Requests received, by operation (faulted ones included). */
  stats(): Record<string, number>;
  createBucket(name: string, region: string): Promise<void>;
  /** Where an object's bytes are on disk. */
  objectPath(bucket: string, key: string): string;
  close(): Promise<void>;
}

/** Applies an injected fault; returns true when the request has been answered (or dropped) by it. */
async function applyFault(fault: CosFault, req: IncomingMessage, res: ServerResponse, r: Route): Promise<boolean> {
  switch (fault.kind) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'status':
      req.resume();
      sendError(req, res, fault.status, fault.code, fault.message ?? `Injected ${fault.code}.`);
      return true;
    case 'hang':
      req.resume();
      return true;
    case 'reset':
      if (r.op === 'GetObject') return false; // reset mid-response, by the GetObject handler
      if (req.readableEnded) req.socket.destroy();
      else req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return true;
  }
}

/** A client that went away mid-body is not a server error worth an answer. */
function clientWentAway(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted';
}

export async function startCosServer(options: CosServerOptions): Promise<CosServer> {
  const store = new DiskStore(options.dataDir);
  const faults = new CosFaults();
  const events = new EventEmitter() as CosServerEvents;
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const now = options.now ?? Date.now;
  for (const bucket of options.buckets ?? []) await store.createBucket(bucket.name, bucket.region);

  async function requireBucket(r: Route): Promise<void> {
    const region = await store.bucketRegion(r.bucket);
    // Buckets are regional: asking another region's endpoint for a bucket finds nothing there.
    if (!region || (r.region !== undefined && r.region !== region)) throw new CosRequestError(404, 'NoSuchBucket', 'The specified bucket does not exist.');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Every answer carries the server's own clock, as COS's do: clients correct skewed signatures by it.
    if (options.now) res.setHeader('Date', new Date(now()).toUTCString());
    const r = route(req);
    counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
    const failure = verifyRequest({ method: req.method ?? 'GET', pathname: `/${r.key}`, query: r.query, headers: req.headers }, options.credentials, now());
    if (failure) {
      req.resume();
      return sendError(req, res, failure.status, failure.code, failure.message);
    }
    const target = r.key || (r.query.prefix ?? '');
    events.emit('request', r.op, target);
    const fault = faults.decide(r.op, target, req.headers.host);
    if (fault && (await applyFault(fault, req, res, r))) return;
    if (r.op !== 'PutBucket') await requireBucket(r);
    const call: CosCall = { req, res, route: r, store, events, resetMidway: fault?.kind === 'reset' };
    await HANDLERS[r.op](call);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      req.resume();
      if (err instanceof CosRequestError) return sendError(req, res, err.status, err.code, err.message);
      if (clientWentAway(err)) return res.destroy();
      sendError(req, res, 500, 'InternalError', `The local COS server failed: ${(err as Error)?.message ?? String(err)}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { port, endpoint } = await listenOnLoopback(server, options.port, options.host);

  return {
    port,
    endpoint,
    faults,
    events,
    stats: () => Object.fromEntries(counts),
    createBucket: async (name, region) => {
      await store.createBucket(name, region);
    },
    objectPath: (bucket, key) => store.objectPath(bucket, key),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

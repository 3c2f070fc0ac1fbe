// What a COS operation's handler gets: the request as routed, the store, and the server's events.
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DiskStore } from './disk-store';
import type { CosOperation } from './faults';

export interface CosServerEvents extends EventEmitter {
  on(event: 'request', listener: (op: CosOperation, target: string) => void): this;
  on(event: 'stored', listener: (key: string) => void): this;
  emit(event: 'request', op: CosOperation, target: string): boolean;
  emit(event: 'stored', key: string): boolean;
}

export interface Route {
  op: CosOperation;
  bucket: string;
  /** The region named by a virtual-host request; path-style requests name none. */
  region?: string;
  key: string;
  query: Record<string, string>;
}

export interface CosCall {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  store: DiskStore;
  events: CosServerEvents;
  /** An injected reset on a download: the answer breaks off halfway through the body. */
  resetMidway: boolean;
}

export type Handler = (call: CosCall) => Promise<void>;

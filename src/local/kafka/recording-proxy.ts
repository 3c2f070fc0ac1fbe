// A TCP proxy in front of a real broker that records every answer the broker gives (for replay-broker.ts),
// and readdresses the answers that advertise the broker so the client keeps talking through the proxy.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Exchange } from './conversation';
import { listenOnLoopback } from '../ports';
import { ADDRESSING_API_KEYS, FrameSplitter, readvertise, requestHeader, responseCorrelationId, type BrokerAddress } from './frames';

export interface RecordingProxy {
  bootstrap: string;
  address: BrokerAddress;
  /** The answers so far, in the order the broker gave them. */
  exchanges(): Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(broker: BrokerAddress): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  let self: BrokerAddress = { host: '127.0.0.1', port: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect({ host: broker.host, port: broker.port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    const asked = new Map<number, { apiKey: number; apiVersion: number }>();
    const requests = new FrameSplitter();
    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        const { apiKey, apiVersion, correlationId } = requestHeader(frame);
        asked.set(correlationId, { apiKey, apiVersion });
        upstream.write(frame);
      }
    });
    const responses = new FrameSplitter();
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of responses.push(chunk)) {
        const request = asked.get(responseCorrelationId(frame));
        if (!request) throw new Error(`the broker answered correlation id ${responseCorrelationId(frame)}, which no request carried`);
        const response = ADDRESSING_API_KEYS.has(request.apiKey) ? readvertise(frame, broker, self) : frame;
        exchanges.push({ ...request, response });
        client.write(response);
      }
    });
  });
  self = { host: '127.0.0.1', port: (await listenOnLoopback(server)).port };
  return {
    bootstrap: `${self.host}:${self.port}`,
    address: self,
    exchanges: () => [...exchanges],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

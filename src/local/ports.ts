// Loopback ports for the local servers: a free port for services (Kafka) that must know theirs before they
// start, and listening on loopback only for the HTTP servers.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Listens on loopback only (the local servers must not be reachable from the network) and returns the port. */
export async function listenOnLoopback(server: Server, port = 0, host = '127.0.0.1'): Promise<{ port: number; endpoint: string }> {
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : 0;
  return { port: bound, endpoint: `http://127.0.0.1:${bound}` };
}

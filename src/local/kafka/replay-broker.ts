// A stand-in broker that answers a client from a recorded conversation (conversation.ts): each request gets
// the next recorded answer to the same API and version, readdressed to this server and to the request's
// correlation id. It checks nothing of what is asked; a request the recording has no answer for closes
// the connection and is reported by unanswered(), so a client that strays from the recorded path fails.
// Metadata aside: kafkajs refreshes it on its own timing, asking once more or once less against an
// instant replay than against the broker it was recorded from, so a Metadata request past the recorded
// ones gets the last one again (the cluster it describes has not changed).
import { createServer, type Server, type Socket } from 'node:net';
import type { Conversation } from './conversation';
import { listenOnLoopback } from '../ports';
import { ADDRESSING_API_KEYS, FrameSplitter, readvertise, requestHeader, withCorrelationId, type BrokerAddress } from './frames';

const METADATA = 3;

export interface ReplayBroker {
  bootstrap: string;
  /** Requests that found no recorded answer, as `apiKey/apiVersion`. */
  unanswered(): string[];
  /** Recorded answers never asked for, as `apiKey/apiVersion`. */
  unused(): string[];
  close(): Promise<void>;
}

export async function startReplayBroker(conversation: Conversation): Promise<ReplayBroker> {
  const queues = new Map<string, Buffer[]>();
  for (const { apiKey, apiVersion, response } of conversation.exchanges) {
    const key = `${apiKey}/${apiVersion}`;
    queues.set(key, [...(queues.get(key) ?? []), response]);
  }
  const unanswered: string[] = [];
  const lastMetadata = new Map<number, Buffer>();
  const sockets = new Set<Socket>();
  let self: BrokerAddress = { host: '127.0.0.1', port: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const splitter = new FrameSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        const { apiKey, apiVersion, correlationId } = requestHeader(frame);
        let answer = queues.get(`${apiKey}/${apiVersion}`)?.shift();
        if (apiKey === METADATA) {
          if (answer) lastMetadata.set(apiVersion, answer);
          else answer = lastMetadata.get(apiVersion);
        }
        if (!answer) {
          unanswered.push(`${apiKey}/${apiVersion}`);
          socket.destroy();
          return;
        }
        const addressed = ADDRESSING_API_KEYS.has(apiKey) ? readvertise(answer, conversation.advertised, self) : answer;
        socket.write(withCorrelationId(addressed, correlationId));
      }
    });
  });
  self = { host: '127.0.0.1', port: (await listenOnLoopback(server)).port };
  return {
    bootstrap: `${self.host}:${self.port}`,
    unanswered: () => [...unanswered],
    unused: () => [...queues].flatMap(([key, answers]) => answers.map(() => key)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

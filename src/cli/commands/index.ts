// The command table. Each command lives in its own module and is loaded only when used.
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

function lazy(summary: string, load: () => Promise<{ run(args: string[]): Promise<number> }>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

export const commands: Record<string, Command> = {
  'local kafka': lazy('start a local Apache Kafka broker (KRaft) on loopback', () => import('./local-kafka')),
  'local cos': lazy('start the local COS-compatible server', () => import('./local-cos')),
  'local api': lazy('start the local SCF/CKafka API emulator', () => import('./local-api')),
};

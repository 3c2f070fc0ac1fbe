// The command table. Each command lives in its own module and is loaded only when used.
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

function lazy(summary: string, load: () => Promise<{ run(args: string[]): Promise<number> }>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

export const commands: Record<string, Command> = {
  demo: lazy('run the whole product on the embedded local stack and show what it wrote', () => import('./demo')),
  run: lazy('run one scheduler tick against the configured environment', () => import('./run')),
  plan: lazy('show partitions, committed and end offsets and lag; writes nothing', () => import('./plan')),
  bench: lazy('measure throughput, memory and cost against kcat and kafka-console-consumer', () => import('./bench')),
  verify: lazy('audit a dump in COS for gaps and overlaps (--deep: compare with Kafka)', () => import('./verify')),
  ddl: lazy('print the table definition (DLC, Hive, DuckDB) that queries the archive where it lies', () => import('./ddl')),
  'local kafka': lazy('start a local Apache Kafka broker (KRaft) on loopback', () => import('./local-kafka')),
  'local cos': lazy('start the local COS-compatible server', () => import('./local-cos')),
  'local api': lazy('start the local SCF/CKafka API emulator', () => import('./local-api')),
  'local node': lazy("print the path of SCF's Node.js release, fetched on first use", () => import('./local-node')),
  'local code-cache': lazy("record the bundles' V8 code caches, after a training invocation (the build runs it)", () => import('./local-code-cache')),
  'local stack': lazy('start Kafka, the COS server and the API emulator together', () => import('./local-stack')),
};

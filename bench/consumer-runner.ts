// One consumer run for the benchmark, in its own process so that its time and peak memory are its own:
//   node dist/bench/consumer-runner null|cos PARTITION [warm]
// null: the dump goes to an in-memory sink that counts and drops data bodies (what reading, framing and
// part assembly cost); cos: to COS as configured (COS_ENDPOINT names the local server).
// warm: the process first dumps the partition once into its own group and prefix, as an earlier
// invocation of a reused SCF instance would have, and reports the CPU and time of the second dump alone
// (peak RSS stays the whole process's: a reused instance keeps what the first invocation left).
//   node dist/bench/consumer-runner upload BYTES
// upload: no Kafka, only our COS client storing BYTES from memory as a dump would (bench/upload-only.ts).
import { join } from 'node:path';
import { runConsumer } from '../src/consumer/consumer';
import { MemoryObjectStore } from '../src/cos/memory-store';
import { DISCARD_LOGS } from '../src/log';
import { uploadOnly } from './upload-only';

// The SCF handler too, as the consumer's bundle exports it: the build trains this bundle's code cache
// with it (src/local/code-cache.ts), so that the bench runs what is deployed.
export { main_handler } from '../functions/consumer/index';

async function main(): Promise<void> {
  const [mode, partition, warm] = process.argv.slice(2);
  if (mode === 'upload') {
    const bytes = Number(process.argv[3]);
    const { result, seconds, cpuSeconds } = await timed(() => uploadOnly(process.env, bytes));
    process.stdout.write(`${JSON.stringify({ result, seconds, cpuSeconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);
    return;
  }
  if ((mode !== 'null' && mode !== 'cos') || (warm !== undefined && warm !== 'warm')) throw new Error('usage: consumer-runner null|cos PARTITION [warm], or upload BYTES');
  const dump = (env: NodeJS.ProcessEnv) =>
    runConsumer(
      { topic: env.KAFKA_TOPIC!, partition: Number(partition) },
      { request_id: `bench-${process.pid}`, function_name: 'bench-consumer', time_limit_in_ms: 900_000, memory_limit_in_mb: 128 },
      { env, store: mode === 'null' ? (config) => new MemoryObjectStore({ bucket: config.cos.bucket, keepBodies: false }) : undefined, logDestination: DISCARD_LOGS },
    );
  const first = warm ? await timed(() => dump({ ...process.env, KAFKA_GROUP_ID: `${process.env.KAFKA_GROUP_ID}-first`, COS_PREFIX: `${process.env.COS_PREFIX ?? ''}first/` })) : undefined;
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampler = process.env.BENCH_SAMPLE_MEMORY
    ? setInterval(() => {
        const m = process.memoryUsage();
        for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], Math.round(m[k] / 1048576));
      }, 20)
    : undefined;
  const { result, seconds, cpuSeconds } = await timed(() => dump(process.env));
  if (sampler) clearInterval(sampler);
  // The whole process so far, Node.js's start and the bundle's load included, as the kernel counts it to
  // the microsecond (an outside poll of /proc sees 10 ms ticks, too coarse for a small invocation).
  const whole = process.cpuUsage();
  const processAccount = { seconds: performance.now() / 1000, cpuSeconds: (whole.user + whole.system) / 1e6 };
  process.stdout.write(`${JSON.stringify({ result, seconds, cpuSeconds, process: processAccount, maxRssKb: process.resourceUsage().maxRSS, ...(first ? { first: { seconds: first.seconds, cpuSeconds: first.cpuSeconds, status: first.result.status } } : {}), ...(sampler ? { peakMiB: peak } : {}) })}\n`);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// Only as the process's entry (the folder's index.js): the build also loads this bundle, to record its
// code cache, and then it must do nothing.
if (require.main?.filename === join(__dirname, 'index.js')) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

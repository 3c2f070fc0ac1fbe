// `ckafka-cos run`: one scheduler tick against the configured environment. By default the consumers run
// here, in worker threads with the built consumer bundle (a local invoker); --via-scf sends them through
// SCF's Invoke API instead, as the deployed scheduler does.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { FunctionRunner } from '../../local/api-emulator/functions';
import { consumerBundle } from '../../local/stack';
import { runScheduler } from '../../scheduler/scheduler';
import { commandEnvironment } from '../environment';
import { Progress } from '../progress';
import { table } from '../table';
import { DISCARD_LOGS } from '../../log';

const HELP = `usage: ckafka-cos run [--via-scf] [--timeout S]
Runs one scheduler tick: finds the partitions with new records and starts one consumer for each.
  --via-scf    start consumers with SCF Invoke (the deployed consumer function) instead of locally
  --timeout S  time limit of each local consumer (default 300)`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'via-scf': { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { env, source } = commandEnvironment();
  console.error(`configuration: ${source}`);
  const progress = new Progress();
  const functionEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const runner = values['via-scf']
    ? undefined
    : new FunctionRunner({ workers: cpus().length, region: env.TENCENTCLOUD_REGION ?? env.COS_REGION ?? 'ap-guangzhou', appId: '0', asyncRetryDelayMs: 1000 });
  const consumer = { name: env.CONSUMER_FUNCTION_NAME ?? 'ckafka-to-cos-consumer', handlerFile: consumerBundle(), env: functionEnv, timeoutSec: Number(values.timeout ?? 300), memoryMb: 128, asyncRetries: 0 };
  runner?.register(consumer);
  try {
    const summary = await runScheduler({ Type: 'Manual' }, { request_id: `cli-${Date.now()}`, function_name: 'ckafka-cos-run', time_limit_in_ms: 120_000 }, {
      env,
      invoke: runner ? async (event) => runner.invokeAsync(consumer, '$LATEST', event) : undefined,
      logDestination: DISCARD_LOGS,
      onProgress: (done, total) => progress.update(`started ${done}/${total} consumers`),
    });
    progress.done(`tick: ${summary.partitions} partitions, ${summary.invoked} consumers started, ${summary.skipped} idle, total lag ${summary.totalLag}`);
    if (!runner) return 0;
    const timer = setInterval(() => {
      const records = runner.invocations();
      progress.update(`consumers: ${records.filter((r) => r.endedAt).length}/${records.length} done`, true);
    }, 250);
    await runner.idle();
    clearInterval(timer);
    progress.done();
    const rows = runner.invocations().map((r) => {
      const result = (r.result ?? {}) as { topic?: string; partition?: number; records?: number; objects?: number; fromOffset?: number; toOffset?: number; lag?: number; status?: string };
      const event = r.event as { topic: string; partition: number };
      return [event.topic, event.partition, r.status === 'succeeded' ? (result.status ?? 'ok') : r.status, result.records ?? '-', result.objects ?? '-', result.toOffset ?? '-', result.lag ?? '-', r.error ?? ''];
    });
    if (rows.length > 0) console.log(table(['topic', 'partition', 'status', 'records', 'objects', 'committed', 'lag', 'error'], rows));
    return runner.invocations().every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    await runner?.close();
  }
}

// `ckafka-cos bench`: the benchmarks (bench/run.ts).
import { runBenchmark } from '../../../bench/run';

export function run(args: string[]): Promise<number> {
  return runBenchmark(args);
}

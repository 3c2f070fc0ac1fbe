// Cold start: how long a fresh process of the consumer's Node.js takes to load the consumer bundle and
// reach its handler, and what that costs in CPU and memory, with the bundle's code cache and without it
// (the same folder with bundle.cache removed), beside Node.js alone. Each figure is the median of its runs.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inTurns, median } from './report';

export interface ColdStartRow {
  variant: string;
  /** From the process's start to the handler in hand (performance.now()), ms. */
  milliseconds: number;
  cpuMilliseconds: number;
  rssMiB: number;
  /** What the bundle's index.js reported (absent for Node.js alone). */
  codeCache?: string;
}

interface Sample {
  ms: number;
  cpuMs: number;
  rssMiB: number;
  codeCache?: string;
}

// Run by the consumer's Node.js: loads the folder given (if any) and reports the moment the handler is there.
const PROBE = `
const dir = process.argv[1];
const bundle = dir ? require(dir + '/index.js') : undefined;
if (bundle && typeof bundle.main_handler !== 'function') throw new Error('no main_handler in ' + dir);
const ms = performance.now();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.memoryUsage().rss / 1048576, codeCache: bundle && bundle.codeCache }));
`;

async function sample(node: string, dir: string | undefined): Promise<Sample> {
  const { stdout } = await promisify(execFile)(node, ['-e', PROBE, ...(dir ? [dir] : [])], { encoding: 'utf8', env: {} });
  return JSON.parse(stdout) as Sample;
}

export async function measureColdStart(node: string, consumerDir: string, runs = 15): Promise<ColdStartRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'ckafka-cos-cold-start-'));
  try {
    const withCache = join(work, 'with-cache');
    const withoutCache = join(work, 'without-cache');
    cpSync(consumerDir, withCache, { recursive: true });
    cpSync(consumerDir, withoutCache, { recursive: true });
    rmSync(join(withoutCache, 'bundle.cache'), { force: true });
    const variants: Array<[string, string | undefined]> = [
      ['Node.js alone', undefined],
      ['consumer bundle, no code cache', withoutCache],
      ['consumer bundle with its code cache', withCache],
    ];
    const samples = await inTurns(runs, variants.map(([name, dir]) => [name, () => sample(node, dir)] as const));
    return variants.map(([variant]) => {
      const all = samples.get(variant)!;
      return { variant, milliseconds: median(all.map((s) => s.ms)), cpuMilliseconds: median(all.map((s) => s.cpuMs)), rssMiB: median(all.map((s) => s.rssMiB)), codeCache: all[0]!.codeCache };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

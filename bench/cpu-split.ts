// `--service-cpus`: the broker and the COS server on CPUs of their own, the contestants on the others.
// On shared cores the COS server's work (it hashes every byte with MD5 for ETags, as COS does) competes with
// our consumer for CPU, where COS runs on machines of its own; given CPUs to spare, the split makes into
// COS / kcat measure our consumer rather than the emulator. Affinity is set with taskset (util-linux).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuSplit {
  /** CPUs of the broker and the COS server. */
  services: number[];
  /** The machine's other CPUs: the contestants', and the bench's own. */
  contestants: number[];
}

/** The CPUs of a list as taskset and /proc write one ("2,3", "2-5", "0,4-7"), sorted, each once. */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const item of list.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!range) throw new Error(`"${item}" is not a CPU number or range (for example 2,3 or 2-3)`);
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (to < from) throw new Error(`the range ${item.trim()} runs backwards`);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Splits CPUs 0..cpus-1 by `--service-cpus`, naming what is wrong with it. */
export function cpuSplit(list: string, cpus: number): CpuSplit {
  let services: number[];
  try {
    services = parseCpuList(list);
  } catch (err) {
    throw new Error(`--service-cpus: ${(err as Error).message}`);
  }
  const missing = services.find((cpu) => cpu >= cpus);
  if (missing !== undefined) throw new Error(`--service-cpus: CPU ${missing} does not exist (this machine has CPUs 0-${cpus - 1})`);
  const contestants = Array.from({ length: cpus }, (_, cpu) => cpu).filter((cpu) => !services.includes(cpu));
  if (contestants.length === 0) throw new Error(`--service-cpus ${list} leaves no CPU to the contestants (this machine has CPUs 0-${cpus - 1})`);
  return { services, contestants };
}

/**
 * Moves a process and all its threads to `cpus`; threads and processes it starts later inherit them. The
 * result is read back: taskset --all-tasks says nothing and succeeds when the process has gone.
 */
export function pinProcess(pid: number, cpus: readonly number[], what: string): void {
  const wanted = [...cpus].sort((a, b) => a - b).join(',');
  const run = spawnSync('taskset', ['--all-tasks', '--pid', '--cpu-list', wanted, String(pid)], { encoding: 'utf8' });
  if (run.error) throw new Error(`--service-cpus needs taskset (util-linux) to pin ${what}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`taskset could not pin ${what} (pid ${pid}) to CPUs ${wanted}: ${run.stderr.trim()}`);
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`taskset could not pin ${what} (pid ${pid}) to CPUs ${wanted}: the process is gone`);
  }
  const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1];
  if (allowed === undefined || parseCpuList(allowed).join(',') !== wanted) throw new Error(`taskset left ${what} (pid ${pid}) on CPUs ${allowed ?? 'unknown'}, not ${wanted}`);
}

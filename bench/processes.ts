// Runs a benchmark contestant as its own process: wall time, peak resident memory (VmHWM, polled), CPU
// seconds (user + system), and stdout to a file or captured.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ProcessRun {
  seconds: number;
  peakRssMiB: number;
  cpuSeconds: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function procStatus(pid: number): { hwmKiB: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { hwmKiB: hwm, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
  } catch {
    return undefined;
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** False: the process gets only PATH and `env`, not this machine's environment. */
  inheritEnv?: boolean;
  stdoutFile?: string;
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const out = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'pipe';
    const started = process.hrtime.bigint();
    const env = options.inheritEnv === false ? { PATH: process.env.PATH, ...options.env } : { ...process.env, ...options.env };
    const child = spawn(command, args, { env, stdio: ['ignore', out, 'pipe'] });
    if (typeof out === 'number') closeSync(out);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let last = { hwmKiB: 0, cpuSeconds: 0 };
    const poll = setInterval(() => {
      // A zombie's status has no VmHWM line, so keep the highest mark seen.
      const now = child.pid !== undefined ? procStatus(child.pid) : undefined;
      if (now) last = { hwmKiB: Math.max(last.hwmKiB, now.hwmKiB), cpuSeconds: Math.max(last.cpuSeconds, now.cpuSeconds) };
    }, 20);
    child.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMiB: last.hwmKiB / 1024, cpuSeconds: last.cpuSeconds, exitCode: code, stdout, stderr });
    });
  });
}

export interface BackgroundProcess {
  pid: number;
  /** The first line the process printed (servers print their address). */
  firstLine: string;
  /** CPU seconds (user + system, every thread) used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts a long-running helper (a server) and waits for its first line of output. */
export function startBackground(command: string, args: string[], timeoutMs = 30_000): Promise<BackgroundProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: ${why}\n${err}`));
    };
    const timer = setTimeout(() => fail('no output in time'), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => fail(`exited with ${code}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve({
        pid: child.pid!,
        firstLine: out.slice(0, newline),
        cpuSeconds: () => procStatus(child.pid!)?.cpuSeconds ?? 0,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

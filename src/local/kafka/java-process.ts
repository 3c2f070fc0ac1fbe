// One long-running JVM of the local stack (a Kafka broker, a ZooKeeper): output to a log file, killed if
// this process exits first, stopped with SIGTERM and a grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';

export function logTail(file: string, chars = 3000): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-chars) : '(no log)';
}

export class JavaProcess {
  private exitedEarly = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly logFile: string,
    readonly exited: Promise<void>,
    /** Where this process's output starts in its log file (a restarted broker appends to the same file). */
    private readonly logStart: number,
  ) {
    void exited.then(() => (this.exitedEarly = true));
  }

  static spawn(name: string, javaArgs: string[], logFile: string): JavaProcess {
    const out = openSync(logFile, 'a');
    const logStart = fstatSync(out).size;
    const child = spawn('java', javaArgs, { stdio: ['ignore', out, out] });
    closeSync(out);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A JVM outliving its parent would hold the ports and the data folder.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    void exited.then(() => process.removeListener('exit', reap));
    return new JavaProcess(child, name, logFile, exited, logStart);
  }

  /** What this process has written to its log so far. */
  output(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile).subarray(this.logStart).toString('utf8') : '';
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exitedEarly && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls `probe` until it resolves true; fails with the log's tail if the process exits or time runs out. */
  async waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start-up; log tail:\n${logTail(this.logFile)}`);
      try {
        if (await probe()) return;
      } catch (err) {
        lastError = err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (${String(lastError ?? 'not ready')}); log tail:\n${logTail(this.logFile)}`);
  }

  /** SIGTERM (a clean shutdown), then SIGKILL if the process has not exited within the grace period. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once, as a crash would. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

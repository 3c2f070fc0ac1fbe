// Where CLI commands get their configuration: the process environment when it names a deployment (as in
// SCF), otherwise the local stack that `ckafka-cos local stack` or `ckafka-cos demo --keep` is running.
import { existsSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cacheDir } from '../local/paths';

export const stackStateFile = () => cacheDir('local-stack.json');

export interface StackState {
  pid: number;
  env: Record<string, string>;
  dataDir: string;
}

export function writeStackState(state: StackState): void {
  mkdirSync(dirname(stackStateFile()), { recursive: true });
  writeFileSync(stackStateFile(), JSON.stringify(state, null, 2));
}

export function clearStackState(): void {
  rmSync(stackStateFile(), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The environment a command runs with, and where it came from. */
export function commandEnvironment(): { env: Record<string, string | undefined>; source: string } {
  if (process.env.KAFKA_BROKERS || process.env.kafka_address) return { env: process.env, source: 'environment variables' };
  const file = stackStateFile();
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    if (alive(state.pid)) return { env: { ...process.env, ...state.env }, source: `the local stack (pid ${state.pid})` };
  }
  throw new Error('no configuration: set the variables of README "Configuration" (KAFKA_BROKERS, KAFKA_TOPIC, ...), or start the local stack with `ckafka-cos local stack`');
}

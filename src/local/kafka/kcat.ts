// kcat (librdkafka's command-line client), the reference producer and consumer of the tests and the bench:
// found on PATH, or installed from the Debian package on first use.
import { spawnSync } from 'node:child_process';

function which(): string {
  return spawnSync('sh', ['-c', 'command -v kcat || command -v kafkacat'], { encoding: 'utf8' }).stdout.trim();
}

export function ensureKcat(log: (line: string) => void = () => {}): string {
  const found = which();
  if (found) return found;
  log('kcat is missing: installing the Debian package');
  const apt = (...args: string[]) => {
    const [command, ...rest] = process.getuid?.() === 0 ? ['apt-get', ...args] : ['sudo', 'apt-get', ...args];
    return spawnSync(command!, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  // The package lists may be missing or stale on a fresh machine: refresh them once if the first try fails.
  if (!apt('install', '-y', 'kcat') && apt('update')) apt('install', '-y', 'kcat');
  const installed = which();
  if (!installed) throw new Error('kcat is needed as a reference producer and consumer and could not be installed (apt-get install kcat)');
  return installed;
}

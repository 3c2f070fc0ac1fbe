// Files the codecs load at run time (a native addon, WebAssembly modules). The SCF package has no
// node_modules: scripts/build.mjs copies each file beside the bundle's index.js, where it is found first.
// Anywhere else (tests, the CLI) they come from their npm packages, or from dist/native for what the
// build compiles itself.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import bundled from './bundled-files.json';

/** Names a file of bundled-files.json (the list scripts/build.mjs copies beside each bundle). */
export type BundledFile = 'zstd.wasm' | 'crc32.linux-x64-gnu.node';

/** `file` beside the bundle, where the SCF package keeps it. */
function besideBundle(file: string): string | undefined {
  const beside = join(__dirname, file);
  return existsSync(beside) ? beside : undefined;
}

/** The file beside the bundle, else in its package; undefined when neither exists (another platform). */
export function locateFile(file: BundledFile): string | undefined {
  const beside = besideBundle(file);
  if (beside) return beside;
  const entry = bundled.find((f) => f.file === file);
  if (!entry) throw new Error(`${file} is not listed in bundled-files.json`);
  // Each file lies beside its package's entry point (packages whose "exports" hide everything else).
  try {
    return join(dirname(require.resolve(entry.package)), file);
  } catch {
    return undefined;
  }
}

/**
 * A file the build makes rather than a package provides (the native codecs): beside the bundle, else in
 * dist/native above this file (tests and the CLI run from the source or dist/cli.js).
 */
export function locateBuiltFile(file: string): string | undefined {
  const beside = besideBundle(file);
  if (beside) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const built = join(dir, 'dist', 'native', file);
    if (existsSync(built)) return built;
  }
  return undefined;
}

// Files the codecs load at run time (a native addon, WebAssembly modules). The SCF package has no
// node_modules: scripts/build.mjs copies each file beside the bundle's index.js, where it is found first.
// Anywhere else (tests, the CLI) they come from their npm packages.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import bundled from './bundled-files.json';

/** Names a file of bundled-files.json (the list scripts/build.mjs copies beside each bundle). */
export type BundledFile = 'zstd.wasm' | 'crc32.linux-x64-gnu.node';

/** The file beside the bundle, else in its package; undefined when neither exists (another platform). */
export function locateFile(file: BundledFile): string | undefined {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  const entry = bundled.find((f) => f.file === file);
  if (!entry) throw new Error(`${file} is not listed in bundled-files.json`);
  // Each file lies beside its package's entry point (packages whose "exports" hide everything else).
  try {
    return join(dirname(require.resolve(entry.package)), file);
  } catch {
    return undefined;
  }
}

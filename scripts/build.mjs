// Builds the two SCF bundles (one self-contained file each, Node 18) and the CLI.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const BUNDLE_LIMIT_BYTES = 3 * 1024 * 1024;

const functions = ['consumer', 'scheduler'].map((name) => ({
  entryPoints: [`./functions/${name}/index.ts`],
  outfile: `dist/functions/${name}/index.js`,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
}));

// The CLI and the local emulators run from the installed package, so their dependencies stay external.
const tools = [
  { entryPoints: ['./src/cli/main.ts'], outfile: 'dist/cli.js' },
].map((entry) => ({
  ...entry,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
}));

await rm('dist', { recursive: true, force: true });
await Promise.all([...functions, ...tools].map((options) => build(options)));

let oversize = false;
for (const { outfile } of functions) {
  const bytes = statSync(outfile).size;
  const flag = bytes > BUNDLE_LIMIT_BYTES ? '  OVER 3 MiB LIMIT' : '';
  if (flag) oversize = true;
  console.log(`${outfile.padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB${flag}`);
}
if (oversize) process.exit(1);

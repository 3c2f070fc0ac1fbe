// Builds the two SCF bundles (one self-contained file each, Node 18) and the CLI.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const BUNDLE_LIMIT_BYTES = 3 * 1024 * 1024;

// Unused modules the SDKs load, replaced in the SCF bundles: see scripts/bundle-stubs/README.md.
const stubs = {
  'tough-cookie': './scripts/bundle-stubs/tough-cookie.js',
  'mime-types': './scripts/bundle-stubs/mime-types.js',
  'is-typedarray': './scripts/bundle-stubs/is-typedarray.js',
  'form-data': './scripts/bundle-stubs/unused.js',
  'http-signature': './scripts/bundle-stubs/unused.js',
  'aws-sign2': './scripts/bundle-stubs/unused.js',
  aws4: './scripts/bundle-stubs/unused.js',
  'oauth-sign': './scripts/bundle-stubs/unused.js',
  'whatwg-url': './scripts/bundle-stubs/unused.js',
};

// Everything in one minified file for Node 18, as SCF runs it.
const selfContained = (entry, outfile) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  alias: stubs,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const functions = ['consumer', 'scheduler'].map((name) => selfContained(`./functions/${name}/index.ts`, `dist/functions/${name}/index.js`));
// The benchmark's consumer runner is built like the SCF bundle, so that it measures what is deployed.
const benchRunner = selfContained('./bench/consumer-runner.ts', 'dist/bench/consumer-runner.js');

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
await Promise.all([...functions, benchRunner, ...tools].map((options) => build(options)));

let oversize = false;
for (const { outfile } of functions) {
  const bytes = statSync(outfile).size;
  const flag = bytes > BUNDLE_LIMIT_BYTES ? '  OVER 3 MiB LIMIT' : '';
  if (flag) oversize = true;
  console.log(`${outfile.padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB${flag}`);
}
if (oversize) process.exit(1);

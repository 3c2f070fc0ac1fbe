// Runs a TypeScript script of this repo: `node scripts/run-ts.mjs scripts/x.ts [args...]`.
// esbuild bundles it (dependencies stay in node_modules) so scripts share the library's code as-is.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
const outfile = resolve('.cache/run-ts', `${basename(entry, '.ts')}.js`);
await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
process.argv = [process.argv[0], outfile, ...args];
createRequire(import.meta.url)(outfile);

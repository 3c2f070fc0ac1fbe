// Builds the two SCF bundles (one self-contained file each, Node 18) and the CLI.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

const BUNDLE_LIMIT_BYTES = 3 * 1024 * 1024;

// Unused modules the Tencent Cloud SDK loads, replaced in the SCF bundles: see scripts/bundle-stubs/README.md.
const stubs = {
  'form-data': './scripts/bundle-stubs/unused.js',
  'whatwg-url': './scripts/bundle-stubs/unused.js',
};

// Everything in one minified file for Node 18, as SCF runs it: DIR/bundle.js, loaded by DIR/index.js
// (scripts/code-cache/loader.js) with its V8 code cache.
const selfContained = (entry, dir) => ({
  entryPoints: [entry],
  outfile: join(dir, 'bundle.js'),
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

const functions = ['consumer', 'scheduler'].map((name) => selfContained(`./functions/${name}/index.ts`, `dist/functions/${name}`));
// The benchmark's consumer runner is built like the SCF bundle, so that it measures what is deployed.
const benchRunner = selfContained('./bench/consumer-runner.ts', 'dist/bench/consumer-runner');
const bundles = [...functions, benchRunner].map(({ outfile }) => dirname(outfile));

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

// Files the codecs load at run time (the CRC addon for SCF's linux-x64, zstd's WebAssembly module) go
// beside each bundle that reads records, where src/kafka/codecs/locate.ts finds them: the SCF package has
// no node_modules.
const withCodecs = ['dist/functions/consumer', dirname(benchRunner.outfile)];
const require = createRequire(import.meta.url);
const bundled = JSON.parse(readFileSync('./src/kafka/codecs/bundled-files.json', 'utf8'));
for (const { file, package: name } of bundled) {
  let from;
  try {
    from = join(dirname(require.resolve(name)), file);
  } catch {
    console.error(`${name} is not installed: the SCF bundles need ${file} (npm ci installs it on linux-x64)`);
    process.exit(1);
  }
  for (const dir of withCodecs) copyFileSync(from, join(dir, file));
}

// The Node.js release SCF runs (fetched from the npm registry by the CLI, once): its headers build the
// native codecs, and it records the bundles' code cache.
const scfNodeRun = spawnSync(process.execPath, ['dist/cli.js', 'local', 'node'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const scfNode = scfNodeRun.status === 0 ? scfNodeRun.stdout.trim() : undefined;

// The native codecs (native/codecs.c with liblz4, Google's snappy and libzstd's decoder), built with the
// machine's C and C++ compilers against N-API 8 (Node 18 and later) for SCF's linux-x64, beside each bundle
// that reads records and in dist/native for the tests and the CLI. Without compilers the consumer decodes
// lz4, snappy and zstd in WebAssembly, more slowly.
const nativeCodecs = join('dist', 'native', 'codecs.linux-x64-gnu.node');
const headers = [scfNode && join(dirname(dirname(scfNode)), 'include', 'node'), join(dirname(dirname(process.execPath)), 'include', 'node')].find((dir) => dir && existsSync(join(dir, 'node_api.h')));
if (process.platform === 'linux' && process.arch === 'x64' && headers) {
  const failure = buildNativeCodecs(headers);
  if (failure === undefined) {
    for (const dir of withCodecs) {
      copyFileSync(nativeCodecs, join(dir, basename(nativeCodecs)));
      // The BSD licences of liblz4, snappy and zstd ask that their notices travel with the binary.
      copyFileSync('native/lz4/LICENSE', join(dir, 'lz4.LICENSE.txt'));
      copyFileSync('native/snappy/COPYING', join(dir, 'snappy.LICENSE.txt'));
      copyFileSync('native/zstd/LICENSE', join(dir, 'zstd.LICENSE.txt'));
    }
  } else {
    console.error(`the native codecs did not build (${failure}): the consumer will decode lz4, snappy and zstd in WebAssembly`);
  }
} else {
  console.error('the native codecs are built on linux-x64 with Node.js headers only: the consumer will decode lz4, snappy and zstd in WebAssembly');
}

/** Compiles snappy (C++) to objects, then links them with liblz4, zstd and the binding (C); a message on failure. */
function buildNativeCodecs(headers) {
  const objects = join('dist', 'native', 'objects');
  mkdirSync(objects, { recursive: true });
  // Each function in its own section, so that the link keeps only what the decoders reach.
  const common = ['-O3', '-fPIC', '-fvisibility=hidden', '-ffunction-sections', '-fdata-sections', '-DNDEBUG'];
  // What snappy's CMake build would detect into config.h, for gcc and clang on x86-64 Linux.
  const snappyConfig = ['HAVE_BUILTIN_CTZ', 'HAVE_BUILTIN_EXPECT', 'HAVE_BUILTIN_PREFETCH', 'HAVE_ATTRIBUTE_ALWAYS_INLINE', 'HAVE_SYS_MMAN_H', 'HAVE_UNISTD_H'].map((name) => `-D${name}=1`);
  const snappyObjects = [];
  const steps = [];
  for (const name of ['snappy', 'snappy-c', 'snappy-sinksource', 'snappy-stubs-internal']) {
    const object = join(objects, `${name}.o`);
    snappyObjects.push(object);
    // Without exceptions and RTTI, the decoders need from libstdc++ only operator new and delete, a length
    // error and static guards: no more than Node.js itself needs from the libstdc++ it links.
    steps.push([`native/snappy/${name}.cc`, process.env.CXX || 'c++', [...common, '-std=c++14', '-fno-exceptions', '-fno-rtti', ...snappyConfig, '-c', `native/snappy/${name}.cc`, '-o', object]]);
  }
  const zstd = ['decompress/huf_decompress.c', 'decompress/huf_decompress_amd64.S', 'decompress/zstd_ddict.c', 'decompress/zstd_decompress.c', 'decompress/zstd_decompress_block.c', 'common/entropy_common.c', 'common/error_private.c', 'common/fse_decompress.c', 'common/xxhash.c', 'common/zstd_common.c'].map((file) => `native/zstd/lib/${file}`);
  // The libraries' own functions stay hidden like ours (their headers would export them): the addon exports
  // only its N-API entry point, and unused code (the compressors) is dropped.
  const hidden = ['-DLZ4LIB_VISIBILITY=', '-DZSTDLIB_VISIBLE=', '-DZSTDERRORLIB_VISIBLE=', '-DZSTD_LEGACY_SUPPORT=0'];
  steps.push(['native/codecs.c', process.env.CC || 'cc', [...common, ...hidden, '-shared', '-Wl,--gc-sections', '-DNAPI_VERSION=8', `-I${headers}`, 'native/lz4/lz4.c', ...zstd, 'native/crc32c.c', 'native/codecs.c', ...snappyObjects, '-lstdc++', '-o', nativeCodecs]]);
  try {
    for (const [source, command, args] of steps) {
      const run = spawnSync(command, args, { stdio: 'inherit' });
      if (run.status !== 0) return `${command} on ${source}: ${run.error?.message ?? `exit ${run.status}`}`;
    }
    return undefined;
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
}

// Each bundle's entry file, and its code cache recorded on SCF's release: the consumer's (and the bench
// runner's, which is the consumer) after a training invocation against a replay of a recorded Kafka
// conversation, so that a cold start compiles almost nothing (src/local/code-cache.ts). Without that
// release the bundles still work: they compile when loaded.
for (const dir of bundles) copyFileSync('./scripts/code-cache/loader.js', join(dir, 'index.js'));
const [consumerDir, schedulerDir] = functions.map(({ outfile }) => dirname(outfile));
const cacheArgs = ['--summary', 'dist/code-cache.json', '--train', consumerDir, '--train', dirname(benchRunner.outfile), '--plain', schedulerDir];
const recorded = scfNode !== undefined && spawnSync(process.execPath, ['dist/cli.js', 'local', 'code-cache', '--node', scfNode, ...cacheArgs], { stdio: 'inherit' }).status === 0;
if (!recorded) console.error(`no V8 code cache recorded: the bundles compile when they load (SCF's Node.js: ${scfNode ?? 'not available'})`);

let oversize = false;
for (const { outfile } of functions) {
  const dir = dirname(outfile);
  // What SCF loads: everything in the folder but the source map and the licence list.
  const bytes = readdirSync(dir)
    .filter((name) => !name.endsWith('.map') && !name.endsWith('.LEGAL.txt'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  const flag = bytes > BUNDLE_LIMIT_BYTES ? '  OVER 3 MiB LIMIT' : '';
  if (flag) oversize = true;
  console.log(`${dir.padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB${flag}`);
}
if (oversize) process.exit(1);

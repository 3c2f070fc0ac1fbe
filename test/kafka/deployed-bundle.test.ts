// The consumer as SCF runs it: the built folder (index.js loading bundle.js with its V8 code cache, the CRC
// addon and the codecs' WebAssembly modules beside it) copied where no node_modules can be found, its
// handler invoked against the real broker. Records in every codec must reach COS byte for byte.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CompressionCodecs, CompressionTypes } from '../../src/kafka/kafkajs';
import LZ4 from 'lz4js';
import { expectSameBytes } from '../support/bytes';
import { compressors, independentBlocks, xerialSnappy, ZSTD } from '../support/batches';
import { startTestCos, type TestCos } from '../support/cos';
import { asLines, consumerEnv, readBack } from '../support/dump';
import { createTopic, produce, uniqueTopic } from '../support/kafka';
import { ensureScfNode, SCF_NODE_VERSION } from '../../src/local/scf-node';

let cos: TestCos;
let folder: string;

beforeAll(async () => {
  cos = await startTestCos();
  const zstd = (await compressors())[ZSTD]!;
  // kafkajs writes gzip itself; the other codecs come from independent compressors.
  const codec = (compress: (data: Buffer) => Buffer) => () => ({ compress: async (encoder: { buffer: Buffer }) => compress(encoder.buffer), decompress: async () => Buffer.alloc(0) });
  CompressionCodecs[CompressionTypes.Snappy] = codec((data) => xerialSnappy(data));
  CompressionCodecs[CompressionTypes.LZ4] = codec((data) => independentBlocks(Buffer.from(LZ4.compress(data))));
  CompressionCodecs[CompressionTypes.ZSTD] = codec(zstd);
  folder = mkdtempSync(join(tmpdir(), 'scf-consumer-'));
  cpSync(resolve(__dirname, '../../dist/functions/consumer'), folder, { recursive: true });
});
afterAll(async () => {
  await cos.stop();
  rmSync(folder, { recursive: true, force: true });
});

// This Node, and the release SCF runs the function on (fetched from the npm registry on linux-x64).
const scfNode = ensureScfNode();
const runtimes: Array<[string, string, string]> = [
  [`this Node.js (${process.versions.node})`, process.execPath, process.versions.node],
  ...(scfNode ? [[`SCF's Node.js ${SCF_NODE_VERSION}`, scfNode, SCF_NODE_VERSION] as [string, string, string]] : []),
];
const BUNDLE_FILES = ['bundle.cache', 'bundle.js', 'bundle.js.LEGAL.txt', 'bundle.js.map', 'index.js'];

it('finds SCF\'s Node.js release wherever SCF runs functions (linux-x64)', () => {
  expect(scfNode !== undefined).toBe(process.platform === 'linux' && process.arch === 'x64');
});

it.each(runtimes)('runs on %s from a copy of dist/functions/consumer with no node_modules and dumps gzip, snappy, lz4 and zstd batches exactly', async (_name, node, version) => {
  expect(readdirSync(folder).filter((name) => !name.startsWith('run-')).sort()).toEqual([...BUNDLE_FILES, 'codecs.linux-x64-gnu.node', 'crc32.linux-x64-gnu.node', 'lz4.LICENSE.txt', 'lz4_wasm_nodejs_bg.wasm', 'snappy.LICENSE.txt', 'snappy_bg.wasm', 'zstd.LICENSE.txt', 'zstd.wasm'].sort());
  const topic = uniqueTopic('bundle');
  await createTopic(topic, 1);
  const values: string[] = [];
  for (const compression of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
    const batch = Array.from({ length: 200 }, (_, i) => `codec ${compression} record ${i} ${'payload '.repeat(i % 20)}`);
    await produce(topic, batch.map((value) => ({ value, timestamp: String(Date.UTC(2026, 0, 1)) })), { compression });
    values.push(...batch);
  }
  const runner = join(folder, `run-${topic}.js`);
  // Exactly what SCF does: require the handler file and call main_handler(event, context).
  writeFileSync(
    runner,
    `const bundle = require('./index.js');
    bundle.main_handler(${JSON.stringify({ topic, partition: 0 })}, { request_id: 'bundle-test', function_name: 'dump-consumer', namespace: 'default', time_limit_in_ms: 60000, memory_limit_in_mb: 128 })
      .then((r) => console.log(JSON.stringify({ ...r, codeCache: bundle.codeCache })), (e) => { console.error(e.stack); process.exitCode = 1; });`,
  );
  // Asynchronously: the test COS server runs in this process.
  const run = await promisify(execFile)(node, [runner], { cwd: folder, env: { PATH: process.env.PATH ?? '', ...consumerEnv(cos, topic) }, encoding: 'utf8', timeout: 90_000 });
  expect(run.stderr).toBe('');
  // The handler's result is the last line (the function's own logs come before it).
  // The code cache was recorded on SCF's release: V8 takes it there and refuses it on any other.
  const codeCache = version === SCF_NODE_VERSION ? 'accepted' : 'rejected';
  expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'dumped', records: values.length, toOffset: values.length, codeCache });
  expectSameBytes((await readBack(cos, `${topic}/`, 0)).content, asLines(values));
});

/** The newest version of each library (GLIBC, GLIBCXX, CXXABI...) that the ELF file's symbols need. */
async function newestNeeded(file: string): Promise<Map<string, number[]>> {
  // objdump comes with the C toolchain the build uses; each needed symbol names its library's version.
  const { stdout } = await promisify(execFile)('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const newest = new Map<string, number[]>();
  for (const [, library, version] of stdout.matchAll(/\(([A-Z]+)_(\d+(?:\.\d+)*)\)/g)) {
    const numbers = version!.split('.').map(Number);
    const known = newest.get(library!);
    if (!known || compareVersions(numbers, known) > 0) newest.set(library!, numbers);
  }
  return newest;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

it('ships native addons that need no newer glibc or libstdc++ than SCF\'s Node.js 18 itself', async () => {
  expect(scfNode).toBeDefined();
  // What SCF's runtime needs, it has: glibc 2.28 is the floor of Node.js 18's official builds.
  const floor = await newestNeeded(scfNode!);
  expect(floor.get('GLIBC')).toEqual([2, 28]);
  // Node.js links libgcc_s (GCC_x versions) without naming a version of it; the libgcc_s of GCC 8, as on
  // the distributions of glibc 2.28, has versions up to GCC_7.0.0.
  const { stdout: dynamic } = await promisify(execFile)('objdump', ['-p', scfNode!], { encoding: 'utf8' });
  expect(dynamic).toMatch(/NEEDED\s+libgcc_s\.so\.1/);
  floor.set('GCC', [7, 0, 0]);
  for (const addon of ['codecs.linux-x64-gnu.node', 'crc32.linux-x64-gnu.node']) {
    const needed = await newestNeeded(join(folder, addon));
    expect(needed.has('GLIBC')).toBe(true);
    const tooNew = [...needed].filter(([library, version]) => !floor.has(library) || compareVersions(version, floor.get(library)!) > 0);
    expect({ addon, tooNew }).toEqual({ addon, tooNew: [] });
  }
});

it('keeps the vendored codecs\' own functions inside our addon: it exports only its N-API entry point', async () => {
  const { stdout } = await promisify(execFile)('objdump', ['-T', join(folder, 'codecs.linux-x64-gnu.node')], { encoding: 'utf8' });
  // Defined dynamic symbols (not *UND*), less the C++ standard library's template code, which is shared.
  const defined = stdout.split('\n').filter((line) => /\s(g|w)\s/.test(line) && !line.includes('*UND*')).map((line) => line.trim().split(/\s+/).pop()!);
  expect(defined.filter((name) => !name.startsWith('_ZNSt') && !name.startsWith('_ZSt'))).toEqual(['napi_register_module_v1']);
});

it('loads without its code cache, compiling the bundle (a build where SCF\'s Node.js could not be fetched)', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'scf-no-cache-'));
  try {
    cpSync(resolve(__dirname, '../../dist/functions/scheduler'), bare, { recursive: true });
    rmSync(join(bare, 'bundle.cache'));
    const run = await promisify(execFile)(process.execPath, ['-e', "const b = require('./index.js'); console.log(JSON.stringify([b.codeCache, typeof b.main_handler]))"], { cwd: bare, encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual(['absent', 'function']);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

it('runs the scheduler from a copy of dist/functions/scheduler with no node_modules (no addon or WebAssembly file beside it)', async () => {
  const scheduler = mkdtempSync(join(tmpdir(), 'scf-scheduler-'));
  try {
    cpSync(resolve(__dirname, '../../dist/functions/scheduler'), scheduler, { recursive: true });
    expect(readdirSync(scheduler).sort()).toEqual(BUNDLE_FILES);
    const topic = uniqueTopic('bundle-scheduler');
    await createTopic(topic, 3);
    writeFileSync(
      join(scheduler, 'run.js'),
      `require('./index.js').main_handler({ Type: 'Timer', TriggerName: 'every-5-min', Time: '2026-01-01T00:05:30Z' }, { request_id: 'bundle-test', function_name: 'dump-scheduler', namespace: 'default', time_limit_in_ms: 30000, memory_limit_in_mb: 128 })
        .then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.stack); process.exitCode = 1; });`,
    );
    const env = { ...consumerEnv(cos, topic), CONSUMER_FUNCTION_NAME: 'dump-consumer' };
    const run = await promisify(execFile)(process.execPath, [join(scheduler, 'run.js')], { cwd: scheduler, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    // An empty topic: every partition planned and skipped, nothing to invoke.
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ partitions: 3, invoked: 0, skipped: 3, failed: [] });
  } finally {
    rmSync(scheduler, { recursive: true, force: true });
  }
});

// pyarrow, Arrow's C++ Parquet reader, as a second reader independent of DuckDB and of our writer. The
// tests create its virtual environment from nothing (python3 -m venv, pip install from PyPI) in the
// project's cache, once; later runs reuse it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../src/local/paths';
import type { ReadRow } from './parquet-rows';

const PYARROW_VERSION = '26.0.1';
const SCRIPT = join(__dirname, 'parquet_reader.py');

function works(python: string): boolean {
  if (!existsSync(python)) return false;
  const check = spawnSync(python, ['-c', `import pyarrow, sys; sys.exit(pyarrow.__version__ != ${JSON.stringify(PYARROW_VERSION)})`]);
  return check.status === 0;
}

let ready: string | undefined;

/** The venv's python, with pyarrow installed; creates the venv when missing. */
export function pyarrowPython(): string {
  if (ready) return ready;
  const venv = cacheDir('pyarrow-venv');
  const python = join(venv, 'bin', 'python');
  if (!works(python)) {
    // Built aside and renamed into place, so that two test workers never share a half-made venv.
    mkdirSync(cacheDir(), { recursive: true });
    const building = `${venv}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', building], { stdio: 'inherit' });
    execFileSync(join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `pyarrow==${PYARROW_VERSION}`], { stdio: 'inherit' });
    rmSync(venv, { recursive: true, force: true });
    try {
      renameSync(building, venv);
    } catch (err) {
      if (!works(python)) throw err;
      rmSync(building, { recursive: true, force: true });
    }
    if (!works(python)) throw new Error(`pyarrow ${PYARROW_VERSION} is not importable from ${python} after installing it`);
  }
  return (ready = python);
}

function run(args: string[], input?: string): string {
  const result = spawnSync(pyarrowPython(), [SCRIPT, ...args], { input, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pyarrow ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Every row of a Parquet file as pyarrow reads it. */
export function pyarrowRows(file: string): ReadRow[] {
  return run(['rows', file])
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ReadRow);
}

export interface PyarrowColumnChunk {
  path: string;
  compression: string;
  dataPageOffset: number;
  compressedBytes: number;
  numValues: number;
  min: number | null;
  max: number | null;
  nullCount: number | null;
}

export interface PyarrowMetadata {
  numRows: number;
  createdBy: string;
  formatVersion: string;
  schema: string;
  rowGroups: Array<{ numRows: number; columns: PyarrowColumnChunk[] }>;
}

export function pyarrowMetadata(file: string): PyarrowMetadata {
  return JSON.parse(run(['meta', file])) as PyarrowMetadata;
}

/** Decompresses each input with Arrow's own codec (`snappy`, `gzip`, `zstd`). */
export function pyarrowDecompress(codec: string, inputs: Array<{ data: Buffer; size: number }>): Buffer[] {
  const input = inputs.map((i) => JSON.stringify({ data: i.data.toString('base64'), size: i.size })).join('\n');
  // One line per input; an empty output is an empty line.
  const lines = run(['decompress', codec], `${input}\n`).split('\n');
  if (lines.length !== inputs.length + 1 || lines.at(-1) !== '') throw new Error(`pyarrow decompress: ${lines.length - 1} outputs for ${inputs.length} inputs`);
  return lines.slice(0, -1).map((line) => Buffer.from(line, 'base64'));
}

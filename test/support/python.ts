// Tencent's Python SDKs for tests: a virtual environment made from PyPI with the pinned versions of
// test/python/requirements.txt (cached under .cache/python/, keyed by that file's hash, made from nothing
// on a fresh clone), and a runner for the check scripts of test/python/ that reports each check by name.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeVenv } from './python-venv';

const ROOT = resolve(__dirname, '../..');
export const PYTHON_DIR = join(ROOT, 'test', 'python');
const REQUIREMENTS = join(PYTHON_DIR, 'requirements.txt');
const CHECK_LINE = '@@check ';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The pinned version of a package in requirements.txt. */
export function pinnedVersion(name: string): string {
  const line = readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}==`));
  if (!line) throw new Error(`${name} is not pinned in ${REQUIREMENTS}`);
  return line.slice(name.length + 2).trim();
}

/**
 * The Python interpreter of the SDKs' virtual environment, made on first use (see makeVenv), keyed by the
 * hash of the pinned requirements so that a change of version makes a new one.
 */
export async function pythonSdks(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  const venv = join(ROOT, '.cache', 'python', `venv-${hash}`);
  return makeVenv(venv, ['-r', REQUIREMENTS], () => existsSync(join(venv, 'bin', 'python')));
}

export interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
  trace?: string;
  facts?: Record<string, string>;
}

export interface CheckRun {
  planned: number;
  versions: Record<string, string>;
  results: CheckResult[];
  exitCode: number | null;
  stderr: string;
}

/** Runs one of test/python/'s check scripts and collects its plan and the result of each check. */
export async function runPythonChecks(python: string, script: string, env: Record<string, string>): Promise<CheckRun> {
  const { code, stdout, stderr } = await run(python, [join(PYTHON_DIR, script)], { cwd: PYTHON_DIR, env: { ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' } });
  const records = stdout
    .split('\n')
    .filter((line) => line.startsWith(CHECK_LINE))
    .map((line) => JSON.parse(line.slice(CHECK_LINE.length)) as Record<string, unknown>);
  const plan = records.find((r) => 'plan' in r) as { plan: number; versions: Record<string, string> } | undefined;
  return { planned: plan?.plan ?? -1, versions: plan?.versions ?? {}, results: records.filter((r) => 'name' in r) as unknown as CheckResult[], exitCode: code, stderr };
}

/** Each failed check as "name: error" (with the Python trace), for an assertion that names them. */
export function failures(run: CheckRun): string[] {
  const failed = run.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? ''}\n${r.trace ?? ''}`);
  if (run.results.length !== run.planned) failed.push(`the script planned ${run.planned} checks and reported ${run.results.length} (exit ${run.exitCode}):\n${run.stderr.slice(-3000)}`);
  return failed;
}

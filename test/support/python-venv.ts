// Python readers for the tests (pyarrow, pyspark), each in a virtual environment the tests create from
// nothing (python3 -m venv, pip install from PyPI) in the project's cache, once; later runs reuse it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../../src/local/paths';

const ready = new Map<string, string>();

/**
 * Makes the virtual environment `venv` (python3 -m venv, then pip install `pipArgs`) unless `works()`
 * already says it is there; returns its python. Built aside and renamed into place, so that two test
 * workers never share a half-made venv, and a failed install leaves nothing that looks ready.
 */
export function makeVenv(venv: string, pipArgs: string[], works: () => boolean): string {
  const python = join(venv, 'bin', 'python');
  if (works()) return python;
  mkdirSync(dirname(venv), { recursive: true });
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    execFileSync(process.env.PYTHON ?? 'python3', ['-m', 'venv', building], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...pipArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').slice(-3000);
    throw new Error(`making the Python environment ${venv} failed (python3 with venv and pip, and PyPI, are needed): ${(err as Error).message}\n${stderr}`);
  }
  rmSync(venv, { recursive: true, force: true });
  try {
    renameSync(building, venv);
  } catch (err) {
    // Another test worker finished first: its environment is as good as this one.
    rmSync(building, { recursive: true, force: true });
    if (!works()) throw err;
  }
  if (!works()) throw new Error(`${pipArgs.join(' ')} did not give a working environment in ${venv}`);
  return python;
}

/** The python of venv `name` with `requirement` (`package==version`) installed; builds it when missing. */
export function venvPython(name: string, requirement: string): string {
  const known = ready.get(name);
  if (known) return known;
  const [module, version] = requirement.split('==') as [string, string];
  const venv = cacheDir(name);
  const works = () => {
    const python = join(venv, 'bin', 'python');
    return existsSync(python) && spawnSync(python, ['-c', `import ${module}, sys; sys.exit(${module}.__version__ != ${JSON.stringify(version)})`]).status === 0;
  };
  const python = makeVenv(venv, [requirement], works);
  ready.set(name, python);
  return python;
}

/** Runs a script of test/support with the venv's python; its stdout, or an error with its stderr. */
export function runPython(python: string, script: string, args: string[], options: { input?: string; cwd?: string } = {}): string {
  const result = spawnSync(python, [join(__dirname, script), ...args], { input: options.input, cwd: options.cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

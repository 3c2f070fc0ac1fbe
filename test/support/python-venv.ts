// Python readers for the tests (pyarrow, pyspark), each in a virtual environment the tests create from
// nothing (python3 -m venv, pip install from PyPI) in the project's cache, once; later runs reuse it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../src/local/paths';

const ready = new Map<string, string>();

/**
 * The python of venv `name` with `requirement` (`package==version`) installed; builds it when missing.
 * Built aside and renamed into place, so that two test workers never share a half-made venv.
 */
export function venvPython(name: string, requirement: string): string {
  const known = ready.get(name);
  if (known) return known;
  const [module, version] = requirement.split('==') as [string, string];
  const venv = cacheDir(name);
  const python = join(venv, 'bin', 'python');
  const works = () => existsSync(python) && spawnSync(python, ['-c', `import ${module}, sys; sys.exit(${module}.__version__ != ${JSON.stringify(version)})`]).status === 0;
  if (!works()) {
    mkdirSync(cacheDir(), { recursive: true });
    const building = `${venv}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', building], { stdio: 'inherit' });
    execFileSync(join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', requirement], { stdio: 'inherit' });
    rmSync(venv, { recursive: true, force: true });
    try {
      renameSync(building, venv);
    } catch (err) {
      if (!works()) throw err;
      rmSync(building, { recursive: true, force: true });
    }
    if (!works()) throw new Error(`${requirement} is not importable from ${python} after installing it`);
  }
  ready.set(name, python);
  return python;
}

/** Runs a script of test/support with the venv's python; its stdout, or an error with its stderr. */
export function runPython(python: string, script: string, args: string[], options: { input?: string; cwd?: string } = {}): string {
  const result = spawnSync(python, [join(__dirname, script), ...args], { input: options.input, cwd: options.cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSplit, parseCpuList, pinProcess } from '../../bench/cpu-split';

describe('bench --service-cpus', () => {
  it("splits the machine's CPUs by a list as taskset writes one", () => {
    expect(cpuSplit('2,3', 4)).toEqual({ services: [2, 3], contestants: [0, 1] });
    expect(cpuSplit('1-2', 4)).toEqual({ services: [1, 2], contestants: [0, 3] });
    expect(cpuSplit(' 5 , 0-1,1 ', 8)).toEqual({ services: [0, 1, 5], contestants: [2, 3, 4, 6, 7] });
  });

  it('names what is wrong with a list', () => {
    expect(() => cpuSplit('2,x', 4)).toThrow('--service-cpus: "x" is not a CPU number or range (for example 2,3 or 2-3)');
    expect(() => cpuSplit('3-1', 4)).toThrow('--service-cpus: the range 3-1 runs backwards');
    expect(() => cpuSplit('2-4', 4)).toThrow('--service-cpus: CPU 4 does not exist (this machine has CPUs 0-3)');
    expect(() => cpuSplit('0-1', 2)).toThrow('--service-cpus 0-1 leaves no CPU to the contestants (this machine has CPUs 0-1)');
    expect(() => cpuSplit('', 2)).toThrow('is not a CPU number or range');
  });

  it('moves a running process, every thread of it, to the CPUs given', async () => {
    // Node.js has threads of its own (V8's and libuv's): each must move, not only the main one.
    // It says when it has started, so that no thread is still being created while taskset moves them.
    const child = spawn(process.execPath, ['-e', 'console.log("ready"); setTimeout(() => {}, 30000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      pinProcess(child.pid!, [0], 'a test process');
      const threads = readdirSync(`/proc/${child.pid}/task`);
      expect(threads.length).toBeGreaterThan(1);
      for (const tid of threads) expect(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${child.pid}/task/${tid}/status`, 'utf8'))?.[1]).toBe('0');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('names the process it could not pin: taskset itself says nothing of a process that has gone', () => {
    // A pid above the kernel's pid_max never exists.
    expect(() => pinProcess(99999999, [0], 'the COS server')).toThrow('taskset could not pin the COS server (pid 99999999) to CPUs 0: the process is gone');
  });

  it('reads CPU lists as taskset and /proc write them', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('1')).toEqual([1]);
  });
});

// serverless.yml against the inputs its components document, and against the variables the code reads.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config';
import { VARIABLES } from '../../src/config/variables';
import { SCF_MEMORY_SIZES_MB } from '../../src/deploy/scf-memory';

const root = join(__dirname, '../..');
const yml = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'));
const example = Object.fromEntries(
  readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

// Documented inputs, from serverless-components/tencent-multi-scf docs/configure.md ("inputs 配置参数",
// "FunctionObject", "定时触发器"). multi-scf hands each function's fields to the same deploy toolkit as the
// scf component, whose docs/configure.md documents retryNum and msgTTL (async retries and event age).
const TOP_LEVEL = ['org', 'app', 'stage', 'component', 'name', 'inputs'];
const INPUTS = ['src', 'region', 'runtime', 'namespace', 'memorySize', 'timeout', 'functions', 'triggers', 'ignoreTriggers'];
const SRC = ['src', 'exclude', 'bucket', 'object'];
const FUNCTION = ['name', 'handler', 'role', 'description', 'memorySize', 'timeout', 'environment', 'vpc', 'layers', 'cls', 'tags', 'cfs', 'publicAccess', 'eip', 'asyncRunEnable', 'traceEnable', 'installDependency', 'retryNum', 'msgTTL'];
const TIMER = ['name', 'qualifier', 'cronExpression', 'argument', 'enable'];

function envRefs(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(/\$\{env:([A-Za-z_]+)\}/g)].map((m) => m[1]!);
}

function resolve(value: string): string {
  return value.replace(/\$\{env:([A-Za-z_]+)\}/g, (_, name: string) => example[name] ?? '');
}

describe('serverless.yml', () => {
  it('uses only inputs the multi-scf component documents', () => {
    expect(yml.component).toBe('multi-scf');
    expect(Object.keys(yml).filter((k) => !TOP_LEVEL.includes(k))).toEqual([]);
    expect(Object.keys(yml.inputs).filter((k) => !INPUTS.includes(k))).toEqual([]);
    expect(Object.keys(yml.inputs.src).filter((k) => !SRC.includes(k))).toEqual([]);
    for (const [key, fn] of Object.entries<Record<string, unknown>>(yml.inputs.functions)) {
      expect([key, Object.keys(fn).filter((k) => !FUNCTION.includes(k))]).toEqual([key, []]);
      expect(SCF_MEMORY_SIZES_MB).toContain(fn.memorySize);
      expect(fn.timeout).toBeGreaterThanOrEqual(1);
      expect(fn.timeout).toBeLessThanOrEqual(900);
      expect(Object.keys(fn.vpc as object).sort()).toEqual(['subnetId', 'vpcId']);
    }
  });

  it('runs each bundle the build writes, exporting main_handler on Node 18', () => {
    expect(yml.inputs.runtime).toBe('Nodejs18.15');
    for (const key of ['consumer', 'scheduler']) {
      const handler: string = yml.inputs.functions[key].handler;
      const [file, method] = [handler.slice(0, handler.lastIndexOf('.')), handler.slice(handler.lastIndexOf('.') + 1)];
      const bundle = join(root, yml.inputs.src.src, `${file}.js`);
      expect(existsSync(bundle)).toBe(true);
      expect(method).toBe('main_handler');
      expect(typeof require(bundle).main_handler).toBe('function');
    }
  });

  it('fires the scheduler from a timer and names the consumer the scheduler invokes', () => {
    const timers = yml.inputs.triggers.filter((t: { type: string }) => t.type === 'timer');
    expect(timers).toHaveLength(1);
    expect(timers[0].function).toBe('scheduler');
    expect(Object.keys(timers[0].parameters).filter((k) => !TIMER.includes(k))).toEqual([]);
    expect(resolve(timers[0].parameters.cronExpression).split(' ')).toHaveLength(7);
    const consumer = yml.inputs.functions.consumer;
    expect(consumer.name).toBe(consumer.environment.variables.CONSUMER_FUNCTION_NAME);
    expect(yml.inputs.namespace).toBe(consumer.environment.variables.FUNCTION_NAMESPACE);
  });

  it('sets every variable the code reads, the same for both functions, and nothing else', () => {
    const { consumer, scheduler } = yml.inputs.functions;
    expect(scheduler.environment).toEqual(consumer.environment);
    const deployed = Object.keys(consumer.environment.variables).sort();
    expect(deployed).toEqual(VARIABLES.filter((v) => !v.localOnly).map((v) => v.name).sort());
    for (const [name, value] of Object.entries<string>(consumer.environment.variables)) expect([name, value]).toEqual([name, `\${env:${name}}`]);
  });

  it('takes every value from .env.example, which configures both functions validly within SCF limits', () => {
    const missing = envRefs(yml).filter((name) => !(name in example));
    expect(missing).toEqual([]);
    const env: Record<string, string> = Object.fromEntries(Object.entries<string>(yml.inputs.functions.consumer.environment.variables).map(([k, v]) => [k, resolve(v)]));
    expect(Object.keys(env).filter((name) => /^(SCF_|QCLOUD_|TENCENTCLOUD_)/.test(name))).toEqual([]);
    expect(Buffer.byteLength(Object.entries(env).map(([k, v]) => `${k}=${v}`).join(''))).toBeLessThan(4096);
    const role = { TENCENTCLOUD_SECRETID: 'AKIDx', TENCENTCLOUD_SECRETKEY: 'y', TENCENTCLOUD_SESSIONTOKEN: 'z' };
    expect(() => loadConfig({ ...env, ...role }, 'consumer')).not.toThrow();
    expect(() => loadConfig({ ...env, ...role }, 'scheduler')).not.toThrow();
  });
});

// Fetches Apache Kafka's jars from Maven Central once, into the project cache; later runs reuse them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, projectRoot } from '../paths';
import { requireTool } from './prerequisites';

const POM = () => join(projectRoot(), 'scripts', 'kafka', 'pom.xml');

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM(), 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${POM()}`);
  return match[1];
}

export function kafkaLibsDir(): string {
  return cacheDir('kafka', kafkaVersion(), 'libs');
}

/** The java arguments that run one of Kafka's main classes from the cached jars, with the project's log4j setup. */
export function kafkaJavaArgs(mainClass: string, args: string[], heapMb: number): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Dlog4j.configuration=file:${join(projectRoot(), 'scripts', 'kafka', 'log4j.properties')}`,
    '-Djava.awt.headless=true',
    '-cp',
    join(kafkaLibsDir(), '*'),
    mainClass,
    ...args,
  ];
}

/** Returns the folder holding every runtime jar, downloading it with Maven on first use. */
export async function ensureKafkaJars(log: (line: string) => void = () => {}): Promise<string> {
  const libs = kafkaLibsDir();
  const done = join(libs, '.complete');
  if (existsSync(done)) return libs;
  requireTool('java', 'to run the local Kafka broker');
  requireTool('mvn', 'to download Apache Kafka from Maven Central');
  mkdirSync(libs, { recursive: true });
  log(`downloading Apache Kafka ${kafkaVersion()} from Maven Central into ${libs}`);
  const args = ['-B', '-q', '-f', POM(), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'];
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const mvn = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    mvn.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    mvn.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    mvn.on('error', reject);
    mvn.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`mvn could not fetch Apache Kafka (exit ${code}):\n${Buffer.concat(output).toString('utf8').slice(-4000)}`);
  }
  if (!readdirSync(libs).some((name) => name.startsWith('kafka_2.13-'))) throw new Error(`mvn finished but ${libs} holds no kafka_2.13 jar`);
  writeFileSync(done, new Date().toISOString());
  return libs;
}

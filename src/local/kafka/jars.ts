// Fetches Apache Kafka's jars from Maven Central once per version, into the project cache; later runs
// reuse them. Each version has its own pom under scripts/kafka/<version>/ (its dependencies differ).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir, projectRoot } from '../paths';
import { requireTool } from './prerequisites';
import { kafkaVersionSpec } from './versions';

export function kafkaPom(version: string): string {
  return join(projectRoot(), 'scripts', 'kafka', kafkaVersionSpec(version).version, 'pom.xml');
}

/** The version a pom fetches, read from its <kafka.version>: a test holds it equal to the folder's name. */
export function pomKafkaVersion(pom: string): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pom, 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${pom}`);
  return match[1];
}

export function kafkaLibsDir(version?: string): string {
  return cacheDir('kafka', kafkaVersionSpec(version).version, 'libs');
}

/**
 * The java arguments that run one of Kafka's main classes from a version's cached jars, with the
 * project's log4j setup. `jvmOptions` go before the class (system properties such as a JAAS file).
 */
export function kafkaJavaArgs(mainClass: string, args: string[], heapMb: number, version?: string, jvmOptions: string[] = []): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Dlog4j.configuration=file:${join(projectRoot(), 'scripts', 'kafka', 'log4j.properties')}`,
    '-Djava.awt.headless=true',
    ...jvmOptions,
    '-cp',
    join(kafkaLibsDir(version), '*'),
    mainClass,
    ...args,
  ];
}

function brokerJar(version: string): string {
  const spec = kafkaVersionSpec(version);
  return `kafka_${spec.scala}-${spec.version}.jar`;
}

/**
 * Returns the folder holding every runtime jar of a version, downloading it with Maven on first use.
 * Maven writes into a folder of its own that is renamed into place once complete, so two processes
 * fetching the same version at once never run from a half-copied folder.
 */
export async function ensureKafkaJars(log: (line: string) => void = () => {}, version?: string): Promise<string> {
  const spec = kafkaVersionSpec(version);
  const libs = kafkaLibsDir(spec.version);
  if (existsSync(join(libs, '.complete'))) return libs;
  requireTool('java', 'to run the local Kafka broker');
  requireTool('mvn', 'to download Apache Kafka from Maven Central');
  const staging = `${libs}.download-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`downloading Apache Kafka ${spec.version} from Maven Central into ${libs}`);
  const args = ['-B', '-q', '-f', kafkaPom(spec.version), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'];
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const mvn = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    mvn.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    mvn.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    mvn.on('error', reject);
    mvn.on('close', resolve);
  });
  try {
    if (code !== 0) throw new Error(`mvn could not fetch Apache Kafka ${spec.version} (exit ${code}):\n${Buffer.concat(output).toString('utf8').slice(-4000)}`);
    if (!readdirSync(staging).includes(brokerJar(spec.version))) throw new Error(`mvn finished but ${staging} holds no ${brokerJar(spec.version)}`);
    writeFileSync(join(staging, '.complete'), new Date().toISOString());
    mkdirSync(dirname(libs), { recursive: true });
    if (existsSync(libs) && !existsSync(join(libs, '.complete'))) rmSync(libs, { recursive: true, force: true });
    try {
      renameSync(staging, libs);
    } catch (err) {
      // Another process finished the same download first: its copy is as good as ours.
      if (!existsSync(join(libs, '.complete'))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return libs;
}

// Runs a real single-node Apache Kafka broker (KRaft) on loopback for development, tests and benchmarks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../ports';
import { ensureKafkaJars, kafkaJavaArgs } from './jars';
import { serverProperties, type BrokerLayout } from './server-properties';

export interface KafkaBrokerOptions {
  /** Holds the broker's data, its server.properties and its log file. Reused data survives a restart. */
  dir: string;
  port?: number;
  saslPort?: number;
  controllerPort?: number;
  saslUsers?: Record<string, string>;
  heapMb?: number;
  overrides?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_SASL_USERS = { ckafka: 'ckafka-local-secret' };

function kafkaClusterId(): string {
  // Kafka's Uuid is 16 random bytes in URL-safe base64; its own tool avoids a leading '-' (read as a flag).
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function tail(file: string, chars = 3000): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-chars) : '(no log)';
}

export class KafkaBroker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly layout: BrokerLayout,
    readonly dir: string,
    private readonly options: KafkaBrokerOptions,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.layout.port}`;
  }

  get saslBootstrap(): string {
    return `127.0.0.1:${this.layout.saslPort}`;
  }

  get sslBootstrap(): string {
    return `127.0.0.1:${this.layout.ssl.port}`;
  }

  /** The PEM certificate of the SSL listener, for clients to trust. */
  get sslCertificate(): string {
    return readFileSync(join(this.dir, 'broker-cert.pem'), 'utf8');
  }

  get logFile(): string {
    return join(this.dir, 'broker.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(options: KafkaBrokerOptions): Promise<KafkaBroker> {
    await ensureKafkaJars(options.log);
    mkdirSync(options.dir, { recursive: true });
    const layout: BrokerLayout = {
      port: options.port || (await freePort()),
      saslPort: options.saslPort || (await freePort()),
      controllerPort: options.controllerPort || (await freePort()),
      saslUsers: options.saslUsers ?? DEFAULT_SASL_USERS,
      ssl: { port: await freePort(), keystore: join(options.dir, 'broker.p12'), password: 'local-broker-keystore' },
      logDir: join(options.dir, 'data'),
      overrides: options.overrides,
    };
    const broker = new KafkaBroker(layout, options.dir, options);
    broker.makeKeystore();
    broker.format();
    await broker.launch();
    return broker;
  }

  private java(mainClass: string, args: string[]): string[] {
    const heap = this.options.heapMb ?? 768;
    return [`-Xms${Math.min(256, heap)}m`, ...kafkaJavaArgs(mainClass, args, heap)];
  }

  private get propertiesFile(): string {
    return join(this.dir, 'server.properties');
  }

  /** A self-signed certificate for 127.0.0.1, made once per broker folder with the JDK's keytool. */
  private makeKeystore(): void {
    const { keystore, password } = this.layout.ssl;
    const pem = join(this.dir, 'broker-cert.pem');
    if (existsSync(keystore) && existsSync(pem)) return;
    const keytool = (args: string[]) => {
      const result = spawnSync('keytool', args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`keytool ${args[0]} failed (exit ${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
    };
    keytool(['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', 'CN=127.0.0.1', '-ext', 'SAN=IP:127.0.0.1,DNS:localhost', '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password, '-keypass', password]);
    keytool(['-exportcert', '-rfc', '-alias', 'broker', '-keystore', keystore, '-storepass', password, '-file', pem]);
  }

  /** Writes the configuration and formats storage unless a previous run already did (a restart keeps data). */
  private format(): void {
    writeFileSync(this.propertiesFile, serverProperties(this.layout));
    if (existsSync(join(this.layout.logDir, 'meta.properties'))) return;
    const result = spawnSync('java', this.java('kafka.tools.StorageTool', ['format', '-t', kafkaClusterId(), '-c', this.propertiesFile]), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`kafka storage format failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }

  private async launch(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    const child = spawn('java', this.java('kafka.Kafka', [this.propertiesFile]), { stdio: ['ignore', out, out] });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // A broker outliving its parent would hold the ports and the data folder.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    void this.exited.then(() => process.removeListener('exit', reap));
    this.options.log?.(`kafka broker pid ${child.pid} starting on ${this.bootstrap} (log ${this.logFile})`);
    await this.waitUntilReady(this.options.startTimeoutMs ?? 90_000);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (exitedEarly) throw new Error(`kafka broker exited during start-up; log tail:\n${tail(this.logFile)}`);
      const admin = new Kafka({ brokers: [this.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    throw new Error(`kafka broker not ready after ${timeoutMs} ms (${String(lastError)}); log tail:\n${tail(this.logFile)}`);
  }

  /** Stops the broker cleanly (SIGTERM, controlled shutdown), killing it if it does not exit in time. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the broker at once, as a crash would. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Starts the broker again on the same ports with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

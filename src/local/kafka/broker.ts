// Runs a real single-node Apache Kafka broker on loopback for development, tests and benchmarks: KRaft for
// 3.x, and for the older versions CKafka sells a broker beside a ZooKeeper of its own.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from '../../kafka/kafkajs';
import { freePort } from '../ports';
import { ensureKafkaJars, kafkaJavaArgs } from './jars';
import { JavaProcess } from './java-process';
import { haveLeaders, type TopicPartitions } from './topics';
import { serverProperties, zooKeeperBrokerJaas, zooKeeperBrokerProperties, type BrokerLayout, type ZooKeeperBrokerLayout } from './server-properties';
import { kafkaVersionSpec, type KafkaVersionSpec } from './versions';
import { startZooKeeper } from './zookeeper';

export interface KafkaBrokerOptions {
  /** Holds the broker's data, its server.properties and its log file. Reused data survives a restart. */
  dir: string;
  /** An Apache Kafka version of versions.ts, exactly or by a unique prefix ('2.4', '0.10.2'); default 3.9.2. */
  version?: string;
  port?: number;
  saslPort?: number;
  /** KRaft only. */
  controllerPort?: number;
  /** ZooKeeper mode only. */
  zookeeperPort?: number;
  saslUsers?: Record<string, string>;
  heapMb?: number;
  /** More JVM options for the broker (tests trade peak speed for less CPU at start-up: -XX:TieredStopAtLevel=1). */
  jvmOptions?: string[];
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

type Layout = BrokerLayout | ZooKeeperBrokerLayout;

export class KafkaBroker {
  private process: JavaProcess | undefined;
  private zookeeper: JavaProcess | undefined;

  private constructor(
    readonly layout: Layout,
    readonly dir: string,
    readonly spec: KafkaVersionSpec,
    private readonly options: KafkaBrokerOptions,
  ) {}

  get version(): string {
    return this.spec.version;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.layout.port}`;
  }

  get saslBootstrap(): string {
    return `127.0.0.1:${this.layout.saslPort}`;
  }

  get sslBootstrap(): string {
    return `127.0.0.1:${this.layout.ssl.port}`;
  }

  /** ZooKeeper mode: the ZooKeeper the broker registers in (`host:port`). */
  get zookeeperConnect(): string | undefined {
    return 'zookeeperPort' in this.layout ? `127.0.0.1:${this.layout.zookeeperPort}` : undefined;
  }

  /** The PEM certificate of the SSL listener, for clients to trust. */
  get sslCertificate(): string {
    return readFileSync(join(this.dir, 'broker-cert.pem'), 'utf8');
  }

  get logFile(): string {
    return join(this.dir, 'broker.log');
  }

  /** The folder of the broker's log segments (`<topic>-<partition>/`). */
  get dataDir(): string {
    return this.layout.logDir;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  static async start(options: KafkaBrokerOptions): Promise<KafkaBroker> {
    const spec = kafkaVersionSpec(options.version);
    await ensureKafkaJars(options.log, spec.version);
    mkdirSync(options.dir, { recursive: true });
    const listeners = {
      port: options.port || (await freePort()),
      saslPort: options.saslPort || (await freePort()),
      saslUsers: options.saslUsers ?? DEFAULT_SASL_USERS,
      ssl: { port: await freePort(), keystore: join(options.dir, 'broker.p12'), password: 'local-broker-keystore' },
      logDir: join(options.dir, 'data'),
      overrides: options.overrides,
    };
    const layout: Layout =
      spec.mode === 'kraft'
        ? { ...listeners, controllerPort: options.controllerPort || (await freePort()) }
        : { ...listeners, zookeeperPort: options.zookeeperPort || (await freePort()) };
    const broker = new KafkaBroker(layout, options.dir, spec, options);
    broker.makeKeystore();
    try {
      await broker.prepare();
      await broker.launch();
    } catch (err) {
      await broker.stop();
      throw err;
    }
    return broker;
  }

  private java(mainClass: string, args: string[], jvmOptions: string[] = []): string[] {
    const heap = this.options.heapMb ?? 768;
    return [`-Xms${Math.min(256, heap)}m`, ...kafkaJavaArgs(mainClass, args, heap, this.spec.version, jvmOptions)];
  }

  private get propertiesFile(): string {
    return join(this.dir, 'server.properties');
  }

  private get jaasFile(): string {
    return join(this.dir, 'broker-jaas.conf');
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

  /**
   * Writes the configuration. KRaft: formats storage unless a previous run already did (a restart keeps
   * data). ZooKeeper mode: starts the ZooKeeper, whose data also survives a restart in the same folder.
   */
  private async prepare(): Promise<void> {
    const layout = this.layout;
    if ('controllerPort' in layout) {
      writeFileSync(this.propertiesFile, serverProperties(layout));
      if (existsSync(join(layout.logDir, 'meta.properties'))) return;
      const result = spawnSync('java', this.java('kafka.tools.StorageTool', ['format', '-t', kafkaClusterId(), '-c', this.propertiesFile]), { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`kafka storage format failed (exit ${result.status}): ${result.stderr || result.stdout}`);
      return;
    }
    writeFileSync(this.propertiesFile, zooKeeperBrokerProperties(layout));
    writeFileSync(this.jaasFile, zooKeeperBrokerJaas(layout.saslUsers));
    const startTimeoutMs = this.options.startTimeoutMs ?? 90_000;
    this.zookeeper = await startZooKeeper({ dir: join(this.dir, 'zookeeper'), port: layout.zookeeperPort, version: this.spec.version, startTimeoutMs });
    this.options.log?.(`zookeeper pid ${this.zookeeper.pid} serving on 127.0.0.1:${layout.zookeeperPort} (log ${this.zookeeper.logFile})`);
  }

  /** The topics whose partitions the broker holds on disk (`<topic>-<n>` folders), KRaft's own log aside. */
  private storedTopics(): TopicPartitions[] {
    const counts = new Map<string, number>();
    const entries = existsSync(this.layout.logDir) ? readdirSync(this.layout.logDir, { withFileTypes: true }) : [];
    for (const entry of entries) {
      const match = entry.isDirectory() ? /^(.+)-(\d+)$/.exec(entry.name) : null;
      if (!match || match[1] === '__cluster_metadata') continue;
      counts.set(match[1]!, Math.max(counts.get(match[1]!) ?? 0, Number(match[2]) + 1));
    }
    return [...counts].map(([topic, partitions]) => ({ topic, partitions }));
  }

  private async launch(): Promise<void> {
    // A restarted broker answers before it leads its partitions again (ZooKeeper mode learns them from the
    // controller a moment later): ready means every partition it stores has a leader.
    const stored = this.storedTopics();
    // ZooKeeper mode reads the SASL users from a JAAS file; the ZooKeeper client must not try SASL itself.
    const jvmOptions = [...(this.options.jvmOptions ?? []), ...(this.spec.mode === 'zookeeper' ? [`-Djava.security.auth.login.config=${this.jaasFile}`, '-Dzookeeper.sasl.client=false'] : [])];
    this.process = JavaProcess.spawn(`kafka broker ${this.spec.version}`, this.java('kafka.Kafka', [this.propertiesFile], jvmOptions), this.logFile);
    this.options.log?.(`kafka ${this.spec.version} broker pid ${this.process.pid} starting on ${this.bootstrap} (log ${this.logFile})`);
    await this.process.waitUntil(() => this.answers(stored), this.options.startTimeoutMs ?? 90_000);
  }

  /** True once the broker answers metadata requests with a controller and leaders for `topics`. */
  private async answers(topics: TopicPartitions[]): Promise<boolean> {
    // Old brokers log a fatal start-up error and then may hang in their shutdown instead of exiting.
    const fatal = /Fatal error during KafkaServer startup.*\n.*/.exec(this.process?.output() ?? '');
    if (fatal) {
      await this.process?.kill();
      throw new Error(`kafka ${this.spec.version} failed to start: ${fatal[0]}; see ${this.logFile}`);
    }
    const admin = new Kafka({ brokers: [this.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0 && (await haveLeaders(admin, topics));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Stops the broker cleanly (SIGTERM, controlled shutdown), killing it if it does not exit in time; then its ZooKeeper. */
  async stop(graceMs = 20_000): Promise<void> {
    await this.process?.stop(graceMs);
    await this.zookeeper?.stop(graceMs);
  }

  /** Kills the broker at once, as a crash would (its ZooKeeper, a separate service, stays up). */
  async kill(): Promise<void> {
    await this.process?.kill();
  }

  /** Starts the broker again on the same ports with the same data. */
  async restart(): Promise<void> {
    await this.process?.stop();
    await this.launch();
  }
}

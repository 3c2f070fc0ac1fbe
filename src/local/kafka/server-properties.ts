// The single-node configurations of the local broker (KRaft, or ZooKeeper mode for versions before 3)
// and of its ZooKeeper, as pure functions of ports and folders.

interface ListenerLayout {
  port: number;
  /** SASL_PLAINTEXT listener, so SASL/PLAIN (CKafka's public-network access) is tested for real. */
  saslPort: number;
  saslUsers: Record<string, string>;
  /** SSL listener (TLS without SASL), with a keystore made for 127.0.0.1. */
  ssl: { port: number; keystore: string; password: string };
  logDir: string;
  overrides?: Record<string, string | number | boolean>;
}

/** KRaft: the broker is its own controller. */
export interface BrokerLayout extends ListenerLayout {
  controllerPort: number;
}

/** ZooKeeper mode: the broker registers in a ZooKeeper of its own. SASL users come from a JAAS file. */
export interface ZooKeeperBrokerLayout extends ListenerLayout {
  zookeeperPort: number;
}

/** Broker-side record limit: above CKafka's 12 MiB maximum, so the product's 10 MiB records fit. */
export const LOCAL_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

const HOST = '127.0.0.1';

function render(properties: Record<string, string | number | boolean>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n') + '\n';
}

function jaasUsers(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([user, password]) => `user_${user}="${password}"`)
    .join(' ');
}

const CLIENT_LISTENERS = (l: ListenerLayout) => `PLAINTEXT://${HOST}:${l.port},SASL_PLAINTEXT://${HOST}:${l.saslPort},SSL://${HOST}:${l.ssl.port}`;

/** What both modes share: storage, limits, a single replica of the internal topics, retention off. */
function common(layout: ListenerLayout): Record<string, string | number | boolean> {
  return {
    'inter.broker.listener.name': 'PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN',
    'log.dirs': layout.logDir,
    'num.partitions': 1,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    // Few offsets partitions: the group coordinator is ready in a second instead of fifty.
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'message.max.bytes': LOCAL_MESSAGE_MAX_BYTES,
    'replica.fetch.max.bytes': LOCAL_MESSAGE_MAX_BYTES,
    // Keep records forever unless a topic says otherwise: tests and benchmarks produce records with old
    // timestamps, which a time-based retention would delete under them. Retention tests shrink segments
    // and retention per topic, and the cleaner looks often so that they act quickly.
    'log.retention.ms': -1,
    'log.retention.check.interval.ms': 1000,
    'log.segment.delete.delay.ms': 0,
    // Compaction tests need the cleaner to look at dirty logs every second, not every 15.
    'log.cleaner.backoff.ms': 1000,
    'file.delete.delay.ms': 0,
  };
}

export function serverProperties(layout: BrokerLayout): string {
  return render({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${layout.controllerPort}`,
    listeners: `${CLIENT_LISTENERS(layout)},CONTROLLER://${HOST}:${layout.controllerPort}`,
    'advertised.listeners': CLIENT_LISTENERS(layout),
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
    'listener.name.ssl.ssl.keystore.location': layout.ssl.keystore,
    'listener.name.ssl.ssl.keystore.password': layout.ssl.password,
    'listener.name.ssl.ssl.keystore.type': 'PKCS12',
    'listener.name.ssl.ssl.key.password': layout.ssl.password,
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${jaasUsers(layout.saslUsers)};`,
    ...common(layout),
    ...layout.overrides,
  });
}

/**
 * ZooKeeper mode, written for the oldest version run (0.10.2): no per-listener security settings (the SSL
 * keystore is the broker-wide one, only the SSL listener uses it) and SASL users in a JAAS file (see
 * zooKeeperBrokerJaas). Settings an old version does not know (transactions before 0.11) it logs and ignores.
 */
export function zooKeeperBrokerProperties(layout: ZooKeeperBrokerLayout): string {
  return render({
    'broker.id': 1,
    'zookeeper.connect': `${HOST}:${layout.zookeeperPort}`,
    'zookeeper.connection.timeout.ms': 30_000,
    listeners: CLIENT_LISTENERS(layout),
    'advertised.listeners': CLIENT_LISTENERS(layout),
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL',
    'ssl.keystore.location': layout.ssl.keystore,
    'ssl.keystore.password': layout.ssl.password,
    'ssl.keystore.type': 'PKCS12',
    'ssl.key.password': layout.ssl.password,
    // Before 1.0 a topic could not be deleted unless this was set.
    'delete.topic.enable': true,
    ...common(layout),
    // 0.10's log manager runs its file deletion at this period, and a period of 0 stops its start-up.
    'log.segment.delete.delay.ms': 100,
    ...layout.overrides,
  });
}

/** The JAAS file of a ZooKeeper-mode broker: its SASL/PLAIN users (there is no ZooKeeper `Client` section, so ZooKeeper is reached without SASL). */
export function zooKeeperBrokerJaas(users: Record<string, string>): string {
  return `KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required ${jaasUsers(users)};\n};\n`;
}

/** A standalone ZooKeeper on loopback, without its admin HTTP server (3.5+ would take port 8080). */
export function zooKeeperProperties(options: { port: number; dataDir: string }): string {
  return render({
    dataDir: options.dataDir,
    clientPort: options.port,
    clientPortAddress: HOST,
    maxClientCnxns: 0,
    tickTime: 2000,
    'admin.enableServer': false,
  });
}

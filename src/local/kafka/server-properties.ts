// The single-node KRaft configuration of the local broker, as a pure function of its ports and folder.

export interface BrokerLayout {
  port: number;
  controllerPort: number;
  /** SASL_PLAINTEXT listener, so SASL/PLAIN (CKafka's public-network access) is tested for real. */
  saslPort: number;
  saslUsers: Record<string, string>;
  /** SSL listener (TLS without SASL), with a keystore made for 127.0.0.1. */
  ssl: { port: number; keystore: string; password: string };
  logDir: string;
  overrides?: Record<string, string | number | boolean>;
}

/** Broker-side record limit: above CKafka's 12 MiB maximum, so the product's 10 MiB records fit. */
export const LOCAL_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

export function serverProperties(layout: BrokerLayout): string {
  const host = '127.0.0.1';
  const jaasUsers = Object.entries(layout.saslUsers)
    .map(([user, password]) => `user_${user}="${password}"`)
    .join(' ');
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${host}:${layout.controllerPort}`,
    listeners: `PLAINTEXT://${host}:${layout.port},SASL_PLAINTEXT://${host}:${layout.saslPort},SSL://${host}:${layout.ssl.port},CONTROLLER://${host}:${layout.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${layout.port},SASL_PLAINTEXT://${host}:${layout.saslPort},SSL://${host}:${layout.ssl.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
    'listener.name.ssl.ssl.keystore.location': layout.ssl.keystore,
    'listener.name.ssl.ssl.keystore.password': layout.ssl.password,
    'listener.name.ssl.ssl.keystore.type': 'PKCS12',
    'listener.name.ssl.ssl.key.password': layout.ssl.password,
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${jaasUsers};`,
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
    ...layout.overrides,
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n') + '\n';
}

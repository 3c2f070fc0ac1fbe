// The Apache Kafka versions the local stack runs: the ones CKafka sells (0.10.2, 1.1.1, 2.4.1, 2.8.1 in
// ZooKeeper mode) and today's KRaft 3.9. What each one can do is stated here once, so that tests, the
// bench and the CLI ask instead of assuming.

export type KafkaCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const KAFKA_CODECS: readonly KafkaCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface KafkaVersionSpec {
  version: string;
  /** KRaft (3.x) or a broker beside its own ZooKeeper (older versions). */
  mode: 'kraft' | 'zookeeper';
  /** Scala build of the broker jar on Maven Central (kafka_2.12 before 2.4, kafka_2.13 since). */
  scala: '2.12' | '2.13';
  /** Codecs the broker stores as such: zstd needs 2.1 (KIP-110). librdkafka quietly sends zstd uncompressed to older brokers. */
  codecs: readonly KafkaCodec[];
  /** Transactions and idempotent producers (KIP-98): 0.11 and later. */
  transactions: boolean;
  /**
   * Message format versions (magic) a topic can be set to with `message.format.version`: v2 needs 0.11;
   * 3.0 ignores the setting and always writes v2.
   */
  messageFormats: readonly number[];
  /** The topic-level `message.format.version` value that writes each magic. */
  formatVersionFor: Partial<Record<number, string>>;
}

const PRE_ZSTD: readonly KafkaCodec[] = ['none', 'gzip', 'snappy', 'lz4'];
const ZOOKEEPER_FORMATS = { 0: '0.9.0', 1: '0.10.2', 2: '0.11.0' };

export const KAFKA_VERSIONS: readonly KafkaVersionSpec[] = [
  { version: '0.10.2.2', mode: 'zookeeper', scala: '2.12', codecs: PRE_ZSTD, transactions: false, messageFormats: [0, 1], formatVersionFor: { 0: '0.9.0', 1: '0.10.2' } },
  { version: '1.1.1', mode: 'zookeeper', scala: '2.12', codecs: PRE_ZSTD, transactions: true, messageFormats: [0, 1, 2], formatVersionFor: ZOOKEEPER_FORMATS },
  { version: '2.4.1', mode: 'zookeeper', scala: '2.13', codecs: KAFKA_CODECS, transactions: true, messageFormats: [0, 1, 2], formatVersionFor: ZOOKEEPER_FORMATS },
  { version: '2.8.1', mode: 'zookeeper', scala: '2.13', codecs: KAFKA_CODECS, transactions: true, messageFormats: [0, 1, 2], formatVersionFor: ZOOKEEPER_FORMATS },
  { version: '3.9.2', mode: 'kraft', scala: '2.13', codecs: KAFKA_CODECS, transactions: true, messageFormats: [2], formatVersionFor: {} },
];

export const DEFAULT_KAFKA_VERSION = '3.9.2';

/**
 * The spec of a version named exactly or by a prefix that ends at a dot and names one version
 * (`0.10.2` is 0.10.2.2, `2.4` is 2.4.1, `3` is 3.9.2), as CKafka names its versions.
 */
export function kafkaVersionSpec(name: string = DEFAULT_KAFKA_VERSION): KafkaVersionSpec {
  const exact = KAFKA_VERSIONS.find((v) => v.version === name);
  if (exact) return exact;
  const matches = KAFKA_VERSIONS.filter((v) => v.version.startsWith(`${name}.`));
  if (matches.length === 1) return matches[0]!;
  throw new Error(`unknown Kafka version "${name}": the local stack runs ${KAFKA_VERSIONS.map((v) => v.version).join(', ')}`);
}

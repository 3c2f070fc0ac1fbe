// Kafka failures in words a user can act on.
import { KAFKA_ERROR_NAMES } from './error-codes';

/** Kafka protocol error codes this product reacts to. */
export const KafkaErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  REPLICA_NOT_AVAILABLE: 9,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_VERSION: 35,
  KAFKA_STORAGE_ERROR: 56,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  OFFSET_NOT_AVAILABLE: 78,
  UNKNOWN_TOPIC_ID: 100,
  INCONSISTENT_TOPIC_ID: 103,
  FETCH_SESSION_TOPIC_ID_ERROR: 106,
  OFFSET_MOVED_TO_TIERED_STORAGE: 109,
} as const;

/**
 * Transient: a leader election, a broker restarting, a replica catching up. Retried after a metadata
 * refresh (which finds the new leader) until the invocation's retry budget is spent.
 * UNKNOWN_TOPIC_OR_PARTITION is among them: a broker that just became leader may not know the partition
 * yet; a topic that is really gone fails on the refreshed metadata instead ("does not exist").
 */
const RETRIABLE = new Set<number>([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaErrorCode.LEADER_NOT_AVAILABLE,
  KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
  KafkaErrorCode.REQUEST_TIMED_OUT,
  KafkaErrorCode.BROKER_NOT_AVAILABLE,
  KafkaErrorCode.REPLICA_NOT_AVAILABLE,
  KafkaErrorCode.NETWORK_EXCEPTION,
  KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
  KafkaErrorCode.NOT_COORDINATOR,
  KafkaErrorCode.KAFKA_STORAGE_ERROR,
  KafkaErrorCode.FENCED_LEADER_EPOCH,
  KafkaErrorCode.UNKNOWN_LEADER_EPOCH,
  KafkaErrorCode.OFFSET_NOT_AVAILABLE,
]);

export class KafkaError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaError';
  }
}

export function isRetriableCode(code: number): boolean {
  return RETRIABLE.has(code);
}

// Fetch sessions, topic ids and tiered storage belong to request versions this consumer does not send.
const NO_FETCH_SESSION = 'this consumer opens no fetch session';
const TOPIC_NAMES_NOT_IDS = 'this consumer sends topic names, not ids';

/** What to do about a Fetch error code that retrying does not cure, for the codes that have advice. */
const FETCH_ADVICE: Record<number, string> = {
  [KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED]: 'grant the SASL user read on the topic in the CKafka ACLs',
  [KafkaErrorCode.CLUSTER_AUTHORIZATION_FAILED]: 'the broker took this fetch for a replica fetch; report it, with the broker version',
  [KafkaErrorCode.UNSUPPORTED_COMPRESSION_TYPE]: 'the log holds zstd batches, which only Fetch v10+ may receive; the broker offered an older Fetch version',
  [KafkaErrorCode.UNSUPPORTED_VERSION]: 'the broker refused the Fetch version it had itself offered in ApiVersions',
  [KafkaErrorCode.CORRUPT_MESSAGE]: 'the broker found the stored batch damaged; nothing from it was written',
  [KafkaErrorCode.UNKNOWN_SERVER_ERROR]: "the broker failed without saying why; see the broker's log",
  [KafkaErrorCode.FETCH_SESSION_ID_NOT_FOUND]: NO_FETCH_SESSION,
  [KafkaErrorCode.INVALID_FETCH_SESSION_EPOCH]: NO_FETCH_SESSION,
  [KafkaErrorCode.FETCH_SESSION_TOPIC_ID_ERROR]: TOPIC_NAMES_NOT_IDS,
  [KafkaErrorCode.UNKNOWN_TOPIC_ID]: TOPIC_NAMES_NOT_IDS,
  [KafkaErrorCode.INCONSISTENT_TOPIC_ID]: TOPIC_NAMES_NOT_IDS,
  [KafkaErrorCode.OFFSET_MOVED_TO_TIERED_STORAGE]: 'the broker should have served the offset from tiered storage itself',
};

/**
 * The error a partition-level Fetch error code becomes, once retrying is no answer (codes in RETRIABLE
 * are retried first; OFFSET_OUT_OF_RANGE is the reader's OffsetOutOfRangeError). Codes with advice of
 * their own are named here; any other is reported by name and number.
 */
export function fetchFailure(topic: string, partition: number, offset: number, code: number): KafkaError {
  const where = `fetch ${topic}/${partition} at offset ${offset}`;
  const hint = FETCH_ADVICE[code];
  return new KafkaError(`${where}: ${describeErrorCode(code)}${hint ? `; ${hint}` : ''}`, code, false);
}

/** "NAME (error N)", or the number alone for a code newer than the table. */
export function describeErrorCode(code: number): string {
  const name = KAFKA_ERROR_NAMES[code];
  return name ? `${name} (error ${code})` : `unknown Kafka error code ${code}`;
}

interface KafkaJsLikeError {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  retriable?: boolean;
}

/** Connection failures, leader moves and timeouts pass; authentication and authorization do not. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof KafkaError) return err.retriable;
  const e = err as KafkaJsLikeError & { cause?: unknown };
  // kafkajs gives up after its own few retries; a broker restart takes longer, so judge the cause.
  if (e?.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause) return isRetriable(e.cause);
  if (e?.type === 'SASL_AUTHENTICATION_FAILED' || e?.name === 'KafkaJSSASLAuthenticationError') return false;
  if (e?.type === 'TOPIC_AUTHORIZATION_FAILED' || e?.type === 'GROUP_AUTHORIZATION_FAILED') return false;
  if (e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSConnectionClosedError' || e?.name === 'KafkaJSRequestTimeoutError') return true;
  if (e?.name === 'KafkaJSBrokerNotFound' || e?.name === 'KafkaJSGroupCoordinatorNotFound' || e?.name === 'KafkaJSMetadataNotLoaded') return true;
  return e?.retriable === true;
}

const TLS_FAILURE = /certificate|self[- ]signed|SSL routines|wrong version number|ERR_SSL|TLS/i;

/** Explains a failure to reach or use the brokers, naming what to check. */
export function describeKafkaFailure(err: unknown, brokers: string[]): string {
  const e = err as KafkaJsLikeError;
  const detail = e?.message ?? String(err);
  if (TLS_FAILURE.test(detail)) {
    return `the TLS connection to ${brokers.join(',')} failed (${detail}); check KAFKA_SSL (the listener must speak TLS) and KAFKA_SSL_CA (the CA that signed the brokers' certificates)`;
  }
  if (e?.name === 'KafkaJSSASLAuthenticationError' || e?.type === 'SASL_AUTHENTICATION_FAILED') {
    return `Kafka rejected the SASL credentials (${detail}); check KAFKA_SASL_USERNAME (CKafka: instanceId#user) and KAFKA_SASL_PASSWORD`;
  }
  if (e?.type === 'TOPIC_AUTHORIZATION_FAILED' || e?.type === 'GROUP_AUTHORIZATION_FAILED') {
    return `Kafka denied access (${detail}); grant the SASL user read on the topic and the consumer group in the CKafka ACLs`;
  }
  if (e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSNumberOfRetriesExceeded' || e?.name === 'KafkaJSNonRetriableError' || /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection timeout/.test(detail)) {
    return (
      `cannot reach the Kafka brokers ${brokers.join(',')} (${detail}). An SCF function reaches a CKafka instance's VPC address only when ` +
      "it runs in that instance's VPC and subnet (vpcConfig in serverless.yml); check KAFKA_BROKERS and the function's network settings"
    );
  }
  return detail;
}

/** Where in the log a problem lies: the error names it so the user can find the data. */
export interface LogPosition {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * Data that fails its checksum or does not decode. Never archived: the invocation fails before writing
 * any record of the batch, and nothing past it is committed.
 */
export class CorruptBatchError extends KafkaError {
  constructor(
    readonly at: LogPosition,
    detail: string,
  ) {
    super(`the record batch at offset ${at.offset} of ${at.topic}/${at.partition} is corrupt (${detail}); nothing from it was written or committed`, undefined, false);
    this.name = 'CorruptBatchError';
  }
}

/** A compressed batch whose records need more memory than the configured limit allows. */
export class BatchTooLargeError extends KafkaError {
  constructor(
    readonly at: LogPosition,
    detail: string,
    readonly limit: number,
  ) {
    super(
      `the compressed record batch at offset ${at.offset} of ${at.topic}/${at.partition} ${detail}, more than DECOMPRESSED_BATCH_MAX_BYTES=${limit} allows; ` +
        'raise DECOMPRESSED_BATCH_MAX_BYTES and the consumer function\'s memory by as much (nothing from the batch was written or committed)',
      undefined,
      false,
    );
    this.name = 'BatchTooLargeError';
  }
}

// Every error code a Fetch response may carry has a handling: retried after a metadata refresh, the
// reader's OffsetOutOfRangeError, or an error that names it (and says what to do where there is advice).
import { KAFKA_ERROR_NAMES } from '../../src/kafka/error-codes';
import { describeErrorCode, fetchFailure, isRetriableCode, KafkaErrorCode } from '../../src/kafka/errors';

/** The errors Kafka's FetchResponse documents (partition and top level, Fetch v0 to v17). */
const FETCH_ERRORS = [
  'OFFSET_OUT_OF_RANGE',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'BROKER_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'KAFKA_STORAGE_ERROR',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'OFFSET_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_ID',
  'INCONSISTENT_TOPIC_ID',
  'FETCH_SESSION_TOPIC_ID_ERROR',
  'OFFSET_MOVED_TO_TIERED_STORAGE',
  'UNKNOWN_SERVER_ERROR',
];

const codeOf = (name: string) => Number(Object.entries(KAFKA_ERROR_NAMES).find(([, n]) => n === name)![0]);

describe('fetch errors', () => {
  it.each(FETCH_ERRORS)('%s has a handling', (name) => {
    const code = codeOf(name);
    expect(KafkaErrorCode[name as keyof typeof KafkaErrorCode]).toBe(code);
    if (code === KafkaErrorCode.OFFSET_OUT_OF_RANGE || isRetriableCode(code)) return;
    const err = fetchFailure('events', 2, 40, code);
    expect(err.message).toMatch(new RegExp(`^fetch events/2 at offset 40: ${name} \\(error ${code}\\); .+`));
    expect(err.retriable).toBe(false);
    expect(err.code).toBe(code);
  });

  it('leader moves, restarts and replicas catching up are retried', () => {
    for (const name of ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'REPLICA_NOT_AVAILABLE', 'KAFKA_STORAGE_ERROR', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'OFFSET_NOT_AVAILABLE']) {
      expect(isRetriableCode(codeOf(name))).toBe(true);
    }
    expect(isRetriableCode(KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(false);
  });

  it('a code without advice, and one newer than the table, are still reported by name or number', () => {
    expect(fetchFailure('t', 0, 1, 87).message).toBe('fetch t/0 at offset 1: INVALID_RECORD (error 87)');
    expect(describeErrorCode(9999)).toBe('unknown Kafka error code 9999');
    expect(describeErrorCode(6)).toBe('NOT_LEADER_OR_FOLLOWER (error 6)');
  });

  it("agrees with kafkajs's own table on every code both know (names Kafka has since changed aside)", () => {
    const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: Array<{ type: string; code: number }> };
    const renamed: Record<string, string> = {
      UNKNOWN: 'UNKNOWN_SERVER_ERROR',
      NOT_LEADER_FOR_PARTITION: 'NOT_LEADER_OR_FOLLOWER',
      GROUP_LOAD_IN_PROGRESS: 'COORDINATOR_LOAD_IN_PROGRESS',
      GROUP_COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
      NOT_COORDINATOR_FOR_GROUP: 'NOT_COORDINATOR',
    };
    const known = errorCodes.filter((e) => e.code !== -99);
    expect(known.length).toBeGreaterThan(85);
    for (const { type, code } of known) expect([code, KAFKA_ERROR_NAMES[code]]).toEqual([code, renamed[type] ?? type]);
  });

  it("the table matches Kafka's numbering at its landmarks", () => {
    expect([KAFKA_ERROR_NAMES[-1], KAFKA_ERROR_NAMES[1], KAFKA_ERROR_NAMES[29], KAFKA_ERROR_NAMES[58], KAFKA_ERROR_NAMES[76], KAFKA_ERROR_NAMES[100]]).toEqual([
      'UNKNOWN_SERVER_ERROR',
      'OFFSET_OUT_OF_RANGE',
      'TOPIC_AUTHORIZATION_FAILED',
      'SASL_AUTHENTICATION_FAILED',
      'UNSUPPORTED_COMPRESSION_TYPE',
      'UNKNOWN_TOPIC_ID',
    ]);
  });
});

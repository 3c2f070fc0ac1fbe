// Fault matrix, input rows: every configuration variable missing, empty, out of range and of the wrong
// type, for both functions; each problem names its variable, and none gets past validation.
import { ConfigError, loadConfig } from '../../src/config/config';
import { VARIABLES, type FunctionRole } from '../../src/config/variables';

const VALID: Record<string, string> = {
  KAFKA_BROKERS: '10.0.0.1:9092',
  KAFKA_TOPIC: 'events',
  CKAFKA_INSTANCE_ID: 'ckafka-abcd1234',
  COS_BUCKET: 'archive-1250000000',
  COS_REGION: 'ap-guangzhou',
  CONSUMER_FUNCTION_NAME: 'dump-consumer',
  TENCENTCLOUD_SECRETID: 'AKIDtest',
  TENCENTCLOUD_SECRETKEY: 'test-key',
};

/** Values each kind of variable must refuse, by the shape of its valid values. */
const BAD_VALUES: Record<string, string[]> = {
  KAFKA_BROKERS: ['no-port', 'host:', ':9092', 'a b:1'],
  KAFKA_TOPIC: ['has space', 'x'.repeat(250), 'a/b'],
  KAFKA_SASL_MECHANISM: ['gssapi', '1'],
  KAFKA_SSL: ['maybe', '2'],
  FLUSH_OPEN_WINDOW: ['sometimes'],
  FUNCTION_NAMESPACE: ['has space', 'a/b'],
  FUNCTION_QUALIFIER: ['$latest', 'v 1'],
  KAFKA_SSL_CA: ['not a certificate'],
  CKAFKA_INSTANCE_ID: ['ckafka/../x', 'a'.repeat(65)],
  CKAFKA_TOPIC_ID: ['topic id', 'a/b'],
  COS_BUCKET: ['nobucket', 'UPPER-1250000000', 'bucket-12'],
  COS_REGION: ['guangzhou', 'AP-GUANGZHOU'],
  COS_PREFIX: ['../escape/', '/absolute/', 'a//b/', 'ctl\u0001/', 'x'.repeat(201)],
  COS_STORAGE_CLASS: ['GOLD'],
  COS_ENDPOINT: ['not a url'],
  TC_SCF_ENDPOINT: ['nope'],
  TC_CKAFKA_ENDPOINT: ['nope'],
  CONSUMER_FUNCTION_NAME: ['1starts-with-digit', 'has space'],
  PARTITION_SOURCE: ['zookeeper'],
  START_POSITION: ['yesterday', '-5', '123'],
  ON_OFFSET_OUT_OF_RANGE: ['latest'],
  FORMAT: ['csv'],
  KEY_LAYOUT: ['flat'],
  PARQUET_COMPRESSION: ['lzo'],
  WINDOW_MINUTES: ['7', '45'],
  COMPRESSION: ['brotli'],
  LOG_LEVEL: ['verbose'],
};

const numeric = VARIABLES.filter((v) => v.schema.safeParse('abc').success === false && v.schema.safeParse(v.default ?? '').success && /^\d+$/.test(v.default ?? ''));

function problemsFor(env: Record<string, string>, role: FunctionRole): string[] {
  try {
    loadConfig(env, role);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('configuration input matrix', () => {
  it('accepts the valid baseline for both functions', () => {
    expect(problemsFor(VALID, 'consumer')).toEqual([]);
    expect(problemsFor(VALID, 'scheduler')).toEqual([]);
  });

  for (const role of ['consumer', 'scheduler'] as FunctionRole[]) {
    for (const variable of VARIABLES.filter((v) => v.requiredBy?.includes(role))) {
      it(`${role}: ${variable.name} missing or empty is named`, () => {
        const { [variable.name]: _gone, ...without } = VALID;
        expect(problemsFor(without, role).join('\n')).toMatch(new RegExp(`^${variable.name}.*required`, 'm'));
        expect(problemsFor({ ...VALID, [variable.name]: '   ' }, role).join('\n')).toMatch(new RegExp(`^${variable.name}.*required but empty`, 'm'));
      });
    }
  }

  for (const [name, values] of Object.entries(BAD_VALUES)) {
    it.each(values)(`${name}=%j is refused, naming the variable`, (value) => {
      const problems = problemsFor({ ...VALID, [name]: value }, 'consumer');
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    });
  }

  for (const variable of numeric) {
    it(`${variable.name} refuses a word, a fraction, and values out of its range`, () => {
      for (const value of ['many', '1.5', '-1', '99999999999999999']) {
        expect([value, problemsFor({ ...VALID, [variable.name]: value }, 'consumer').some((p) => p.startsWith(variable.name))]).toEqual([value, true]);
      }
    });
  }

  it('covers every variable with a bad value or a numeric range', () => {
    const covered = new Set([...Object.keys(BAD_VALUES), ...numeric.map((v) => v.name)]);
    const uncovered = VARIABLES.filter((v) => !covered.has(v.name)).map((v) => v.name);
    // Free text with no wrong value: the group id and the SASL username and password.
    expect(uncovered.sort()).toEqual(['KAFKA_GROUP_ID', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME']);
  });

  it('rejects secrets missing from the execution role', () => {
    const { TENCENTCLOUD_SECRETKEY: _key, ...without } = VALID;
    expect(problemsFor(without, 'consumer').join()).toMatch(/TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY: not set; bind an execution role/);
  });
});

import { ConfigError, loadConfig, unknownVariables } from '../../src/config/config';

const CREDS = { TENCENTCLOUD_SECRETID: 'AKIDtest', TENCENTCLOUD_SECRETKEY: 'secret-key-value' };
const MINIMAL = {
  ...CREDS,
  KAFKA_BROKERS: '10.0.0.1:9092,10.0.0.2:9092',
  KAFKA_TOPIC: 'events',
  CKAFKA_INSTANCE_ID: 'ckafka-abcd1234',
  COS_BUCKET: 'archive-1250000000',
  COS_REGION: 'ap-guangzhou',
};

function problems(env: Record<string, string>, role: 'consumer' | 'scheduler' = 'consumer'): string[] {
  try {
    loadConfig(env, role);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(MINIMAL, 'consumer');
    expect(config.kafka.brokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(config.kafka.topics).toEqual(['events']);
    expect(config.cos).toMatchObject({ bucket: 'archive-1250000000', region: 'ap-guangzhou', prefix: '', storageClass: 'STANDARD', partSizeBytes: 8 * 1024 * 1024, maxObjectBytes: 524288000 });
    expect(config.dump).toEqual({ format: 'lines', formatSettings: { PARQUET_COMPRESSION: 'snappy', PARQUET_ROW_GROUP_BYTES: 2 * 1024 * 1024 }, compression: 'none', windowMinutes: 5, windowGraceSeconds: 30, flushOpenWindow: false, timestampToleranceMs: 3_600_000, keyLayout: 'original', leaseTtlMs: 30_000 });
    expect(config.kafka.startPosition).toBe('earliest');
    expect(config.region).toBe('ap-guangzhou');
    expect(config.secrets).toEqual(['secret-key-value']);
  });

  it("accepts the original product's lower-case names and its full bucket address", () => {
    const config = loadConfig(
      {
        ...CREDS,
        kafka_address: '10.0.0.1:9092',
        topic_name: 'events',
        instance_id: 'ckafka-abcd1234',
        topic_id: 'topic-4dyo4uuw',
        bucket_address: 'archive-1250000000.cos.ap-shanghai.myqcloud.com',
        file_path_prefix: 'dump/',
        partition_max_to_cos_bytes: '104857600',
        offset_type: 'latest',
      },
      'consumer',
    );
    expect(config.cos).toMatchObject({ bucket: 'archive-1250000000', region: 'ap-shanghai', prefix: 'dump/', maxObjectBytes: 104857600 });
    expect(config.ckafka.topicId).toBe('topic-4dyo4uuw');
    expect(config.kafka.startPosition).toBe('latest');
  });

  it('lists every problem at once, naming each variable', () => {
    const found = problems({ KAFKA_TOPIC: 'bad topic!', WINDOW_MINUTES: '3', PART_SIZE_BYTES: 'lots', FORMAT: 'csv', KAFKA_SASL_MECHANISM: 'plain' });
    const text = found.join('\n');
    for (const name of ['KAFKA_BROKERS', 'KAFKA_TOPIC', 'CKAFKA_INSTANCE_ID', 'COS_BUCKET', 'WINDOW_MINUTES', 'PART_SIZE_BYTES', 'FORMAT', 'KAFKA_SASL_USERNAME', 'TENCENTCLOUD_SECRETID']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/WINDOW_MINUTES: must be at least 5/);
    expect(text).toMatch(/PART_SIZE_BYTES: must be a whole number/);
  });

  it('rejects values out of range and of the wrong type', () => {
    expect(problems({ ...MINIMAL, WINDOW_MINUTES: '61' }).join()).toMatch(/WINDOW_MINUTES: must be at most 60/);
    expect(problems({ ...MINIMAL, PART_SIZE_BYTES: '1000' }).join()).toMatch(/PART_SIZE_BYTES: must be at least 1048576/);
    expect(problems({ ...MINIMAL, KAFKA_SSL: 'maybe' }).join()).toMatch(/KAFKA_SSL: must be true or false/);
    expect(problems({ ...MINIMAL, START_POSITION: 'yesterday' }).join()).toMatch(/START_POSITION/);
    expect(problems({ ...MINIMAL, KAFKA_BROKERS: 'broker-without-port' }).join()).toMatch(/KAFKA_BROKERS \(or kafka_address\): each broker must be host:port/);
    expect(problems({ ...MINIMAL, COS_BUCKET: 'nobucketappid' }).join()).toMatch(/COS_BUCKET/);
    expect(problems({ ...MINIMAL, MAX_OBJECT_BYTES: String(2 * 1024 ** 4), PART_SIZE_BYTES: String(1024 ** 2) }).join()).toMatch(/MAX_OBJECT_BYTES: .* 10000 parts/);
  });

  it('rejects an empty required variable', () => {
    expect(problems({ ...MINIMAL, KAFKA_TOPIC: '  ' }).join()).toMatch(/KAFKA_TOPIC \(or topic_name\): required but empty/);
  });

  it('rejects a variable and its alias that disagree', () => {
    expect(problems({ ...MINIMAL, topic_name: 'other' }).join()).toMatch(/KAFKA_TOPIC: set to "events" but its alias topic_name says "other"/);
  });

  it('never shows the SASL password in a problem', () => {
    const text = problems({ ...MINIMAL, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: '   ' }).join();
    expect(text).toMatch(/KAFKA_SASL_PASSWORD/);
    const config = loadConfig({ ...MINIMAL, KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'ckafka-1#u', KAFKA_SASL_PASSWORD: 'hunter2-secret' }, 'consumer');
    expect(config.kafka.sasl).toEqual({ mechanism: 'plain', username: 'ckafka-1#u', password: 'hunter2-secret' });
    expect(config.secrets).toContain('hunter2-secret');
  });

  it('requires what each function needs', () => {
    expect(problems({ ...MINIMAL }, 'scheduler').join()).toMatch(/CONSUMER_FUNCTION_NAME/);
    const { COS_BUCKET: _bucket, COS_REGION: _region, ...withoutCos } = MINIMAL;
    expect(loadConfig({ ...withoutCos, CONSUMER_FUNCTION_NAME: 'dump-consumer' }, 'scheduler').scheduler.consumerFunctionName).toBe('dump-consumer');
  });

  it('refuses one topic id for several topics', () => {
    expect(problems({ ...MINIMAL, KAFKA_TOPIC: 'a,b', CKAFKA_TOPIC_ID: 'topic-1' }).join()).toMatch(/CKAFKA_TOPIC_ID/);
  });

  it('points out names that look like ours but are not', () => {
    expect(unknownVariables({ COS_BUCKETS: 'x', KAFKA_TOPIC: 'y', PATH: '/bin' })).toEqual(['COS_BUCKETS']);
  });
});

// The version table the matrix, the bench and `local kafka --version` rely on, against the poms that fetch them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaLibsDir, kafkaPom, pomKafkaVersion } from '../../src/local/kafka/jars';
import { zooKeeperBrokerJaas, zooKeeperBrokerProperties, zooKeeperProperties } from '../../src/local/kafka/server-properties';
import { KAFKA_VERSIONS, kafkaVersionSpec } from '../../src/local/kafka/versions';

describe('Kafka versions', () => {
  it('has one pom per version, fetching that version', () => {
    const folders = readdirSync(join(__dirname, '../../scripts/kafka'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(KAFKA_VERSIONS.map((v) => v.version).sort());
    for (const { version } of KAFKA_VERSIONS) expect(pomKafkaVersion(kafkaPom(version))).toBe(version);
  });

  it('names a version exactly or by a unique prefix, and refuses anything else', () => {
    expect(kafkaVersionSpec('0.10.2').version).toBe('0.10.2.2');
    expect(kafkaVersionSpec('2.4').version).toBe('2.4.1');
    expect(kafkaVersionSpec('3').version).toBe('3.9.2');
    expect(kafkaVersionSpec().version).toBe('3.9.2');
    expect(() => kafkaVersionSpec('2')).toThrow(/unknown Kafka version "2".*0\.10\.2\.2, 1\.1\.1/);
    expect(() => kafkaVersionSpec('0.10.2.')).toThrow(/unknown Kafka version/);
  });

  it('says zstd needs 2.1 and transactions 0.11', () => {
    const has = (v: string) => kafkaVersionSpec(v);
    expect(KAFKA_VERSIONS.filter((v) => v.codecs.includes('zstd')).map((v) => v.version)).toEqual(['2.4.1', '2.8.1', '3.9.2']);
    expect(KAFKA_VERSIONS.filter((v) => v.transactions).map((v) => v.version)).toEqual(['1.1.1', '2.4.1', '2.8.1', '3.9.2']);
    expect(has('0.10.2').messageFormats).toEqual([0, 1]);
    expect(has('3.9').mode).toBe('kraft');
  });

  it('writes a ZooKeeper-mode broker configuration with every listener on loopback and SASL users in JAAS', () => {
    const text = zooKeeperBrokerProperties({ port: 1, saslPort: 2, zookeeperPort: 3, saslUsers: { u: 'p' }, ssl: { port: 4, keystore: '/k.p12', password: 'pw' }, logDir: '/d' });
    expect(/^listeners=(.*)$/m.exec(text)?.[1]?.split(',')).toEqual(['PLAINTEXT://127.0.0.1:1', 'SASL_PLAINTEXT://127.0.0.1:2', 'SSL://127.0.0.1:4']);
    expect(text).toContain('zookeeper.connect=127.0.0.1:3\n');
    expect(text).toContain('ssl.keystore.location=/k.p12\n');
    expect(text).not.toMatch(/process\.roles|jaas/);
    expect(zooKeeperBrokerJaas({ u: 'p' })).toContain('KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required user_u="p";\n};');
    expect(zooKeeperProperties({ port: 5, dataDir: '/z' })).toBe('dataDir=/z\nclientPort=5\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\ntickTime=2000\nadmin.enableServer=false\n');
  });

  it('`local kafka --version` takes a CKafka version name and refuses an unknown one, naming the versions it runs', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(__dirname, '../../bin/ckafka-cos.js'), 'local', 'kafka', ...args], { encoding: 'utf8' });
    const fetched = cli('--fetch-only', '--version', '2.4');
    expect(fetched.status).toBe(0);
    expect(fetched.stdout.split('\n')[0]).toBe(kafkaLibsDir('2.4.1'));
    const unknown = cli('--version', '0.9');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('unknown Kafka version "0.9": the local stack runs 0.10.2.2, 1.1.1, 2.4.1, 2.8.1, 3.9.2');
  });
});

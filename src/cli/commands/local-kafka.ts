// `ckafka-cos local kafka`: a real Apache Kafka broker on loopback, in the foreground until interrupted.
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBroker } from '../../local/kafka/broker';
import { ensureKafkaJars } from '../../local/kafka/jars';
import { ensureKcat } from '../../local/kafka/kcat';
import { DEFAULT_KAFKA_VERSION, KAFKA_VERSIONS, kafkaVersionSpec } from '../../local/kafka/versions';
import { waitForSignal } from '../signals';

const HELP = `usage: ckafka-cos local kafka [--version V] [--port P] [--dir D] [--fetch-only]
  --version V     Apache Kafka version (default ${DEFAULT_KAFKA_VERSION}): ${KAFKA_VERSIONS.map((v) => `${v.version} (${v.mode === 'kraft' ? 'KRaft' : 'ZooKeeper'})`).join(', ')};
                  a unique prefix names one too (0.10.2, 1.1, 2.4, 2.8, 3)
  --port P        PLAINTEXT listener port (default: a free port)
  --dir D         data folder (default: a new temporary folder)
  --fetch-only    download that version from Maven Central into the cache ("--version all": every version),
                  install kcat (the tests' and the bench's reference client) if it is missing, and exit`;

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0 && n < 65536)) throw new Error(`--${name} must be a TCP port, got "${value}"`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { version: { type: 'string' }, port: { type: 'string' }, dir: { type: 'string' }, 'fetch-only': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const log = (line: string) => console.error(line);
  if (values['fetch-only']) {
    const versions = values.version === 'all' ? KAFKA_VERSIONS.map((v) => v.version) : [kafkaVersionSpec(values.version).version];
    for (const version of versions) console.log(await ensureKafkaJars(log, version));
    console.log(ensureKcat(log));
    return 0;
  }
  const spec = kafkaVersionSpec(values.version);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ckafka-cos-kafka-'));
  const broker = await KafkaBroker.start({ dir, version: spec.version, port: port('port', values.port), log });
  console.log(JSON.stringify({ version: broker.version, mode: spec.mode, bootstrap: broker.bootstrap, saslBootstrap: broker.saslBootstrap, sslBootstrap: broker.sslBootstrap, zookeeper: broker.zookeeperConnect, dir, log: broker.logFile }));
  await waitForSignal();
  await broker.stop();
  return 0;
}

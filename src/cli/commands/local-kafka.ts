// `ckafka-cos local kafka`: a real Apache Kafka broker on loopback, in the foreground until interrupted.
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBroker } from '../../local/kafka/broker';
import { ensureKafkaJars } from '../../local/kafka/jars';
import { waitForSignal } from '../signals';

const HELP = `usage: ckafka-cos local kafka [--port P] [--dir D] [--fetch-only]
  --port P        PLAINTEXT listener port (default: a free port)
  --dir D         data folder (default: a new temporary folder)
  --fetch-only    download Apache Kafka from Maven Central into the cache and exit`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, dir: { type: 'string' }, 'fetch-only': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const log = (line: string) => console.error(line);
  if (values['fetch-only']) {
    console.log(await ensureKafkaJars(log));
    return 0;
  }
  const port = values.port ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port must be a TCP port, got "${values.port}"`);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ckafka-cos-kafka-'));
  const broker = await KafkaBroker.start({ dir, port, log });
  console.log(JSON.stringify({ bootstrap: broker.bootstrap, saslBootstrap: broker.saslBootstrap, dir, log: broker.logFile }));
  await waitForSignal();
  await broker.stop();
  return 0;
}

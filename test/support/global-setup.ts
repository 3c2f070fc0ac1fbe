// One real Kafka broker serves the whole test run; each test file uses its own topics.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KafkaBroker } from '../../src/local/kafka/broker';

declare global {
  var __KAFKA_BROKER__: KafkaBroker | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Process-level tests run the built SCF bundles, as SCF would.
  const bundle = resolve(__dirname, '../../dist/functions/consumer/index.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-test-kafka-'));
  // No skip path: without Java or Maven this throws, and the whole run fails saying which one is missing.
  const broker = await KafkaBroker.start({ dir, log: (line) => process.stderr.write(`\n[kafka] ${line}\n`) });
  globalThis.__KAFKA_BROKER__ = broker;
  process.env.TEST_KAFKA_BROKERS = broker.bootstrap;
  process.env.TEST_KAFKA_SASL_BROKERS = broker.saslBootstrap;
  process.env.TEST_KAFKA_SSL_BROKERS = broker.sslBootstrap;
  process.env.TEST_KAFKA_SSL_CA = broker.sslCertificate;
  process.env.TEST_KAFKA_DIR = dir;
}

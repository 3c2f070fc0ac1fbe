import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__KAFKA_BROKER__?.stop();
  if (process.env.TEST_KAFKA_DIR) rmSync(process.env.TEST_KAFKA_DIR, { recursive: true, force: true });
}

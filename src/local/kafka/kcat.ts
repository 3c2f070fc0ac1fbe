// kcat (librdkafka's command-line client), the reference producer and consumer of the tests and the bench.
import { ensureDebianTool } from '../debian-tools';

export function ensureKcat(log: (line: string) => void = () => {}): string {
  return ensureDebianTool(['kcat', 'kafkacat'], 'kcat', 'as a reference producer and consumer', log);
}

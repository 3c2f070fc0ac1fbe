import { JsonlFormat } from './jsonl';
import { LinesFormat } from './lines';
import type { RecordFormat } from './format';

export type { ByteSink, FormatCounts, RecordFormat } from './format';
export { SKIPPED } from './format';
export { BufferSink } from './buffer-sink';

export function createFormat(name: 'lines' | 'jsonl', partition: number): RecordFormat {
  return name === 'lines' ? new LinesFormat() : new JsonlFormat(partition);
}

export type { ByteSink, FormatSettings, FormatSpec, FormatTally, RecordFormat } from './format';
export { SKIPPED } from './format';
export { BufferSink } from './buffer-sink';
export { FORMAT_NAMES, FORMATS, type FormatName } from './registry';

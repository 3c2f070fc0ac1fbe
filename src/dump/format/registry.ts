// Every output format, by the name FORMAT takes. Adding a format: its folder, one line here, the docs.
import type { FormatSpec } from './format';
import { JsonlFormat } from './jsonl';
import { LinesFormat } from './lines';
import { PARQUET_FORMAT } from './parquet/format';

const DECLARED = {
  lines: { description: 'each value then `\\n`', extension: '.txt', contentType: 'text/plain; charset=utf-8', memoryMiB: () => 0, objectCompression: true, create: () => new LinesFormat() },
  jsonl: {
    description: 'one JSON object per record with key, headers and metadata',
    extension: '.jsonl',
    contentType: 'application/x-ndjson',
    memoryMiB: () => 0,
    objectCompression: true,
    create: (partition) => new JsonlFormat(partition),
  },
  parquet: PARQUET_FORMAT,
} satisfies Record<string, FormatSpec>;

export type FormatName = keyof typeof DECLARED;

export const FORMATS: Record<FormatName, FormatSpec> = DECLARED;

export const FORMAT_NAMES = Object.keys(FORMATS) as [FormatName, ...FormatName[]];

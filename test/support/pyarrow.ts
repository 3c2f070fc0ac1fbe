// pyarrow, Arrow's C++ Parquet reader, as a second reader independent of DuckDB and of our writer.
import type { ReadRow } from './parquet-rows';
import { runPython, venvPython } from './python-venv';

const run = (args: string[], input?: string) => runPython(venvPython('pyarrow-venv', 'pyarrow==26.0.1'), 'parquet_reader.py', args, { input });

/** Every row of a Parquet file as pyarrow reads it. */
export function pyarrowRows(file: string): ReadRow[] {
  return run(['rows', file])
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ReadRow);
}

export interface PyarrowColumnChunk {
  path: string;
  compression: string;
  dataPageOffset: number;
  compressedBytes: number;
  numValues: number;
  min: number | null;
  max: number | null;
  nullCount: number | null;
}

export interface PyarrowMetadata {
  numRows: number;
  createdBy: string;
  formatVersion: string;
  schema: string;
  rowGroups: Array<{ numRows: number; columns: PyarrowColumnChunk[] }>;
}

export function pyarrowMetadata(file: string): PyarrowMetadata {
  return JSON.parse(run(['meta', file])) as PyarrowMetadata;
}

/** Decompresses each input with Arrow's own codec (`snappy`, `gzip`, `zstd`). */
export function pyarrowDecompress(codec: string, inputs: Array<{ data: Buffer; size: number }>): Buffer[] {
  const input = inputs.map((i) => JSON.stringify({ data: i.data.toString('base64'), size: i.size })).join('\n');
  // One line per input; an empty output is an empty line.
  const lines = run(['decompress', codec], `${input}\n`).split('\n');
  if (lines.length !== inputs.length + 1 || lines.at(-1) !== '') throw new Error(`pyarrow decompress: ${lines.length - 1} outputs for ${inputs.length} inputs`);
  return lines.slice(0, -1).map((line) => Buffer.from(line, 'base64'));
}

// FORMAT=parquet as the format registry takes it: the record-format contract over ParquetObjectWriter,
// and the format's own variables. (Registering it in registry.ts makes FORMAT=parquet available.)
import * as z from '../../../util/zod';
import { integer, MiB, withDefault, type Variable } from '../../../config/variable';
import type { KafkaRecord } from '../../../kafka/record-batch';
import type { ByteSink, FormatSettings, FormatSpec, FormatTally, RecordFormat } from '../format';
import { loadZstd } from '../../../kafka/codecs/zstd';
import { PARQUET_COMPRESSIONS, type ParquetCompression } from './codec';
import { DEFAULT_ROW_GROUP_BYTES, ParquetObjectWriter } from './writer';


const MAX_ROW_GROUP_BYTES = 64 * MiB;

const VARIABLES: readonly Variable[] = [
  {
    name: 'PARQUET_COMPRESSION',
    schema: withDefault(z.enum(PARQUET_COMPRESSIONS, `must be ${PARQUET_COMPRESSIONS.join(', ')}`), 'snappy'),
    description: 'FORMAT=parquet: compression of each data page (`snappy` and `gzip` are what COS Select reads).',
    default: 'snappy',
  },
  {
    name: 'PARQUET_ROW_GROUP_BYTES',
    schema: withDefault(integer(64 * 1024, MAX_ROW_GROUP_BYTES), String(DEFAULT_ROW_GROUP_BYTES)),
    description: 'FORMAT=parquet: stored bytes of a row group, which the consumer holds until it goes up; at most PART_SIZE_BYTES.',
    default: String(DEFAULT_ROW_GROUP_BYTES),
  },
];

interface ParquetSettings {
  compression: ParquetCompression;
  rowGroupBytes: number;
}

function parquetSettings(settings: FormatSettings): ParquetSettings {
  return {
    compression: (settings.PARQUET_COMPRESSION as ParquetCompression | undefined) ?? 'snappy',
    rowGroupBytes: (settings.PARQUET_ROW_GROUP_BYTES as number | undefined) ?? DEFAULT_ROW_GROUP_BYTES,
  };
}

/** One object after another through one writer (its buffers are reused). */
export class ParquetFormat implements RecordFormat {
  private readonly writer: ParquetObjectWriter;

  constructor(partition: number, settings: ParquetSettings) {
    this.writer = new ParquetObjectWriter({ partition, ...settings });
  }

  measure(record: KafkaRecord): number {
    return this.writer.rowBound(record);
  }

  emitBound(record: KafkaRecord): number {
    return this.writer.emitBound(record);
  }

  get pendingBound(): number {
    return this.writer.pendingBound;
  }

  write(record: KafkaRecord, sink: ByteSink, tally: FormatTally): void {
    const counts = this.writer.counts;
    const tombstones = counts.tombstones;
    const invalidUtf8 = counts.invalidUtf8;
    this.writer.add(record, sink);
    tally.tombstones += counts.tombstones - tombstones;
    tally.invalidUtf8 += counts.invalidUtf8 - invalidUtf8;
  }

  finish(sink: ByteSink): void {
    this.writer.finish(sink);
  }

  reset(): void {
    this.writer.reset();
  }
}

export const PARQUET_FORMAT: FormatSpec = {
  description: 'one Parquet file per object: partition, offset, timestamp, key/key_bytes, value/value_bytes, headers (see "Query the archive")',
  extension: '.parquet',
  contentType: 'application/vnd.apache.parquet',
  // The row group being gathered, and the open pages of its nine columns (about 1 MiB each for the
  // value columns, less for the others).
  memoryMiB: (settings) => Math.ceil(parquetSettings(settings).rowGroupBytes / MiB) + 3,
  objectCompression: false,
  variables: VARIABLES,
  check(settings, partSizeBytes) {
    const { rowGroupBytes } = parquetSettings(settings);
    return rowGroupBytes > partSizeBytes
      ? [`PARQUET_ROW_GROUP_BYTES: ${rowGroupBytes} is more than PART_SIZE_BYTES ${partSizeBytes}; a row group going up would hold more than one part buffer at once`]
      : [];
  },
  // zstd compresses in the WebAssembly module the consumer also decodes with: loaded once, before the first page.
  prepare: async (settings) => {
    if (parquetSettings(settings).compression === 'zstd') await loadZstd();
  },
  create: (partition, settings) => new ParquetFormat(partition, parquetSettings(settings)),
};

// The Parquet format: one streamed Parquet file per data object (see writer.ts).
export { ParquetObjectWriter, DEFAULT_ROW_GROUP_BYTES, type ParquetWriterOptions, type ByteSink } from './writer';
export { PARQUET_COMPRESSIONS, type ParquetCompression } from './codec';
export { PARQUET_FORMAT, ParquetFormat } from './format';

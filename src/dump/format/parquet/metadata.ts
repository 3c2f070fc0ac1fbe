// Page headers and the footer (FileMetaData), and upper bounds of their sizes: rotation must bound the
// stored object while the footer is still to be written.
import { COLUMNS, Col, PhysicalType, writeSchema } from './schema';
import { ThriftWriter } from './thrift';

export const MAGIC = Buffer.from('PAR1', 'latin1');
const CREATED_BY = 'ckafka-to-cos';
const DATA_PAGE = 0;
const enum Encoding {
  Plain = 0,
  Rle = 3,
}

/** What the footer says about one column chunk. */
export interface ChunkMeta {
  dataPageOffset: number;
  /** Level entries (values and nulls, and one per empty list). */
  numValues: number;
  uncompressedBytes: number;
  compressedBytes: number;
  nullCount: number;
  /** Integer columns: the smallest and largest non-null value; undefined when none. */
  min?: number;
  max?: number;
}

export interface RowGroupMeta {
  numRows: number;
  fileOffset: number;
  columns: ChunkMeta[];
  sortedByOffset: boolean;
}

export interface PageHeader {
  uncompressedBytes: number;
  compressedBytes: number;
  numValues: number;
}

export function writePageHeader(w: ThriftWriter, page: PageHeader): void {
  w.begin().i32(1, DATA_PAGE).i32(2, page.uncompressedBytes).i32(3, page.compressedBytes);
  w.struct(5).i32(1, page.numValues).i32(2, Encoding.Plain).i32(3, Encoding.Rle).i32(4, Encoding.Rle).end();
  w.end();
}

/** Integer statistics as Parquet stores them: the plain little-endian bytes of the value. */
function statBytes(type: PhysicalType, value: number): Buffer {
  const bytes = Buffer.alloc(type === PhysicalType.Int32 ? 4 : 8);
  if (type === PhysicalType.Int32) bytes.writeInt32LE(value);
  else bytes.writeBigInt64LE(BigInt(value));
  return bytes;
}

function writeColumnChunk(w: ThriftWriter, index: number, chunk: ChunkMeta, codec: number): void {
  const column = COLUMNS[index]!;
  w.i64(2, chunk.dataPageOffset);
  w.struct(3);
  w.i32(1, column.type);
  w.i32List(2, column.maxDefinition + column.maxRepetition > 0 ? [Encoding.Plain, Encoding.Rle] : [Encoding.Plain]);
  w.binaryList(3, column.path);
  w.i32(4, codec);
  w.i64(5, chunk.numValues);
  w.i64(6, chunk.uncompressedBytes);
  w.i64(7, chunk.compressedBytes);
  w.i64(9, chunk.dataPageOffset);
  w.struct(12);
  if (chunk.min !== undefined && chunk.max !== undefined) {
    // The legacy min/max (fields 1, 2) agree with min_value/max_value for signed integers; old readers use them.
    const max = statBytes(column.type, chunk.max);
    const min = statBytes(column.type, chunk.min);
    w.binary(1, max).binary(2, min).i64(3, chunk.nullCount).binary(5, max).binary(6, min);
  } else {
    w.i64(3, chunk.nullCount);
  }
  w.end();
  w.end();
}

function writeRowGroup(w: ThriftWriter, group: RowGroupMeta, codec: number): void {
  let uncompressed = 0;
  let compressed = 0;
  for (const chunk of group.columns) {
    uncompressed += chunk.uncompressedBytes;
    compressed += chunk.compressedBytes;
  }
  w.structList(1, group.columns, (chunk, index) => writeColumnChunk(w, index, chunk, codec));
  w.i64(2, uncompressed);
  w.i64(3, group.numRows);
  // Rows in offset order (as a dump writes them) say so: engines may use it to skip a sort.
  if (group.sortedByOffset) w.structList(4, [Col.Offset], (column) => w.i32(1, column).bool(2, false).bool(3, false));
  w.i64(5, group.fileOffset);
  w.i64(6, compressed);
}

/** The serialized FileMetaData (without its length and the closing magic). */
export function writeFileMetaData(w: ThriftWriter, groups: readonly RowGroupMeta[], codec: number): void {
  let rows = 0;
  for (const group of groups) rows += group.numRows;
  w.begin();
  w.i32(1, 1);
  writeSchema(w, 2);
  w.i64(3, rows);
  w.structList(4, groups, (group) => writeRowGroup(w, group, codec));
  w.binary(6, CREATED_BY);
  // TypeDefinedOrder for every column: without column_orders, readers do not trust min_value/max_value.
  w.structList(7, COLUMNS, () => w.empty(1));
  w.end();
}

// Bounds, measured once on the worst case: every integer as long as it can be and statistics present on
// every integer column (statistics take 4 or 8 bytes whatever the value). The zigzag varint of an i64
// takes 8 bytes from 2^48 up to 2^53 (every safe integer); 2^48 leaves room to add up a row group's
// column sizes and the worst groups' row counts.
const LARGEST = 2 ** 48;
const WORST_CHUNK: ChunkMeta = { dataPageOffset: LARGEST, numValues: LARGEST, uncompressedBytes: LARGEST, compressedBytes: LARGEST, nullCount: LARGEST, min: -1, max: 1 };
const worstGroup = (): RowGroupMeta => ({ numRows: LARGEST, fileOffset: LARGEST, columns: COLUMNS.map(() => WORST_CHUNK), sortedByOffset: true });

function footerLength(groups: RowGroupMeta[]): number {
  const w = new ThriftWriter();
  writeFileMetaData(w, groups, 6);
  return w.length;
}

interface Bounds {
  /**
   * Footer bytes for no row group: metadata, its 4-byte length and the closing magic, and 8 bytes for
   * num_rows, whose varint is 1 byte with no rows and at most 8 with any safe integer.
   */
  footerBase: number;
  /**
   * Footer bytes each row group adds, at most. The list header grows by a varint byte past 14 and again
   * past 2^11 groups (the list size is a varint): one byte per group covers both.
   */
  rowGroupMeta: number;
  /** Page header bytes, at most (every i32 at 5 varint bytes). */
  pageHeader: number;
}

let measured: Bounds | undefined;

// Measured on first use, not when the bundle loads: every consumer loads this module and few write
// parquet; encoding the worst-case footers took 3-7 ms of CPU profiles of the bundle's load.
function bounds(): Bounds {
  if (measured) return measured;
  const page = new ThriftWriter();
  writePageHeader(page, { uncompressedBytes: 2 ** 31 - 1, compressedBytes: 2 ** 31 - 1, numValues: 2 ** 31 - 1 });
  measured = {
    footerBase: footerLength([]) + 8 + 4 + MAGIC.length,
    rowGroupMeta: footerLength([worstGroup(), worstGroup()]) - footerLength([worstGroup()]) + 1,
    pageHeader: page.length,
  };
  return measured;
}

export function rowGroupMetaBound(): number {
  return bounds().rowGroupMeta;
}

export function footerBound(rowGroups: number): number {
  const b = bounds();
  return b.footerBase + rowGroups * b.rowGroupMeta;
}

export function pageHeaderBound(): number {
  return bounds().pageHeader;
}

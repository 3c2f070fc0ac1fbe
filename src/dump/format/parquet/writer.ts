// One Parquet file, streamed: rows are gathered into a row group (compressed page by page as they come),
// each full row group goes to the sink, and finish() writes the footer. What the writer holds is one row
// group of at most `rowGroupBytes` stored bytes, whatever the file's size.
import { isUtf8 } from 'node:buffer';
import type { KafkaRecord } from '../../../kafka/record-batch';
import type { FormatTally } from '../format';
import { pageCodec, type PageCodec, type ParquetCompression } from './codec';
import { write32 } from './bytes';
import { Arena, ColumnBuffer, PAGE_BYTES } from './column';
import { footerBound, MAGIC, rowGroupMetaBound, writeFileMetaData, type RowGroupMeta } from './metadata';
import { COLUMNS, Col } from './schema';
import { ThriftWriter } from './thrift';

export interface ByteSink {
  append(bytes: Buffer): void;
}

export interface ParquetWriterOptions {
  /** The Kafka partition of every row (one object holds one partition). */
  partition: number;
  /**
   * Stored bytes (compressed, page headers included) a row group may hold before it goes to the sink:
   * also what the writer holds in memory. A single row larger than this gets a row group of its own.
   */
  rowGroupBytes: number;
  compression: ParquetCompression;
  /** Raw bytes per data page (1 MiB by default; at most a quarter of rowGroupBytes). */
  pageBytes?: number;
}

/**
 * 2 MiB stored (about 12 MiB of JSON-like values with snappy): what the writer holds on top of the
 * upload parts is this plus its open pages, and a row group smaller than a part seals at most one part
 * when it goes out. With 4 MiB a 2 GiB backlog of poorly compressible records peaked at 126-128 MiB, at
 * the 128 MB function's limit; with 2 MiB at 122, for 1% more bytes stored and the same speed (bench).
 */
export const DEFAULT_ROW_GROUP_BYTES = 2 * 1024 * 1024;

const INT32_MAX = 2 ** 31 - 1;
const TWO_32 = 2 ** 32;

/** Definition levels of the flat optional columns. */
const NULL = 0;
const PRESENT = 1;
/** Levels of the headers columns: an empty list, an element with a null value, one with a value. */
const EMPTY_LIST = 1;
const ELEMENT = 2;
const ELEMENT_VALUE = 3;

/** Why a row went where it went: measured once by rowBound(), reused by add() for the same record. */
interface Measured {
  record: KafkaRecord | undefined;
  offset: number;
  keyText: boolean;
  valueText: boolean;
  bound: number;
}

export class ParquetObjectWriter {
  readonly counts: FormatTally = { tombstones: 0, invalidUtf8: 0 };
  private readonly codec: PageCodec;
  private readonly columns: ColumnBuffer[];
  private readonly arena: Arena;
  private readonly header = new ThriftWriter(64);
  private readonly groups: RowGroupMeta[] = [];
  private readonly rowGroupBytes: number;
  private readonly partition: number;
  /** Bytes every row may add beyond its data: a page per column and a row group in the footer. */
  private readonly rowOverhead: number;
  private readonly measured: Measured = { record: undefined, offset: -1, keyText: false, valueText: false, bound: 0 };
  private rows = 0;
  private lastOffset = -Infinity;
  private sorted = true;
  private emitted = 0;
  private finished = false;

  constructor(options: ParquetWriterOptions) {
    if (!Number.isInteger(options.partition) || options.partition < 0 || options.partition > INT32_MAX) {
      throw new RangeError(`parquet: partition must be an integer from 0 to ${INT32_MAX}, got ${options.partition}`);
    }
    if (!Number.isSafeInteger(options.rowGroupBytes) || options.rowGroupBytes < 64 * 1024) {
      throw new RangeError(`parquet: rowGroupBytes must be an integer of at least 65536, got ${options.rowGroupBytes}`);
    }
    this.codec = pageCodec(options.compression);
    this.partition = options.partition;
    this.rowGroupBytes = options.rowGroupBytes;
    this.arena = new Arena(options.rowGroupBytes);
    const pageBytes = Math.min(options.pageBytes ?? PAGE_BYTES, Math.floor(options.rowGroupBytes / 4));
    this.columns = COLUMNS.map((column) => new ColumnBuffer(column, pageBytes));
    this.rowOverhead = rowGroupMetaBound() + COLUMNS.length * ColumnBuffer.pageOverhead(this.codec);
  }

  /** Bytes given to sinks so far. */
  get bytesEmitted(): number {
    return this.emitted;
  }

  /** Upper bound of the bytes the buffered rows will take once their row group goes out. */
  get bufferedBound(): number {
    let bound = this.arena.pos;
    for (const column of this.columns) bound += column.openBound(this.codec);
    return bound;
  }

  /** Upper bound of what finish() will still emit: the magic if not yet out, the buffered rows, the footer. */
  get pendingBound(): number {
    return (this.emitted === 0 ? MAGIC.length : 0) + this.bufferedBound + footerBound(this.groups.length + (this.rows > 0 ? 1 : 0));
  }

  /**
   * Upper bound of the bytes `record` adds to the stored file: after add(record), bytesEmitted +
   * pendingBound grows by at most this much. Compression and footer included.
   */
  rowBound(record: KafkaRecord): number {
    const m = this.measured;
    if (m.record === record && m.offset === record.offset) return m.bound;
    const growth = this.codec.growth;
    const key = record.key;
    const value = record.value;
    m.keyText = key !== null && isUtf8(key);
    m.valueText = value !== null && isUtf8(value);
    // Raw bytes per column: 1 per level entry and stream (levelsBound), 4 + length per byte array.
    let bound = this.rowOverhead + growth(4) + growth(8) + growth(record.timestamp === -1 ? 1 : 9);
    bound += key === null ? 2 * growth(1) : growth(5 + key.length) + growth(1);
    bound += value === null ? 2 * growth(1) : growth(5 + value.length) + growth(1);
    if (record.headers.length === 0) bound += 2 * growth(2);
    else {
      let keys = 0;
      let values = 0;
      for (const h of record.headers) {
        keys += 6 + Buffer.byteLength(h.key, 'utf8');
        values += 2 + (h.value === null ? 0 : 4 + h.value.length);
      }
      bound += growth(keys) + growth(values);
    }
    m.record = record;
    m.offset = record.offset;
    m.bound = bound;
    return bound;
  }

  /** Bytes add(record, sink) would give the sink now: the row group, when this row does not fit in it. */
  emitBound(record: KafkaRecord): number {
    return this.startsRowGroup(record) ? (this.emitted === 0 ? MAGIC.length : 0) + this.bufferedBound : 0;
  }

  private startsRowGroup(record: KafkaRecord): boolean {
    return this.rows > 0 && this.bufferedBound + this.rowBound(record) > this.rowGroupBytes;
  }

  /**
   * Adds a record as a row. Its buffers are copied: the caller may reuse the record and its buffers once
   * this returns. If the row would not fit in the row group, the row group goes to `sink` first.
   */
  add(record: KafkaRecord, sink: ByteSink): void {
    if (this.finished) throw new Error('parquet: add() after finish() (reset() starts a new file)');
    if (!Number.isSafeInteger(record.offset) || record.offset < 0) throw new RangeError(`parquet: offset ${record.offset} is not a non-negative safe integer`);
    if (!Number.isSafeInteger(record.timestamp)) throw new RangeError(`parquet: offset ${record.offset}: timestamp ${record.timestamp} is not an integer`);
    if (this.startsRowGroup(record)) this.flushRowGroup(sink);
    const m = this.measured;
    if (m.record !== record || m.offset !== record.offset) this.rowBound(record);
    const c = this.columns;

    const partition = c[Col.Partition]!;
    this.minMax(partition, this.partition);
    this.int32(partition, this.partition);
    partition.entry();

    const offset = c[Col.Offset]!;
    this.minMax(offset, record.offset);
    this.int64(offset, record.offset);
    offset.entry();
    if (record.offset <= this.lastOffset) this.sorted = false;
    this.lastOffset = record.offset;

    const timestamp = c[Col.Timestamp]!;
    if (record.timestamp === -1) this.nullEntry(timestamp);
    else {
      this.minMax(timestamp, record.timestamp);
      this.int64(timestamp, record.timestamp);
      timestamp.level(PRESENT, 0);
    }

    this.textOrBytes(record.key, m.keyText, c[Col.Key]!, c[Col.KeyBytes]!);
    this.textOrBytes(record.value, m.valueText, c[Col.Value]!, c[Col.ValueBytes]!);
    if (record.value === null) this.counts.tombstones++;
    if (record.key !== null && !m.keyText) this.counts.invalidUtf8++;
    if (record.value !== null && !m.valueText) this.counts.invalidUtf8++;

    this.headers(record);
    this.rows++;
    m.record = undefined;
    for (const column of c) if (column.pageFull) column.closePage(this.arena, this.codec, this.header);
  }

  private minMax(column: ColumnBuffer, n: number): void {
    if (!column.hasMinMax) {
      column.min = column.max = n;
      column.hasMinMax = true;
    } else if (n < column.min) column.min = n;
    else if (n > column.max) column.max = n;
  }

  private nullEntry(column: ColumnBuffer): void {
    column.level(NULL, 0);
    column.nulls++;
  }

  /** An INT32 (the partition, checked in the constructor). */
  private int32(column: ColumnBuffer, n: number): void {
    column.reserve(4);
    write32(column.values, column.pos, n);
    column.pos += 4;
  }

  /** A safe integer as INT64 (two's complement, little-endian) without a BigInt. */
  private int64(column: ColumnBuffer, n: number): void {
    column.reserve(8);
    const high = Math.floor(n / TWO_32);
    const low = n - high * TWO_32;
    write32(column.values, column.pos, low);
    write32(column.values, column.pos + 4, high);
    column.pos += 8;
  }

  /** A present BYTE_ARRAY value: its length, its bytes, and its definition level. */
  private byteArray(column: ColumnBuffer, bytes: Buffer, definition = PRESENT, repetition = 0): void {
    column.reserve(4 + bytes.length);
    write32(column.values, column.pos, bytes.length);
    column.values.set(bytes, column.pos + 4);
    column.pos += 4 + bytes.length;
    column.level(definition, repetition);
  }

  /** Valid UTF-8 goes to the STRING column, anything else whole to the BINARY one; null stays null in both. */
  private textOrBytes(bytes: Buffer | null, text: boolean, textColumn: ColumnBuffer, bytesColumn: ColumnBuffer): void {
    if (bytes === null) {
      this.nullEntry(textColumn);
      this.nullEntry(bytesColumn);
    } else if (text) {
      this.byteArray(textColumn, bytes);
      this.nullEntry(bytesColumn);
    } else {
      this.nullEntry(textColumn);
      this.byteArray(bytesColumn, bytes);
    }
  }

  private headers(record: KafkaRecord): void {
    const keys = this.columns[Col.HeaderKey]!;
    const values = this.columns[Col.HeaderValue]!;
    if (record.headers.length === 0) {
      keys.level(EMPTY_LIST, 0);
      values.level(EMPTY_LIST, 0);
      keys.nulls++;
      values.nulls++;
      return;
    }
    let repetition = 0;
    for (const h of record.headers) {
      keys.reserve(4 + 3 * h.key.length);
      const length = keys.values.write(h.key, keys.pos + 4, 'utf8');
      keys.values.writeUInt32LE(length, keys.pos);
      keys.pos += 4 + length;
      keys.level(ELEMENT, repetition);
      if (h.value === null) {
        values.level(ELEMENT, repetition);
        values.nulls++;
      } else {
        this.byteArray(values, h.value, ELEMENT_VALUE, repetition);
        if (!isUtf8(h.value)) this.counts.invalidUtf8++;
      }
      repetition = 1;
    }
  }

  private emit(sink: ByteSink, bytes: Buffer): void {
    sink.append(bytes);
    this.emitted += bytes.length;
  }

  /** Sends the buffered rows to `sink` as one row group (nothing when none are buffered). */
  flushRowGroup(sink: ByteSink): void {
    if (this.rows === 0) return;
    if (this.emitted === 0) this.emit(sink, MAGIC);
    for (const column of this.columns) column.closePage(this.arena, this.codec, this.header);
    const counting = { append: (bytes: Buffer) => this.emit(sink, bytes) };
    const fileOffset = this.emitted;
    const chunks = this.columns.map((column) => column.emit(this.arena, this.emitted, counting));
    this.groups.push({ numRows: this.rows, fileOffset, columns: chunks, sortedByOffset: this.sorted });
    this.arena.clear();
    this.rows = 0;
    this.sorted = true;
    this.lastOffset = -Infinity;
  }

  /**
   * Starts a new file with this writer's buffers (a dump writes one object after another: reusing them
   * spares a row group's worth of garbage per object). Rows of an unfinished file are dropped.
   */
  reset(): void {
    for (const column of this.columns) column.discard();
    this.arena.clear();
    this.groups.length = 0;
    this.rows = 0;
    this.sorted = true;
    this.lastOffset = -Infinity;
    this.emitted = 0;
    this.finished = false;
    this.counts.tombstones = 0;
    this.counts.invalidUtf8 = 0;
    this.measured.record = undefined;
  }

  /** Writes the last row group and the footer; returns the file's size. */
  finish(sink: ByteSink): number {
    if (this.finished) throw new Error('parquet: finish() called twice');
    this.flushRowGroup(sink);
    if (this.emitted === 0) this.emit(sink, MAGIC);
    const footer = new ThriftWriter(4096 + this.groups.length * 1024);
    writeFileMetaData(footer, this.groups, this.codec.parquetCodec);
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32LE(footer.length);
    this.emit(sink, footer.bytes());
    this.emit(sink, tail);
    this.emit(sink, MAGIC);
    this.finished = true;
    return this.emitted;
  }
}

// One leaf column of the row group being gathered. Values are copied into the page being filled; when a
// page is full it is encoded (levels, then values, as a V1 data page) and compressed at once into the row
// group's arena, so what a row group holds is mostly compressed bytes. The page buffer keeps room for the
// encoded levels in front of the values, so that levels and values reach the compressor as one buffer
// without copying the values again.
import type { PageCodec } from './codec';
import { bitWidth, levelsBound, writeLevels } from './levels';
import { pageHeaderBound, writePageHeader, type ChunkMeta } from './metadata';
import type { LeafColumn } from './schema';
import type { ThriftWriter } from './thrift';

/** A page closes once its values pass this size (by default)... */
export const PAGE_BYTES = 1024 * 1024;
/** ...or it holds this many level entries (parquet-mr's default page row limit). */
export const PAGE_MAX_ENTRIES = 20_000;
/** Room for the encoded levels of a full page (two streams); more levels (a row with many headers) take a copy. */
const LEVELS_ROOM = 2 * levelsBound(PAGE_MAX_ENTRIES + 64);
const INITIAL_VALUES = 64 * 1024;

/** The compressed bytes of the row group's pages, in the order they were finished. */
export class Arena {
  buffer: Buffer;
  pos = 0;

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes; only a row larger than the row group can make it grow. */
  reserve(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + n));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  /** Empties the arena, returning to its usual size if an oversized row made it grow. */
  clear(): void {
    this.pos = 0;
    if (this.buffer.length > this.size) this.buffer = Buffer.allocUnsafe(this.size);
  }
}

interface Page {
  /** Where the compressed page, then its header, lie in the arena. */
  dataStart: number;
  headerStart: number;
  headerEnd: number;
  uncompressedBytes: number;
}

export class ColumnBuffer {
  /** Values of the page being filled, from LEVELS_ROOM on. The writer appends to them directly. */
  values: Buffer = Buffer.allocUnsafe(LEVELS_ROOM + INITIAL_VALUES);
  pos = LEVELS_ROOM;
  definitions: Uint8Array;
  repetitions: Uint8Array;
  /** Level entries in the page being filled. */
  entries = 0;
  /** Row group totals, for the footer. */
  chunkEntries = 0;
  nulls = 0;
  min = 0;
  max = 0;
  hasMinMax = false;
  private readonly pages: Page[] = [];
  private readonly definitionWidth: number;
  private readonly repetitionWidth: number;
  private readonly levelStreams: number;
  /** Entries the level arrays (those this column has) can hold. */
  private levelCapacity = 1024;

  constructor(
    readonly column: LeafColumn,
    private readonly pageBytes: number,
  ) {
    this.definitionWidth = bitWidth(column.maxDefinition);
    this.repetitionWidth = bitWidth(column.maxRepetition);
    this.levelStreams = (this.definitionWidth > 0 ? 1 : 0) + (this.repetitionWidth > 0 ? 1 : 0);
    this.definitions = new Uint8Array(this.definitionWidth > 0 ? this.levelCapacity : 0);
    this.repetitions = new Uint8Array(this.repetitionWidth > 0 ? this.levelCapacity : 0);
  }

  /** Makes room for `n` more value bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.values.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.values.length * 2, this.pos + n));
    this.values.copy(grown, 0, 0, this.pos);
    this.values = grown;
  }

  /** Records one entry's levels (only the streams this column has). */
  level(definition: number, repetition: number): void {
    if (this.entries === this.levelCapacity) this.growLevels();
    if (this.definitionWidth > 0) this.definitions[this.entries] = definition;
    if (this.repetitionWidth > 0) this.repetitions[this.entries] = repetition;
    this.entries++;
  }

  private growLevels(): void {
    this.levelCapacity *= 2;
    const grow = (levels: Uint8Array) => {
      if (levels.length === 0) return levels;
      const grown = new Uint8Array(this.levelCapacity);
      grown.set(levels);
      return grown;
    };
    this.definitions = grow(this.definitions);
    this.repetitions = grow(this.repetitions);
  }

  /** An entry of a column without levels (a required top-level column). */
  entry(): void {
    this.entries++;
  }

  /** Raw bytes of the page being filled, levels counted at their bound. */
  private rawBound(): number {
    return this.pos - LEVELS_ROOM + this.levelStreams * levelsBound(this.entries);
  }

  /** Upper bound of the bytes the page being filled will take in the file, header included. */
  openBound(codec: PageCodec): number {
    return this.entries === 0 ? 0 : pageHeaderBound() + codec.bound(this.rawBound());
  }

  /**
   * Bytes one more page can add beyond the raw bytes its rows bring: header, codec overhead, the
   * constant part of the level bounds.
   */
  static pageOverhead(codec: PageCodec): number {
    return pageHeaderBound() + codec.bound(0) + codec.growth(2 * levelsBound(0));
  }

  get pageFull(): boolean {
    return this.pos - LEVELS_ROOM >= this.pageBytes || this.entries >= PAGE_MAX_ENTRIES;
  }

  /** Encodes, compresses and stores the page being filled in the arena. */
  closePage(arena: Arena, codec: PageCodec, header: ThriftWriter): void {
    if (this.entries === 0) return;
    const levels = Buffer.allocUnsafe(this.levelStreams * levelsBound(this.entries));
    let levelsEnd = 0;
    // V1 pages: repetition levels, then definition levels, then the values.
    if (this.repetitionWidth > 0) levelsEnd = writeLevels(this.repetitions, this.entries, this.repetitionWidth, levels, levelsEnd);
    if (this.definitionWidth > 0) levelsEnd = writeLevels(this.definitions, this.entries, this.definitionWidth, levels, levelsEnd);
    let raw: Buffer;
    if (levelsEnd <= LEVELS_ROOM) {
      levels.copy(this.values, LEVELS_ROOM - levelsEnd, 0, levelsEnd);
      raw = this.values.subarray(LEVELS_ROOM - levelsEnd, this.pos);
    } else {
      raw = Buffer.concat([levels.subarray(0, levelsEnd), this.values.subarray(LEVELS_ROOM, this.pos)]);
    }
    const bound = codec.bound(raw.length);
    arena.reserve(bound + pageHeaderBound());
    const dataStart = arena.pos;
    const compressed = codec.compress(raw, arena.buffer, dataStart);
    if (compressed > bound) throw new Error(`${codec.name} compressed ${raw.length} bytes into ${compressed}, more than its bound ${bound}`);
    header.reset();
    writePageHeader(header, { uncompressedBytes: raw.length, compressedBytes: compressed, numValues: this.entries });
    const headerStart = dataStart + compressed;
    header.bytes().copy(arena.buffer, headerStart);
    arena.pos = headerStart + header.length;
    this.pages.push({ dataStart, headerStart, headerEnd: arena.pos, uncompressedBytes: raw.length });
    this.chunkEntries += this.entries;
    this.entries = 0;
    this.pos = LEVELS_ROOM;
    // A huge value made the page buffer grow: let it go rather than hold it for the object's life.
    if (this.values.length > LEVELS_ROOM + 2 * this.pageBytes + INITIAL_VALUES) this.values = Buffer.allocUnsafe(LEVELS_ROOM + INITIAL_VALUES);
  }

  /** Drops everything buffered: the page being filled and the row group's pages. */
  discard(): void {
    this.entries = 0;
    this.pos = LEVELS_ROOM;
    this.pages.length = 0;
    this.chunkEntries = 0;
    this.nulls = 0;
    this.hasMinMax = false;
  }

  /**
   * Appends the column chunk (each page's header, then its data) to `out` and returns what the footer
   * says of it; `offset` is where the chunk starts in the file. Resets the row group totals.
   */
  emit(arena: Arena, offset: number, out: { append(bytes: Buffer): void }): ChunkMeta {
    let uncompressed = 0;
    let compressed = 0;
    for (const page of this.pages) {
      const header = arena.buffer.subarray(page.headerStart, page.headerEnd);
      out.append(header);
      out.append(arena.buffer.subarray(page.dataStart, page.headerStart));
      uncompressed += header.length + page.uncompressedBytes;
      compressed += page.headerEnd - page.dataStart;
    }
    const meta: ChunkMeta = { dataPageOffset: offset, numValues: this.chunkEntries, uncompressedBytes: uncompressed, compressedBytes: compressed, nullCount: this.nulls };
    if (this.hasMinMax) {
      meta.min = this.min;
      meta.max = this.max;
    }
    this.discard();
    return meta;
  }
}

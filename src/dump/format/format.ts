// How records become object bytes. A format measures a record first (rotation needs the size before the
// bytes are written), then writes it to the object's sink and tallies what it did. A format that keeps
// rows back (Parquet gathers a row group) says how much it holds and finishes each object itself.
import type { Variable } from '../../config/variable';
import type { KafkaRecord } from '../../kafka/record-batch';

export interface ByteSink {
  append(bytes: Buffer): void;
  appendByte(byte: number): void;
}

/** What a format did with the records written into one object: counts its manifest records. */
export interface FormatTally {
  /** Records with a null value. `lines` leaves them out (see SKIPPED); `jsonl` writes `"value":null`. */
  tombstones: number;
  /** Keys, values or header values that are not valid UTF-8: written byte for byte (`lines`) or as base64 (`jsonl`). */
  invalidUtf8: number;
}

/** measure()'s answer for a tombstone the format leaves out: it adds no bytes, and its range counts it. */
export const SKIPPED = -1;

export interface RecordFormat {
  /** An upper bound of the bytes the record adds to the stored object (exact for a format that holds nothing back), or SKIPPED. */
  measure(record: KafkaRecord): number;
  /**
   * Writes the record measured last and adds to `tally` what it did with it. A record measured but not
   * written (it starts the next object, or waits for a later invocation) is tallied by the object it is
   * written into.
   */
  write(record: KafkaRecord, sink: ByteSink, tally: FormatTally): void;
  /** Bytes write() may hand the sink at once, when more than measure() says (a row group that fills). */
  emitBound?(record: KafkaRecord): number;
  /** An upper bound of the bytes taken in but not yet given to the sink (rows held back, a footer to come). */
  readonly pendingBound?: number;
  /** Gives the sink what the object still needs (the last rows, a footer); called once, when the object ends. */
  finish?(sink: ByteSink): void;
  /** Starts afresh for the next object (also after one was dropped). */
  reset?(): void;
}

/** A format's own settings: the parsed values of the variables it declares, by name. */
export type FormatSettings = Readonly<Record<string, unknown>>;

/** What the product knows about a format: how to make its writer, and how its objects are named and typed. */
export interface FormatSpec {
  /** One line for the configuration reference. */
  description: string;
  /** Data object file extension, before any object compression suffix. */
  extension: string;
  contentType: string;
  /** Memory the format holds beyond the upload buffers, in MiB (measured by `npm run bench`). */
  memoryMiB(settings: FormatSettings): number;
  /** False for a format that compresses inside the file (Parquet pages): COMPRESSION must stay `none`. */
  objectCompression: boolean;
  /** Variables of its own (the configuration reference lists them with the others). */
  variables?: readonly Variable[];
  /** Problems with its settings beside the rest of the configuration (the part size, say). */
  check?(settings: FormatSettings, partSizeBytes: number): string[];
  /** Work to do once before the first record (loading a WebAssembly codec). */
  prepare?(settings: FormatSettings): Promise<void>;
  create(partition: number, settings: FormatSettings): RecordFormat;
}

// How records become object bytes. A format measures a record first (rotation needs the size before the
// bytes are written), then writes exactly that many bytes to the object's sink and tallies what it did.
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
  /** Bytes the record adds to the object, or SKIPPED. */
  measure(record: KafkaRecord): number;
  /**
   * Writes the record measured last, exactly the measured number of bytes, and adds to `tally` what it
   * did with it. A record measured but not written (it starts the next object, or waits for a later
   * invocation) is tallied by the object it is written into.
   */
  write(record: KafkaRecord, sink: ByteSink, tally: FormatTally): void;
}

/** What the product knows about a format: how to make its writer, and how its objects are named and typed. */
export interface FormatSpec {
  /** One line for the configuration reference. */
  description: string;
  /** Data object file extension, before any object compression suffix. */
  extension: string;
  contentType: string;
  /** Memory the format holds beyond the upload buffers, in MiB (measured by `npm run bench`). */
  memoryMiB: number;
  create(partition: number): RecordFormat;
}

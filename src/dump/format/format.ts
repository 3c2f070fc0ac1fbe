// How records become object bytes. A format measures a record first (rotation needs the size before the
// bytes are written) and then writes exactly that many bytes to a sink.
import type { KafkaRecord } from '../../kafka/record-batch';

export interface ByteSink {
  append(bytes: Buffer): void;
  appendByte(byte: number): void;
}

/** Counts that describe what a format did with the records it was given. */
export interface FormatCounts {
  /** Records with a null value. `lines` skips them; `jsonl` writes them with `"value":null`. */
  tombstones: number;
  /** Values (or keys, for jsonl) that are not valid UTF-8: written byte for byte (`lines`) or as base64 (`jsonl`). */
  invalidUtf8: number;
}

export const SKIPPED = -1;

export interface RecordFormat {
  readonly name: 'lines' | 'jsonl';
  /** Bytes the record adds to the object, or SKIPPED when it adds none (and is counted as skipped). */
  measure(record: KafkaRecord): number;
  /**
   * Writes the record measured last, exactly the measured number of bytes, and counts it: a record
   * measured but not written (it starts the next object, or waits for a later invocation) is counted
   * where it is written.
   */
  write(record: KafkaRecord, sink: ByteSink): void;
  readonly counts: FormatCounts;
}

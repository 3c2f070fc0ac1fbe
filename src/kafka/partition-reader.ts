// Reads a partition's records in offset order, batch by batch, with the next fetch already in flight
// while the current batch is being written. Transaction markers and aborted transactions are filtered
// out; each chunk says where the next one starts, so callers can account for every offset. Compressed
// batches are decompressed one at a time, as their records are iterated, into one reused buffer whose
// size is bounded by configuration (decompressedMaxBytes), whatever the compression ratio.
import { OutputBuffer, prepareCodec, ZSTD } from './codecs';
import { KafkaError, KafkaErrorCode, fetchFailure } from './errors';
import type { FetchedPartition } from './fetch-response';
import type { KafkaRecord } from './record-batch';
import { decodeRecordSet } from './record-set';
import { AbortedTransactionFilter } from './transactions';

export interface ReadChunk {
  /**
   * Records at or after the requested offset, none of them aborted or a marker. Iterate them before asking
   * for the next chunk: they are decoded on the fly into one reused object, from a reused buffer.
   */
  records: Iterable<KafkaRecord>;
  /** Offset after this batch: every offset before it has been read. */
  nextOffset: number;
}

export class OffsetOutOfRangeError extends Error {
  constructor(readonly offset: number) {
    super(`offset ${offset} is out of range (deleted by retention, or past the end)`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/** A batch larger than the largest fetch this consumer makes. */
export class BatchTooLargeToFetchError extends KafkaError {
  constructor(topic: string, partition: number, offset: number, bytes: number, limit: number) {
    super(`the record batch at offset ${offset} of ${topic}/${partition} is ${bytes} bytes, more than the largest fetch this consumer makes (${limit} bytes); raise FETCH_MAX_BYTES`, undefined, false);
    this.name = 'BatchTooLargeToFetchError';
  }
}

export interface ReadOptions {
  /** A fetch whose record bytes may live in a reused buffer, given back by release() once consumed. */
  fetch: (offset: number, maxBytes: number) => Promise<FetchedPartition & { release?: () => void }>;
  /** Asked before each fetch; false stops reading (the time budget is spent). */
  more?: () => boolean;
  /** Bytes asked of each fetch. */
  fetchMaxBytes: number;
  /**
   * A batch larger than fetchMaxBytes that the broker cut (Fetch before v3 does) is fetched again with
   * a fetch grown to its size, up to this many bytes. Default: 64 MiB.
   */
  fetchLimitBytes?: number;
  /** The most bytes one batch may decompress to: the decompression buffer's limit. */
  decompressedMaxBytes: number;
  /** Given the decompression buffer once, so its high-water mark can be read (tests, logs). */
  onBuffer?: (buffer: OutputBuffer) => void;
}

const DEFAULT_FETCH_LIMIT_BYTES = 64 * 1024 * 1024;

function* atOrAfter(records: Iterable<KafkaRecord>, offset: number): Iterable<KafkaRecord> {
  for (const record of records) if (record.offset >= offset) yield record;
}

/**
 * Yields chunks covering [from, to). Returns early when `more()` says so, or when the log has nothing
 * readable below `to` yet (an open transaction holds the last stable offset back).
 */
export async function* readPartition(from: number, to: number, options: ReadOptions): AsyncGenerator<ReadChunk> {
  const more = options.more ?? (() => true);
  const fetchLimit = Math.max(options.fetchMaxBytes, options.fetchLimitBytes ?? DEFAULT_FETCH_LIMIT_BYTES);
  const out = OutputBuffer.pooled(options.decompressedMaxBytes);
  options.onBuffer?.(out);
  let offset = from;
  let fetchBytes = options.fetchMaxBytes;
  let pending: ReturnType<ReadOptions['fetch']> | undefined = offset < to && more() ? options.fetch(offset, fetchBytes) : undefined;
  let held: (() => void) | undefined;
  try {
    while (pending) {
      const fetched = await pending;
      pending = undefined;
      held = fetched.release;
      if (fetched.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) throw new OffsetOutOfRangeError(offset);
      if (fetched.errorCode !== 0) throw fetchFailure(fetched.topic, fetched.partition, offset, fetched.errorCode);
      const { batches, incompleteBytes } = decodeRecordSet({ topic: fetched.topic, partition: fetched.partition, out }, fetched.records ?? Buffer.alloc(0));
      if (batches.length === 0) {
        if (incompleteBytes === undefined) return;
        // The broker cut a batch larger than the fetch: ask again for all of it.
        if (incompleteBytes > fetchLimit) throw new BatchTooLargeToFetchError(fetched.topic, fetched.partition, offset, incompleteBytes, fetchLimit);
        held?.();
        held = undefined;
        fetchBytes = Math.max(incompleteBytes, fetchBytes);
        pending = options.fetch(offset, fetchBytes);
        continue;
      }
      fetchBytes = options.fetchMaxBytes;
      if (batches.some((b) => b.codec === ZSTD)) await prepareCodec(ZSTD);
      const next = batches[batches.length - 1]!.lastOffset + 1;
      // A response larger than the fetch size (a big batch, sent whole) is consumed before the next one is
      // asked for: two at once would hold two such batches, and records can be 15 MiB.
      const oversized = (fetched.records?.length ?? 0) > options.fetchMaxBytes;
      if (!oversized && next < to && more()) pending = options.fetch(next, fetchBytes);
      const transactions = new AbortedTransactionFilter(fetched.abortedTransactions);
      for (const batch of batches) {
        if (batch.lastOffset < offset) continue;
        const skip = transactions.isAborted(batch) || batch.control;
        const records = skip ? [] : batch.baseOffset < offset ? atOrAfter(batch.records, offset) : batch.records;
        offset = batch.lastOffset + 1;
        yield { records, nextOffset: offset };
      }
      // Every record of this response has been consumed: its buffer can take the next one.
      held?.();
      held = undefined;
      if (oversized && next < to && more()) pending = options.fetch(next, fetchBytes);
    }
  } finally {
    held?.();
    // A prefetch nobody will read must not surface as an unhandled rejection, nor keep its buffer.
    pending?.then((f) => f.release?.(), () => {});
    // Every chunk yielded has been consumed (its records written out) before the reader is closed.
    out.shelve();
  }
}

// Reads a partition's records in offset order, batch by batch, with the next fetch already in flight
// while the current batch is being written. Transaction markers and aborted transactions are filtered
// out; each chunk says where the next one starts, so callers can account for every offset.
import type { FetchedPartition } from './fetch-response';
import { KafkaError, KafkaErrorCode } from './errors';
import { decodeRecordSet, type KafkaRecord } from './record-batch';
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

export interface ReadOptions {
  /** A fetch whose record bytes may live in a reused buffer, given back by release() once consumed. */
  fetch: (offset: number) => Promise<FetchedPartition & { release?: () => void }>;
  /** Asked before each fetch; false stops reading (the time budget is spent). */
  more?: () => boolean;
}

function* atOrAfter(records: Iterable<KafkaRecord>, offset: number): Iterable<KafkaRecord> {
  for (const record of records) if (record.offset >= offset) yield record;
}

/**
 * Yields chunks covering [from, to). Returns early when `more()` says so, or when the log has nothing
 * readable below `to` yet (an open transaction holds the last stable offset back).
 */
export async function* readPartition(from: number, to: number, options: ReadOptions): AsyncGenerator<ReadChunk> {
  const more = options.more ?? (() => true);
  let offset = from;
  let pending: ReturnType<ReadOptions['fetch']> | undefined = offset < to && more() ? options.fetch(offset) : undefined;
  let held: (() => void) | undefined;
  try {
    while (pending) {
      const fetched = await pending;
      pending = undefined;
      held = fetched.release;
      if (fetched.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) throw new OffsetOutOfRangeError(offset);
      if (fetched.errorCode !== 0) throw new KafkaError(`fetch ${fetched.topic}/${fetched.partition} at offset ${offset}: broker error ${fetched.errorCode}`, fetched.errorCode, false);
      const batches = await decodeRecordSet(fetched.records ?? Buffer.alloc(0));
      if (batches.length === 0) return;
      const next = batches[batches.length - 1]!.lastOffset + 1;
      if (next < to && more()) pending = options.fetch(next);
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
    }
  } finally {
    held?.();
    // A prefetch nobody will read must not surface as an unhandled rejection, nor keep its buffer.
    pending?.then((f) => f.release?.(), () => {});
  }
}

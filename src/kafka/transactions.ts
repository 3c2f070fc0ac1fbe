// Read-committed filtering: records of aborted transactions are dropped, as the Java consumer does.
import type { AbortedTransaction } from './fetch-response';
import type { RecordBatch } from './record-batch';

export class AbortedTransactionFilter {
  private readonly pending: AbortedTransaction[];
  private readonly abortedProducers = new Set<number>();

  constructor(aborted: AbortedTransaction[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** True when the batch's records belong to an aborted transaction. Call in offset order. */
  isAborted(batch: RecordBatch): boolean {
    // Every aborted transaction begun up to this batch is taken in first, before a marker is looked at: a
    // fetch that starts at an abort marker lists that marker's transaction (it overlaps the fetch), and
    // the marker must end it, or the producer's next, committed transaction would be dropped as aborted.
    // Kafka's own consumer does the same (CompletedFetch.consumeAbortedTransactionsUpTo).
    while (this.pending.length > 0 && this.pending[0]!.firstOffset <= batch.lastOffset) {
      this.abortedProducers.add(this.pending.shift()!.producerId);
    }
    if (batch.control) {
      if (batch.abortMarker) this.abortedProducers.delete(batch.producerId);
      return false;
    }
    return batch.transactional && this.abortedProducers.has(batch.producerId);
  }
}

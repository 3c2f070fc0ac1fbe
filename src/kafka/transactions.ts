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
    if (batch.control) {
      if (batch.abortMarker) this.abortedProducers.delete(batch.producerId);
      return false;
    }
    if (!batch.transactional) return false;
    while (this.pending.length > 0 && this.pending[0]!.firstOffset <= batch.lastOffset) {
      this.abortedProducers.add(this.pending.shift()!.producerId);
    }
    return this.abortedProducers.has(batch.producerId);
  }
}

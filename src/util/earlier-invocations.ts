// A reused SCF instance runs its invocations one after another in one process. What an invocation leaves
// behind is mostly dead ArrayBuffers (its part buffers, fetched responses, decompressed batches): megabytes
// each behind a few bytes of JavaScript handle. V8 frees them only in a full collection, and with the
// consumer's small heap that waits until tens of MiB more external memory have been allocated, by the next
// invocation, on top of the dead ones. One full collection as a reused process takes its next invocation
// gives that memory back before anything new is allocated.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let invocations = 0;
let collect: (() => void) | undefined;

/** Frees what earlier invocations of this process left, when there were any; returns the milliseconds spent. */
export function releaseEarlierInvocations(): number {
  if (invocations++ === 0) return 0;
  if (!collect) {
    // `gc` is exposed only to contexts made after the flag is set (jest's leak detector does the same).
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  const started = performance.now();
  collect();
  return performance.now() - started;
}

// Keeps V8's young generation at its starting size. By default it doubles whenever a scavenge finds much
// still alive, up to 16 MiB per semi-space; the consumer's steady stream of short-lived record views and
// request objects grew it to 29-30 MiB of heap where 16 MiB sufficed, 8-10 MiB of a 128 MB function.
// Probes on 0.5 GiB showed the same CPU seconds either way, within this machine's noise. V8 reads the flag
// each time it decides whether to grow, so setting it at run time takes effect (Node 18.15 and 20 alike).
import { setFlagsFromString } from 'node:v8';

let capped = false;

export function capYoungGeneration(): void {
  if (capped) return;
  capped = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}

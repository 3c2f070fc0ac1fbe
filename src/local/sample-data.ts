// Sample records for the demo and the benchmarks: JSON lines of plausible click events, deterministic
// from a seed so that runs are comparable.
import { seededRandom } from './fault-rules';

const EVENTS = ['page_view', 'click', 'add_to_cart', 'checkout', 'search', 'login'];
const PAGES = ['/', '/products', '/products/42', '/cart', '/checkout', '/search?q=kafka', '/account'];

export function sampleEvent(i: number, random: () => number, timestampMs: number): string {
  return JSON.stringify({
    id: i,
    ts: new Date(timestampMs).toISOString(),
    user: `u${Math.floor(random() * 5000)}`,
    event: EVENTS[Math.floor(random() * EVENTS.length)],
    page: PAGES[Math.floor(random() * PAGES.length)],
    latency_ms: Math.floor(random() * 800),
    ua: 'Mozilla/5.0 (X11; Linux x86_64) ckafka-to-cos demo',
  });
}

/** `count` events spread evenly over [fromMs, toMs). */
export function sampleEvents(count: number, fromMs: number, toMs: number, seed = 1): Array<{ value: string; timestamp: number }> {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const timestamp = Math.floor(fromMs + ((toMs - fromMs) * i) / count);
    return { value: sampleEvent(i, random, timestamp), timestamp };
  });
}

// Known record content for producers: lines from a seeded generator, written to a file that kcat or a
// Java producer reads (one record per line). The file is the oracle: a dump of the topic in `lines`
// format must equal it byte for byte. Lines never hold '\n' or '\r' (Java's line reader splits on both).
import { closeSync, openSync, writeSync } from 'node:fs';
import { seededRandom } from '../fault-rules';

export type LineGenerator = (i: number, random: () => number) => string;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const hex = (random: () => number, digits: number) => {
  let s = '';
  while (s.length < digits) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, digits);
};

const SERVICES = ['order-api', 'payment-gateway', 'inventory', 'user-profile', 'search', 'recommendation', 'checkout', 'notification'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/users/{id}/cart', '/api/v2/search', '/api/v1/payments/{id}/capture', '/healthz', '/api/v1/items/{id}/stock'];
const REGIONS = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-chengdu', 'ap-hongkong'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'okhttp/4.12.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36',
];
const MESSAGES = [
  'request completed',
  'cache miss, loading from database',
  'upstream responded slowly, retrying with backoff',
  'order state changed',
  'payment authorised by provider',
  'rate limit close to quota for tenant',
  'validation failed for field',
];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

/**
 * An application log event as JSON, about 1 KiB: the shape of what data platforms archive. Ids and
 * numbers are random, the rest drawn from small vocabularies: gzip compresses it about 5-6x.
 */
export const logLine: LineGenerator = (i, random) => {
  const service = pick(random, SERVICES);
  const status = random() < 0.9 ? 200 : pick(random, [201, 204, 400, 404, 409, 500, 503]);
  const tags = Array.from({ length: 3 + Math.floor(random() * 4) }, () => pick(random, WORDS));
  return JSON.stringify({
    ts: new Date(Date.UTC(2026, 0, 1) + i * 37 + Math.floor(random() * 30)).toISOString(),
    level: pick(random, LEVELS),
    service,
    host: `${service}-${Math.floor(random() * 40)}.${pick(random, REGIONS)}.internal`,
    pod: `${service}-${hex(random, 10)}-${hex(random, 5)}`,
    trace_id: hex(random, 32),
    span_id: hex(random, 16),
    seq: i,
    request_id: hex(random, 32),
    http: {
      method: pick(random, METHODS),
      path: pick(random, PATHS).replace('{id}', String(Math.floor(random() * 1e6))),
      status,
      latency_ms: Math.round(random() * 2000) / 10,
      bytes_out: Math.floor(random() * 65536),
      client_ip: `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
      user_agent: pick(random, AGENTS),
    },
    user: { id: `u-${Math.floor(random() * 1e7)}`, tenant: `tenant-${Math.floor(random() * 200)}`, plan: pick(random, ['free', 'pro', 'enterprise']) },
    timings_ms: { db: Math.round(random() * 5000) / 10, cache: Math.round(random() * 500) / 10, render: Math.round(random() * 900) / 10, queue: Math.round(random() * 3000) / 10 },
    items: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: `SKU-${Math.floor(random() * 1e6)}`, qty: 1 + Math.floor(random() * 5), price_cents: Math.floor(random() * 100000) })),
    message: `${pick(random, MESSAGES)} (attempt ${1 + Math.floor(random() * 3)})`,
    tags,
    labels: { env: 'production', team: 'commerce', version: `2.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`, feature_flags: 'new-checkout,fast-search,async-stock-reservation' },
  });
};

/** About 1 KiB of which nearly everything repeats from record to record: zstd compresses it about 50x. */
export const repetitiveLine: LineGenerator = (i, random) => {
  const status = random() < 0.98 ? 'ok' : 'retry';
  return JSON.stringify({
    seq: i,
    id: hex(random, 20),
    status,
    heartbeat: 'service heartbeat from the metrics agent; every field below is the same on every tick'.repeat(3),
    config: { interval_ms: 1000, region: 'ap-guangzhou', cluster: 'ckafka-prod-01', checks: WORDS.join(',') },
    padding: 'x'.repeat(560),
  });
};

/**
 * The matrix's content: lengths from a few bytes to several KiB, JSON and plain text, and multi-byte
 * UTF-8 (which Java producers must be told to read as UTF-8).
 */
export const variedLine: LineGenerator = (i, random) => {
  const kind = i % 5;
  if (kind === 0) return `${i}`;
  if (kind === 1) return `${i} ${pick(random, MESSAGES)} ${'订单已支付 ✓ ü '.repeat(1 + Math.floor(random() * 4))}`;
  if (kind === 2) return logLine(i, random);
  if (kind === 3) return `${i} ${Array.from({ length: 1 + Math.floor(random() * 400) }, () => pick(random, WORDS)).join(' ')}`;
  return `${i}\t${hex(random, 8 + Math.floor(random() * 120))}\t🚀`;
};

const MiB = 1024 * 1024;
/** The sizes of the large records of `withLargeRecords`, in turn: up to 15 MiB (CKafka allows 12 MiB by default, up to 16). */
export const LARGE_RECORD_SIZES = [1 * MiB, 4 * MiB, 8 * MiB, 12 * MiB, 15 * MiB];

/**
 * `base` lines with, every `every` records, one large record of the next size of LARGE_RECORD_SIZES: log
 * lines joined into one JSON array of that length (an export or a batch upload sent as one record).
 */
export function withLargeRecords(base: LineGenerator, every = 5000): LineGenerator {
  return (i, random) => {
    if (i % every !== every - 1) return base(i, random);
    const size = LARGE_RECORD_SIZES[Math.floor(i / every) % LARGE_RECORD_SIZES.length]!;
    const parts: string[] = [];
    let length = 2;
    for (let j = 0; length < size; j++) {
      const line = base(i * 100000 + j, random);
      parts.push(line);
      length += line.length + 1;
    }
    const joined = `[${parts.join(',')}]`;
    // Cut to the exact size inside the last event: the record stays one line of the stated length.
    return joined.length > size ? `${joined.slice(0, size - 1)}]` : joined;
  };
}

/** `count` lines of `generator` from `seed`. */
export function generateLines(generator: LineGenerator, count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => generator(i, random));
}

/**
 * Writes lines to `file` ('\n' after each) until `count` lines or `bytes` bytes of values, whichever
 * comes first; returns what was written.
 */
export function writeLinesFile(file: string, generator: LineGenerator, limit: { count?: number; bytes?: number }, seed = 1): { records: number; valueBytes: number } {
  const random = seededRandom(seed);
  const fd = openSync(file, 'w');
  const chunk: string[] = [];
  let chunkChars = 0;
  let records = 0;
  let valueBytes = 0;
  try {
    while ((limit.count === undefined || records < limit.count) && (limit.bytes === undefined || valueBytes < limit.bytes)) {
      const line = generator(records, random);
      chunk.push(line);
      chunkChars += line.length;
      valueBytes += Buffer.byteLength(line);
      records++;
      if (chunkChars > 4 * 1024 * 1024) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk.length = 0;
        chunkChars = 0;
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return { records, valueBytes };
}

// What the kill soak produces while consumers are killed: every partition gets a trickle of records in
// rounds (plain, gzip and transactional batches, some transactions aborted), now and then a burst of a few
// MiB, and a burst on demand. Values are unique (a sequence number), a few are tombstones, binary (not in
// `lines` partitions: they are counted by value, so theirs are text without newlines),
// carry headers or keys, or have a producer's wrong clock (2100, 1970). Seeded.
import { CompressionTypes, type Producer } from '../../src/kafka/kafkajs';
import { seededRandom } from '../../src/local/fault-rules';
import { testKafka } from './kafka';

export interface ProducedCounts {
  /** Records Kafka keeps (outside aborted transactions). */
  records: number;
  inAbortedTransactions: number;
  tombstones: number;
  oddTimestamps: number;
  batches: Record<string, number>;
}

/** How a partition is dumped, as far as its records care. */
export interface PartitionShape {
  FORMAT: string;
  COMPRESSION: string;
  /** Producer timestamps from a clock days behind that runs 20 ms a record (windows close as the soak goes). */
  pastClock: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/** Text that gzip cannot shrink much, so compressed objects grow past a part too. */
const FILLER = (() => {
  const random = seededRandom(5);
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
  return Array.from({ length: 65_536 }, () => letters[Math.floor(random() * letters.length)]).join('');
})();

export class SoakProduction {
  readonly stats: ProducedCounts = { records: 0, inAbortedTransactions: 0, tombstones: 0, oddTimestamps: 0, batches: {} };
  private readonly random: () => number;
  private seq = 0;
  private readonly pastClock = new Map<number, number>();
  private plain: Producer | undefined;
  private transactional: Producer | undefined;
  private stopped = false;

  constructor(
    private readonly topic: string,
    private readonly partitions: number,
    seed: number,
    private readonly shapeOf: (partition: number) => PartitionShape,
  ) {
    this.random = seededRandom(seed);
    const days = Date.now() - 3 * 86_400_000;
    for (let p = 0; p < partitions; p++) this.pastClock.set(p, days - (days % 3_600_000));
  }

  async start(): Promise<void> {
    const retry = { retries: 12, initialRetryTime: 300, maxRetryTime: 5000 };
    this.plain = testKafka().producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry });
    this.transactional = testKafka().producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, transactionalId: `${this.topic}-tx`, retry });
    await Promise.all([this.plain.connect(), this.transactional.connect()]);
  }

  /** Runs rounds until stop() and resolves once the last round is written. */
  async run(): Promise<void> {
    while (!this.stopped) {
      await this.round();
      await sleep(500 + Math.floor(this.random() * 1000));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {
    await Promise.all([this.plain?.disconnect(), this.transactional?.disconnect()]);
  }

  private value(partition: number, maxBytes: number): string | Buffer | null {
    const roll = this.random();
    if (roll < 0.03) return null;
    // `lines` partitions are counted by value: text without newlines, unique by its sequence number.
    if (roll < 0.1 && this.shapeOf(partition).FORMAT !== 'lines') return Buffer.from(Array.from({ length: 1 + Math.floor(this.random() * 200) }, () => Math.floor(this.random() * 256)));
    const from = Math.floor(this.random() * (FILLER.length - maxBytes));
    return `k${partition}-${this.seq} ${FILLER.slice(from, from + Math.floor(this.random() * maxBytes))}`;
  }

  private timestamp(partition: number): string | undefined {
    const roll = this.random();
    // A producer with a wrong clock, now and then: far ahead, or back in 1970.
    if (roll < 0.001) return (this.stats.oddTimestamps++, String(Date.UTC(2100, 0, 1)));
    if (roll < 0.002) return (this.stats.oddTimestamps++, String(86_400_000));
    if (!this.shapeOf(partition).pastClock) return undefined;
    const at = this.pastClock.get(partition)! + 20;
    this.pastClock.set(partition, at);
    return String(at);
  }

  private batch(partition: number, count: number, maxValueBytes: number) {
    return Array.from({ length: count }, () => {
      this.seq++;
      const value = this.value(partition, maxValueBytes);
      const headers = this.random() < 0.02 ? { trace: `t${this.seq}`, bin: Buffer.from([0, 255, this.seq & 255]) } : undefined;
      const key = this.random() < 0.3 ? `key-${this.seq % 97}` : null;
      return { partition, key, value, headers, timestamp: this.timestamp(partition) };
    });
  }

  /**
   * A burst of a few MiB for one partition now, plain or gzip (transactions are the rounds', one at a
   * time): enough for an object larger than a part, compressed or not.
   */
  async burst(partition: number): Promise<void> {
    const { FORMAT, COMPRESSION } = this.shapeOf(partition);
    const count = (COMPRESSION === 'gzip' || FORMAT === 'parquet' ? 1800 : 700) + Math.floor(this.random() * 500);
    const messages = this.batch(partition, count, 5000);
    const kind = this.random() < 0.5 ? 'plain' : 'gzip';
    bump(this.stats.batches, `${kind} burst`);
    await this.send(messages, kind);
    this.stats.records += messages.length;
    this.stats.tombstones += messages.filter((m) => m.value === null).length;
  }

  private async send(messages: ReturnType<SoakProduction['batch']>, kind: 'plain' | 'gzip'): Promise<void> {
    for (let i = 0; i < messages.length; i += 1000) {
      await this.plain!.send({ topic: this.topic, acks: -1, messages: messages.slice(i, i + 1000), compression: kind === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None });
    }
  }

  private async round(): Promise<void> {
    const messages = [];
    for (let p = 0; p < this.partitions; p++) {
      // Now and then a burst of a few MiB in larger records, so that objects pass a part and go up as
      // multipart uploads.
      const roll = this.random();
      if (roll < 0.03) messages.push(...this.batch(p, 400 + Math.floor(this.random() * 600), 5000));
      else if (roll < 0.64) messages.push(...this.batch(p, 10 + Math.floor(this.random() * 190), 800));
    }
    if (messages.length === 0) return;
    const roll = this.random();
    const kind = roll < 0.55 ? 'plain' : roll < 0.8 ? 'gzip' : roll < 0.92 ? 'transaction' : 'aborted transaction';
    bump(this.stats.batches, kind);
    const tombstones = messages.filter((m) => m.value === null).length;
    if (kind === 'plain' || kind === 'gzip') await this.send(messages, kind);
    else {
      const transaction = await this.transactional!.transaction();
      try {
        for (let i = 0; i < messages.length; i += 1000) await transaction.send({ topic: this.topic, acks: -1, messages: messages.slice(i, i + 1000) });
      } catch (err) {
        await transaction.abort();
        throw err;
      }
      if (kind === 'aborted transaction') {
        await transaction.abort();
        this.stats.inAbortedTransactions += messages.length;
        return;
      }
      await transaction.commit();
    }
    this.stats.records += messages.length;
    this.stats.tombstones += tombstones;
  }
}

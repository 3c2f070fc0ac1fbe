// A count of every copy of every record a partition's data objects hold, independent of the manifests:
// every data object under the topic's folder is read (whatever chain, manifest or lack of one it has) and
// split back into records, then tallied against what Kafka holds. A record in no object is lost, one in two
// objects (or twice in one) is duplicated, and one Kafka does not hold (an aborted transaction's record)
// is foreign. `jsonl` lines name their offset; `lines` objects are told apart by value, so a partition
// counted this way must hold values without a newline.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { listAll, type ObjectStore } from '../../src/cos/store';
import { dataFolder, parseDataObjectKey, type Layout } from '../../src/dump/keys';
import type { KafkaRecord } from '../../src/kafka/record-batch';

export interface Census {
  objects: number;
  /** Records Kafka holds that the format writes (tombstones are not lines in `lines`). */
  expected: number;
  /** Record copies found in the objects. */
  found: number;
  lost: number;
  duplicated: number;
  foreign: number;
  /** A few of each, to name in a failure. */
  examples: { lost: string[]; duplicated: string[]; foreign: string[] };
}

export type CensusFormat = 'lines' | 'jsonl';
type Format = CensusFormat;

function formatOf(key: string): Format {
  if (/\.txt(\.gz)?$/.test(key)) return 'lines';
  if (/\.jsonl(\.gz)?$/.test(key)) return 'jsonl';
  throw new Error(`the census reads lines and jsonl objects only, not ${key}`);
}

/** A value by its digest and first characters: a long dump's values need not all be held as strings. */
function valueIdentity(value: Buffer | string): string {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  return `value ${createHash('sha1').update(text).digest('hex').slice(0, 20)} ${JSON.stringify(text.slice(0, 40))}`;
}

/** How a record is recognised in an object of this format. */
function identity(format: Format, record: KafkaRecord): string | undefined {
  if (format === 'jsonl') return `offset ${record.offset}`;
  return record.value === null ? undefined : valueIdentity(record.value);
}

/** The identities of the records one object holds. */
function identitiesIn(format: Format, body: Buffer, partition: number, key: string): string[] {
  if (body.length === 0) return [];
  const text = body.toString('utf8');
  if (!text.endsWith('\n')) throw new Error(`${key} does not end with a newline (${body.length} bytes)`);
  const lines = text.slice(0, -1).split('\n');
  if (format === 'lines') return lines.map(valueIdentity);
  return lines.map((line, i) => {
    const parsed = JSON.parse(line) as { partition: number; offset: number };
    if (parsed.partition !== partition) throw new Error(`${key} line ${i + 1} names partition ${parsed.partition}, not ${partition}`);
    return `offset ${parsed.offset}`;
  });
}

/** Tallies the copies found (by identity) against the records expected, one object at a time. Pure. */
export class RecordTally {
  private readonly want = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private expected = 0;
  private found = 0;
  private objects = 0;

  constructor(
    private readonly format: Format,
    expectedRecords: KafkaRecord[],
    private readonly partition: number,
  ) {
    for (const record of expectedRecords) {
      const id = identity(format, record);
      if (id === undefined) continue;
      this.want.set(id, (this.want.get(id) ?? 0) + 1);
      this.expected++;
    }
  }

  add(key: string, body: Buffer): void {
    this.objects++;
    for (const id of identitiesIn(this.format, key.endsWith('.gz') ? gunzipSync(body) : body, this.partition, key)) {
      this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
      this.found++;
    }
  }

  result(): Census {
    const census: Census = { objects: this.objects, expected: this.expected, found: this.found, lost: 0, duplicated: 0, foreign: 0, examples: { lost: [], duplicated: [], foreign: [] } };
    const note = (list: string[], id: string) => list.length < 5 && list.push(id.slice(0, 120));
    for (const [id, n] of this.want) {
      const copies = this.seen.get(id) ?? 0;
      if (copies < n) {
        census.lost += n - copies;
        note(census.examples.lost, id);
      } else if (copies > n) {
        census.duplicated += copies - n;
        note(census.examples.duplicated, id);
      }
    }
    for (const [id, copies] of this.seen) {
      if (this.want.has(id)) continue;
      census.foreign += copies;
      note(census.examples.foreign, id);
    }
    return census;
  }
}

/** The census of one partition dumped in `format`: every data object of it under the topic's folder, in any chain. */
export async function recordCensus(store: ObjectStore, layout: Layout, partition: number, format: Format, expectedRecords: KafkaRecord[]): Promise<Census> {
  const tally = new RecordTally(format, expectedRecords, partition);
  for await (const object of listAll(store, dataFolder(layout))) {
    if (parseDataObjectKey(object.key)?.partition !== partition) continue;
    if (formatOf(object.key) !== format) throw new Error(`${object.key} is not a ${format} object`);
    const stored = await store.getObject(object.key);
    if (!stored) throw new Error(`${object.key} was listed but is gone`);
    tally.add(object.key, stored.body);
  }
  return tally.result();
}

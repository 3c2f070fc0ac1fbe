// A manifest per data object, under the bookkeeping prefix, named by the object's start offset. It is the
// object's audit record (offset range, counts, sizes) and the plan a retry must follow: it is written,
// create-if-absent, before the data object is completed, so any later writer of the same start offset
// either finds the same plan or learns that it lost.
import * as z from '../util/zod';
import { COMPRESSION_NAMES } from './compression';
import { FORMAT_NAMES } from './format/registry';

export const ManifestSchema = z.object({
  version: z.literal(1),
  /** Data object key, or null for a range that held no data (only tombstones, markers or aborted records). */
  key: z.nullable(z.string()),
  topic: z.string(),
  instanceId: z.string(),
  topicId: z.string(),
  partition: z.number().check(z.int(), z.nonnegative()),
  /** First offset of the range the object covers. */
  startOffset: z.number().check(z.int(), z.nonnegative()),
  /** First offset after the range: the next object's start and the offset committed after it. */
  nextOffset: z.number().check(z.int(), z.nonnegative()),
  records: z.number().check(z.int(), z.nonnegative()),
  firstRecordOffset: z.nullable(z.number().check(z.int())),
  lastRecordOffset: z.nullable(z.number().check(z.int())),
  /** The record at lastRecordOffset as Kafka gave it (-1 for none): recognises the log the chain was read from. */
  lastRecordTimestamp: z._default(z.nullable(z.number().check(z.int())), null),
  tombstones: z.number().check(z.int(), z.nonnegative()),
  invalidUtf8: z.number().check(z.int(), z.nonnegative()),
  /** Offsets in the range that carried no record to write: transaction markers, aborted or compacted records. */
  skippedOffsets: z.number().check(z.int(), z.nonnegative()),
  /** Offsets in the range that retention deleted before they were read (only with ON_OFFSET_OUT_OF_RANGE=earliest). */
  lostOffsets: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  /** Records filed by the window they came in because their timestamp could not place them in time. */
  unusableTimestamps: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  /** Bytes stored in COS. */
  bytes: z.number().check(z.int(), z.nonnegative()),
  /** Bytes before compression. */
  contentBytes: z.number().check(z.int(), z.nonnegative()),
  format: z.enum(FORMAT_NAMES),
  /** The format's own settings the object was written with (Parquet's page compression, row-group size), to render it again. */
  formatSettings: z._default(z.record(z.string(), z.unknown()), {}),
  compression: z.enum(COMPRESSION_NAMES),
  windowStartMs: z.nullable(z.number().check(z.int())),
  firstTimestamp: z.nullable(z.number().check(z.int())),
  lastTimestamp: z.nullable(z.number().check(z.int())),
  createdAt: z.string(),
  writer: z.string(),
});

export type Manifest = z.infer<typeof ManifestSchema>;

/** The counts of a manifest that covers no records yet. */
export const NO_RECORDS = {
  records: 0,
  firstRecordOffset: null,
  lastRecordOffset: null,
  lastRecordTimestamp: null,
  tombstones: 0,
  invalidUtf8: 0,
  skippedOffsets: 0,
  lostOffsets: 0,
  unusableTimestamps: 0,
  bytes: 0,
  contentBytes: 0,
} as const satisfies Partial<Manifest>;

export function encodeManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
}

export function decodeManifest(body: Buffer, key: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Error(`manifest ${key} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`manifest ${key} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.nextOffset <= parsed.data.startOffset) throw new Error(`manifest ${key} covers no offsets (${parsed.data.startOffset}..${parsed.data.nextOffset})`);
  return parsed.data;
}

/** Two manifests describe the same plan when they cover the same range with the same object. */
export function samePlan(a: Manifest, b: Manifest): boolean {
  return a.key === b.key && a.startOffset === b.startOffset && a.nextOffset === b.nextOffset && a.records === b.records;
}

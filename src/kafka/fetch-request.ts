// Fetch requests for one partition, versions 0 to 11 (the ones fetch-response.ts decodes): Kafka 0.10.2
// speaks up to v3, 0.11 v5, 1.1 v7, 2.1 v10 (the first that may return zstd batches), 2.3 v11.
import { Encoder } from './encoder';

export const FETCH_API_KEY = 1;
export const MIN_FETCH_VERSION = 0;
export const MAX_FETCH_VERSION = 11;

export interface FetchArgs {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  maxWaitMs: number;
  /** 1: read committed (aborted transactions are reported so they can be skipped). From v4; before, brokers have no transactions. */
  isolationLevel: 0 | 1;
}

export function encodeFetchRequest(version: number, args: FetchArgs): Encoder {
  if (version < MIN_FETCH_VERSION || version > MAX_FETCH_VERSION) throw new Error(`Fetch v${version} is not supported (${MIN_FETCH_VERSION} to ${MAX_FETCH_VERSION} are)`);
  const e = new Encoder().int32(-1).int32(args.maxWaitMs).int32(1);
  if (version >= 3) e.int32(args.maxBytes);
  if (version >= 4) e.int8(args.isolationLevel);
  // No fetch session: every request stands alone (sessions save bandwidth only across many partitions).
  if (version >= 7) e.int32(0).int32(-1);
  e.array([args.topic], (t, topic) =>
    t.string(topic).array([args.partition], (p, partition) => {
      p.int32(partition);
      if (version >= 9) p.int32(-1);
      p.int64(args.offset);
      if (version >= 5) p.int64(-1);
      p.int32(args.maxBytes);
    }),
  );
  if (version >= 7) e.array([], () => {});
  if (version >= 11) e.string('');
  return e;
}

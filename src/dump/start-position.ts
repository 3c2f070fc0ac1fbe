// Where a partition's dump starts: the group's committed offset, else the start position recorded in COS
// by the very first invocation (so that concurrent first invocations agree), checked against what
// retention has left in the log.
import { ObjectExistsError, type ObjectStore } from '../cos/store';
import type { StartPosition } from '../config/config';
import { decodeCommitMetadata, type PartitionLog } from './partition-log';

export class DataLossError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly lostFrom: number,
    readonly lostTo: number,
    reason: string,
  ) {
    super(
      `${topic}/${partition}: offsets ${lostFrom}..${lostTo - 1} (${lostTo - lostFrom} records) were ${reason} before they were dumped. ` +
        'Set ON_OFFSET_OUT_OF_RANGE=earliest to record the loss and go on from the earliest offset.',
    );
    this.name = 'DataLossError';
  }
}

export interface StartDecision {
  offset: number;
  /** Window of the last dumped object, when known. */
  floorWindow?: number;
  logStart: number;
  logEnd: number;
  /** Set when records were lost to retention and the policy allowed going on. */
  lost?: { from: number; to: number };
  /** True when the group had no committed offset and this invocation must commit `offset` first. */
  fresh: boolean;
}

interface StartMarker {
  offset: number;
  position: string;
  createdAt: string;
}

async function agreedStart(log: PartitionLog, store: ObjectStore, markerKey: string, position: StartPosition): Promise<number> {
  const existing = await store.getObject(markerKey);
  if (existing) return (JSON.parse(existing.body.toString('utf8')) as StartMarker).offset;
  const offset = await log.offsetFor(position);
  const marker: StartMarker = { offset, position: String(position), createdAt: new Date().toISOString() };
  try {
    await store.putObject(markerKey, Buffer.from(JSON.stringify(marker)), { forbidOverwrite: true, contentType: 'application/json' });
    return offset;
  } catch (err) {
    if (!(err instanceof ObjectExistsError)) throw err;
    const winner = await store.getObject(markerKey);
    if (!winner) throw err;
    return (JSON.parse(winner.body.toString('utf8')) as StartMarker).offset;
  }
}

export async function decideStart(
  log: PartitionLog,
  store: ObjectStore,
  options: { markerKey: string; startPosition: StartPosition; onOutOfRange: 'fail' | 'earliest' },
): Promise<StartDecision> {
  const [committed, logStart, logEnd] = await Promise.all([log.committed(), log.offsetFor('earliest'), log.offsetFor('latest')]);
  const fresh = committed === undefined;
  const offset = committed?.offset ?? (await agreedStart(log, store, options.markerKey, options.startPosition));
  const floorWindow = decodeCommitMetadata(committed?.metadata).window;
  if (offset >= logStart && offset <= logEnd) return { offset, floorWindow, logStart, logEnd, fresh };

  // Below the log start, retention deleted records we never read; above the end, the log was truncated
  // or the topic re-created. Either way the committed position no longer names the data.
  const lost = offset < logStart ? { from: offset, to: logStart } : { from: logEnd, to: offset };
  const reason = offset < logStart ? 'deleted by retention' : `removed (the committed offset ${offset} is past the log end ${logEnd}: topic re-created or truncated?)`;
  if (options.onOutOfRange === 'fail') throw new DataLossError(log.topic, log.partition, lost.from, lost.to, reason);
  return { offset: logStart, floorWindow, logStart, logEnd, lost, fresh: true };
}

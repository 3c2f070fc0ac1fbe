// Where each record goes: into the open object, into a new one, or nowhere yet (its window is still open).
// Pure, so that every boundary rule is tested without I/O.
import { isUsableTimestamp, USABLE_TIMESTAMP_LIMIT, windowMs, windowStartOf } from './window';

export type Placement = 'append' | 'open' | 'rotate' | 'stop';

export interface OpenObjectState {
  windowStartMs: number;
  records: number;
  /** Upper bound of the object's stored size if this record were appended. */
  storedBoundWithRecord: number;
}

export interface PlacementRules {
  maxObjectBytes: number;
  flushOpenWindow: boolean;
}

/**
 * A new object starts when the record's window is later than the open object's, or when the record would
 * push the object past the size limit (an object always takes at least one record, so a record larger
 * than the limit gets an object of its own). A record whose window is still open is left for a later
 * invocation unless open windows are flushed.
 */
export function placeRecord(open: OpenObjectState | undefined, recordWindow: number, recordWindowClosed: boolean, rules: PlacementRules): Placement {
  const mayStart = recordWindowClosed || rules.flushOpenWindow;
  if (!open) return mayStart ? 'open' : 'stop';
  if (recordWindow > open.windowStartMs) return mayStart ? 'rotate' : 'stop';
  return fitsSizeLimit(open.records, open.storedBoundWithRecord, rules.maxObjectBytes) ? 'append' : 'rotate';
}

/** Whether one more record keeps the object within the size limit: an empty object takes any record. */
export function fitsSizeLimit(records: number, storedBoundWithRecord: number, maxObjectBytes: number): boolean {
  return records === 0 || storedBoundWithRecord <= maxObjectBytes;
}

/** What a record's timestamp can say about when it belongs: nothing, too far ahead or behind, or where. */
export type TimestampVerdict = 'usable' | 'none' | 'ahead' | 'behind';

export interface WindowRules {
  windowMinutes: number;
  windowGraceSeconds: number;
  /** How far a timestamp may run ahead of the clock, or behind the window being filled, and still place its record. */
  timestampToleranceMs: number;
}

/**
 * Producers set CreateTime from their own clocks. A timestamp far ahead of the clock would open a window
 * that stays open for years (a stalled partition) or pull every later record into it; one far behind the
 * window being filled says nothing trustworthy either. Such records are dumped all the same, by the time
 * they are dumped, and counted.
 */
export function judgeTimestamp(timestampMs: number, floorWindow: number | undefined, nowMs: number, toleranceMs: number): TimestampVerdict {
  if (!isUsableTimestamp(timestampMs)) return 'none';
  if (timestampMs > nowMs + toleranceMs) return 'ahead';
  if (floorWindow !== undefined && timestampMs < floorWindow - toleranceMs) return 'behind';
  return 'usable';
}

/**
 * The window a record is filed under. Windows never go backwards within a partition, so that key order
 * stays offset order: a late record (timestamp before the previous object's window) joins the current
 * window. A record whose timestamp is out of tolerance joins the current window too. A record without any
 * timestamp (message format v0, or a producer that sets none) is filed by when it is dumped: the latest
 * window already closed, so that a topic without timestamps still moves through the date folders.
 * Without a current window, both take the latest closed one: a window that moves with the clock would
 * never close, and the record would wait forever.
 */
export function recordWindow(timestampMs: number, verdict: TimestampVerdict, floorWindow: number | undefined, nowMs: number, rules: WindowRules): number {
  if (verdict === 'usable') {
    const own = windowStartOf(timestampMs, rules.windowMinutes);
    return floorWindow !== undefined && floorWindow > own ? floorWindow : own;
  }
  const closed = windowStartOf(nowMs - windowMs(rules.windowMinutes) - rules.windowGraceSeconds * 1000, rules.windowMinutes);
  if (floorWindow === undefined) return closed;
  return verdict === 'none' && closed > floorWindow ? closed : floorWindow;
}

/** Timestamps t with from <= t < below and t <= notAfter: see appendingTimestamps. */
export interface TimestampSpan {
  from: number;
  below: number;
  notAfter: number;
}

/**
 * The timestamps that file a record in the open object's window as usable: within tolerance of the clock
 * and of the window, and of no later window. Such a record is appended unless the size limit says rotate
 * (judgeTimestamp, recordWindow and placeRecord answer 'usable' and 'append' for exactly these), so the
 * writer checks three numbers per record and decides in full only at the edges: a busy partition's records
 * nearly all land here.
 */
export function appendingTimestamps(windowStartMs: number, nowMs: number, rules: WindowRules): TimestampSpan {
  return {
    from: Math.max(0, windowStartMs - rules.timestampToleranceMs),
    below: Math.min(windowStartMs + windowMs(rules.windowMinutes), USABLE_TIMESTAMP_LIMIT),
    notAfter: nowMs + rules.timestampToleranceMs,
  };
}

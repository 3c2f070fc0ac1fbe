// Where each record goes: into the open object, into a new one, or nowhere yet (its window is still open).
// Pure, so that every boundary rule is tested without I/O.
import { isUsableTimestamp, windowStartOf } from './window';

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
  if (open.records > 0 && open.storedBoundWithRecord > rules.maxObjectBytes) return 'rotate';
  return 'append';
}

/**
 * The window a record is filed under. Windows never go backwards within a partition, so that key order
 * stays offset order: a late record (timestamp before the previous object's window) joins the current
 * window. A record without a usable timestamp (see isUsableTimestamp) joins the current window too.
 */
export function recordWindow(timestampMs: number, windowMinutes: number, floorWindow: number | undefined, fallbackNowMs: number): number {
  if (!isUsableTimestamp(timestampMs)) return floorWindow ?? windowStartOf(fallbackNowMs, windowMinutes);
  const own = windowStartOf(timestampMs, windowMinutes);
  return floorWindow !== undefined && floorWindow > own ? floorWindow : own;
}

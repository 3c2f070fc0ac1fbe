// Time windows of the key layout, aligned to UTC. Pure arithmetic on epoch milliseconds.

export function windowMs(windowMinutes: number): number {
  return windowMinutes * 60_000;
}

export function windowStartOf(timestampMs: number, windowMinutes: number): number {
  const size = windowMs(windowMinutes);
  return Math.floor(timestampMs / size) * size;
}

/** A window is closed once the wall clock is past its end plus the grace period for late records. */
export function isWindowClosed(windowStartMs: number, windowMinutes: number, graceSeconds: number, nowMs: number): boolean {
  return nowMs >= windowStartMs + windowMs(windowMinutes) + graceSeconds * 1000;
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first instant of the year 10000: key dates have four digits. */
export const USABLE_TIMESTAMP_LIMIT = 253402300800000;

/** Timestamps the key layout can use: from 1970 to the year 9999 (a -1 means the producer set none). */
export function isUsableTimestamp(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms < USABLE_TIMESTAMP_LIMIT;
}

import { judgeTimestamp, placeRecord, recordWindow } from '../../src/dump/rotation';
import { isWindowClosed, utcDate, windowStartOf } from '../../src/dump/window';

const MIN = 60_000;
const rules = { maxObjectBytes: 1000, flushOpenWindow: false };

describe('windows', () => {
  it('align to UTC multiples of the window size', () => {
    const t = Date.UTC(2026, 0, 1, 10, 7, 30);
    expect(windowStartOf(t, 5)).toBe(Date.UTC(2026, 0, 1, 10, 5));
    expect(windowStartOf(t, 60)).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(utcDate(Date.UTC(2026, 0, 1, 23, 59))).toBe('2026-01-01');
  });

  it('close after their end plus the grace period', () => {
    const start = Date.UTC(2026, 0, 1, 10, 5);
    expect(isWindowClosed(start, 5, 30, start + 5 * MIN + 29_999)).toBe(false);
    expect(isWindowClosed(start, 5, 30, start + 5 * MIN + 30_000)).toBe(true);
  });
});

describe('judgeTimestamp', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0);
  const hour = 60 * MIN;

  it('accepts timestamps within the tolerance of the clock and of the window being filled', () => {
    expect(judgeTimestamp(now + hour, undefined, now, hour)).toBe('usable');
    expect(judgeTimestamp(now - 30 * 24 * hour, undefined, now, hour)).toBe('usable');
    expect(judgeTimestamp(now - hour, now, now, hour)).toBe('usable');
  });

  it('refuses a producer clock far ahead, one far behind the current window, and none at all', () => {
    expect(judgeTimestamp(Date.UTC(2100, 0, 1), undefined, now, hour)).toBe('ahead');
    expect(judgeTimestamp(now + hour + 1, undefined, now, hour)).toBe('ahead');
    expect(judgeTimestamp(Date.UTC(1970, 0, 1, 0, 0, 1), now, now, hour)).toBe('behind');
    expect(judgeTimestamp(-1, now, now, hour)).toBe('none');
    expect(judgeTimestamp(253402300800000, undefined, now, hour)).toBe('none');
  });
});

describe('recordWindow', () => {
  const rules = { windowMinutes: 5, windowGraceSeconds: 30, timestampToleranceMs: 60 * MIN };

  it("files a record under its own window, never one before the previous object's", () => {
    const t = Date.UTC(2026, 0, 1, 10, 7);
    expect(recordWindow(t, 'usable', undefined, 0, rules)).toBe(Date.UTC(2026, 0, 1, 10, 5));
    const later = Date.UTC(2026, 0, 1, 11, 0);
    expect(recordWindow(t, 'usable', later, 0, rules)).toBe(later);
  });

  it('files a record with a timestamp out of tolerance under the current window, or the latest closed one', () => {
    const now = Date.UTC(2026, 0, 1, 10, 7);
    // At 10:07 the 10:00 window is closed (10:05 plus 30 s of grace); 10:05 is still open.
    expect(recordWindow(Date.UTC(2100, 0, 1), 'ahead', undefined, now, rules)).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(recordWindow(Date.UTC(2100, 0, 1), 'ahead', 600_000, now, rules)).toBe(600_000);
    expect(recordWindow(0, 'behind', Date.UTC(2026, 0, 1, 10, 5), now, rules)).toBe(Date.UTC(2026, 0, 1, 10, 5));
  });

  it('files a record without a timestamp by when it is dumped, never before the current window', () => {
    const now = Date.UTC(2026, 0, 1, 10, 7);
    expect(recordWindow(-1, 'none', undefined, now, rules)).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(recordWindow(-1, 'none', 600_000, now, rules)).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(recordWindow(-1, 'none', Date.UTC(2026, 0, 1, 10, 5), now, rules)).toBe(Date.UTC(2026, 0, 1, 10, 5));
  });
});

describe('placeRecord', () => {
  const open = (window: number, records: number, bound: number) => ({ windowStartMs: window, records, storedBoundWithRecord: bound });

  it('opens an object for a record of a closed window and stops at a record of an open one', () => {
    expect(placeRecord(undefined, 0, true, rules)).toBe('open');
    expect(placeRecord(undefined, 0, false, rules)).toBe('stop');
    expect(placeRecord(undefined, 0, false, { ...rules, flushOpenWindow: true })).toBe('open');
  });

  it('appends while the object stays within the size limit', () => {
    expect(placeRecord(open(0, 3, 1000), 0, true, rules)).toBe('append');
    expect(placeRecord(open(0, 3, 1001), 0, true, rules)).toBe('rotate');
  });

  it('gives a record larger than the limit an object of its own', () => {
    expect(placeRecord(open(0, 0, 5000), 0, true, rules)).toBe('append');
  });

  it('rotates when the window moves on, unless the new window is still open', () => {
    expect(placeRecord(open(0, 3, 10), 5 * MIN, true, rules)).toBe('rotate');
    expect(placeRecord(open(0, 3, 10), 5 * MIN, false, rules)).toBe('stop');
    expect(placeRecord(open(0, 3, 10), 5 * MIN, false, { ...rules, flushOpenWindow: true })).toBe('rotate');
  });
});

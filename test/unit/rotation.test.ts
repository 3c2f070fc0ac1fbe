import { appendingTimestamps, judgeTimestamp, placeRecord, recordWindow } from '../../src/dump/rotation';
import { isWindowClosed, USABLE_TIMESTAMP_LIMIT, utcDate, windowStartOf } from '../../src/dump/window';

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

describe('appendingTimestamps', () => {
  // The full decision for a record offered to an open object with room: usable and appended, or not.
  const appendsInFull = (t: number, windowStart: number, now: number, w: { windowMinutes: number; windowGraceSeconds: number; timestampToleranceMs: number }) => {
    const verdict = judgeTimestamp(t, windowStart, now, w.timestampToleranceMs);
    const window = recordWindow(t, verdict, windowStart, now, w);
    const closed = isWindowClosed(window, w.windowMinutes, w.windowGraceSeconds, now);
    return verdict === 'usable' && placeRecord({ windowStartMs: windowStart, records: 1, storedBoundWithRecord: 0 }, window, closed, rules) === 'append';
  };
  const inSpan = (t: number, s: { from: number; below: number; notAfter: number }) => t >= s.from && t < s.below && t <= s.notAfter;

  it('holds exactly the timestamps the full decision appends as usable, at every edge', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let checked = 0;
    const disagreements: Array<{ t: number; windowStart: number; now: number }> = [];
    for (let i = 0; i < 2000; i++) {
      const w = { windowMinutes: [1, 5, 60, 1440][i % 4]!, windowGraceSeconds: 30, timestampToleranceMs: [0, 1000, 24 * 3600_000][i % 3]! };
      // Some windows at the epoch, where a tolerance reaches below zero.
      const windowStart = windowStartOf((i % 10 === 0 ? 0 : Date.UTC(2026, 0, 1)) + Math.floor(random() * (i % 10 === 0 ? 1e7 : 1e10)), w.windowMinutes);
      const now = windowStart + Math.floor((random() - 0.3) * 3 * w.windowMinutes * MIN);
      const span = appendingTimestamps(windowStart, now, w);
      const edges = [span.from, span.below, span.notAfter, windowStart, windowStart + w.windowMinutes * MIN, now, now + w.timestampToleranceMs];
      const candidates = [...edges.flatMap((e) => [e - 1, e, e + 1]), windowStart + Math.floor(random() * 2 * w.windowMinutes * MIN) - w.windowMinutes * MIN, -2, -1, 0, NaN];
      for (const t of candidates) {
        if (inSpan(t, span) !== appendsInFull(t, windowStart, now, w)) disagreements.push({ t, windowStart, now });
        checked++;
      }
    }
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThan(40_000);
  });

  it('stops below the year 10000, which keys cannot name', () => {
    // 7-minute windows do not divide a day: the last one straddles the limit.
    const w = { windowMinutes: 7, windowGraceSeconds: 30, timestampToleranceMs: 0 };
    const windowStart = windowStartOf(USABLE_TIMESTAMP_LIMIT - 1, 7);
    expect(windowStart + 7 * MIN).toBeGreaterThan(USABLE_TIMESTAMP_LIMIT);
    const span = appendingTimestamps(windowStart, USABLE_TIMESTAMP_LIMIT + MIN, w);
    expect(inSpan(USABLE_TIMESTAMP_LIMIT - 1, span)).toBe(true);
    expect(inSpan(USABLE_TIMESTAMP_LIMIT, span)).toBe(false);
    expect(appendsInFull(USABLE_TIMESTAMP_LIMIT, windowStart, USABLE_TIMESTAMP_LIMIT + MIN, w)).toBe(false);
  });
});

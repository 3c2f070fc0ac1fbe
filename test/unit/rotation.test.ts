import { placeRecord, recordWindow } from '../../src/dump/rotation';
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

describe('recordWindow', () => {
  it("files a record under its own window, never one before the previous object's", () => {
    const t = Date.UTC(2026, 0, 1, 10, 7);
    expect(recordWindow(t, 5, undefined, 0)).toBe(Date.UTC(2026, 0, 1, 10, 5));
    const later = Date.UTC(2026, 0, 1, 11, 0);
    expect(recordWindow(t, 5, later, 0)).toBe(later);
  });

  it('files a record without a timestamp under the current window', () => {
    expect(recordWindow(-1, 5, 600_000, 0)).toBe(600_000);
    expect(recordWindow(-1, 5, undefined, 7 * MIN)).toBe(5 * MIN);
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

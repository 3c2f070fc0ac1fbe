import { parseTickEvent } from '../../src/scheduler/event';
import { fanOut } from '../../src/scheduler/fan-out';
import { Pacer } from '../../src/scheduler/pacer';
import { planTick } from '../../src/scheduler/plan';

describe('planTick', () => {
  const p = (partition: number, end: number, committed?: number, topic = 't') => ({ topic, topicId: 'topic-1', partition, end, committed });

  it('invokes only partitions with records beyond the committed offset, furthest behind first', () => {
    const plan = planTick([p(0, 10, 10), p(1, 15, 5), p(2, 0), p(3, 7, 0), p(4, 3)]);
    expect(plan.work.map((w) => [w.partition, w.lag])).toEqual([
      [1, 10],
      [3, 7],
      [4, 3],
    ]);
    expect(plan.idle.map((w) => w.partition)).toEqual([0, 2]);
    expect(plan.totalLag).toBe(20);
  });

  it('dumps a partition added after the dump began from its first record', () => {
    const plan = planTick([p(0, 10, 10), p(1, 5), p(0, 4, undefined, 'fresh')]);
    expect(plan.work.map((w) => [w.topic, w.partition, w.fromEarliest])).toEqual([
      ['t', 1, true],
      ['fresh', 0, false],
    ]);
  });

  it('costs nothing on an idle topic', () => {
    expect(planTick([p(0, 5, 5), p(1, 0)]).work).toEqual([]);
  });

  it('names a partition that has not advanced for three windows while records wait, with its last stop reason', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0);
    const rules = { nowMs: now, windowMinutes: 5, windowGraceSeconds: 30 };
    const at = (minutesAgo: number, stop: string) => ({ advancedAt: now - minutesAgo * 60_000, stop });
    const plan = planTick(
      [
        { ...p(0, 10, 5), metadata: at(16, 'open-window') },
        { ...p(1, 10, 5), metadata: at(15, 'no-progress') },
        { ...p(2, 10, 10), metadata: at(600, 'caught-up') },
        { ...p(3, 10, 5), metadata: {} },
      ],
      rules,
    );
    expect(plan.stalled).toEqual([{ topic: 't', partition: 0, lag: 5, advancedAt: now - 16 * 60_000, lastStop: 'open-window' }]);
  });
});

describe('parseTickEvent', () => {
  it('accepts SCF timer events and manual runs', () => {
    expect(parseTickEvent({ Type: 'Timer', TriggerName: 'every-5-min', Time: '2026-11-24T10:05:30Z', Message: '' }).Type).toBe('Timer');
    expect(parseTickEvent({}).Type).toBe('Manual');
    expect(parseTickEvent({ Type: 'Manual' }).Type).toBe('Manual');
  });

  it.each([null, 'tick', { Type: 'Timer' }, { Type: 'COS', Records: [] }, { Type: 'Manual', extra: 1 }])('rejects %j with one clear error', (event) => {
    expect(() => parseTickEvent(event)).toThrow(/malformed scheduler event/);
  });
});

describe('Pacer', () => {
  it('spaces starts by the interval, never bunching them', () => {
    let now = 1000;
    const pacer = new Pacer(10, { now: () => now });
    expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 100, 200]);
    now = 1500; // idle time does not bank slots for a burst
    expect([pacer.reserve(), pacer.reserve()]).toEqual([0, 100]);
  });
});

describe('fanOut', () => {
  it('retries throttled calls and reports the ones that keep failing, starting each item once', async () => {
    const calls: number[] = [];
    const failures = new Map([
      [2, 2],
      [5, Infinity],
    ]);
    const result = await fanOut({
      items: [1, 2, 3, 4, 5],
      invoke: async (item) => {
        calls.push(item);
        const left = failures.get(item) ?? 0;
        if (left > 0) {
          failures.set(item, left - 1);
          throw Object.assign(new Error(item === 5 ? 'AuthFailure' : 'throttled'), { retriable: item !== 5 });
        }
      },
      isRetriable: (err) => (err as { retriable: boolean }).retriable,
      perSecond: 1000,
      concurrency: 3,
      deadline: Date.now() + 10_000,
    });
    expect(result.started.sort()).toEqual([1, 2, 3, 4]);
    expect(result.failed).toEqual([{ item: 5, error: 'AuthFailure', attempts: 1 }]);
    expect(calls.filter((c) => c === 2)).toHaveLength(3);
    expect(result.requests).toBe(calls.length);
  });

  it('names every item it had no time left for', async () => {
    const result = await fanOut({ items: ['a', 'b'], invoke: async () => {}, isRetriable: () => true, perSecond: 1, concurrency: 1, deadline: Date.now() + 500 });
    expect(result.started).toEqual(['a']);
    expect(result.failed.map((f) => f.item)).toEqual(['b']);
  });
});

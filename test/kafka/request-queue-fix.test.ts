// kafkajs 2.2.4 re-armed its request queue's check every millisecond on every open connection, forever
// (src/kafka/request-queue-fix.ts). With the fix, an idle connection runs no check at all, and requests
// that wait (a throttled broker) are still sent once the wait is over.
import RequestQueue from 'kafkajs/src/network/requestQueue';
import { KafkaClient } from '../../src/kafka/client';
// The way every kafkajs user in the project gets the fix; the scheduling tests below call the patched method.
import '../../src/kafka/kafkajs';
import { createTopic, testBrokers, uniqueTopic } from '../support/kafka';

describe('kafkajs request queue', () => {
  it('runs no checks on idle connections, where kafkajs alone ran one a millisecond', async () => {
    const topic = uniqueTopic('idle-queue');
    await createTopic(topic, 2);
    const client = await KafkaClient.connect({ brokers: testBrokers().split(','), clientId: 'idle-queue-test' });
    const check = jest.spyOn(RequestQueue.prototype, 'checkPendingRequests');
    try {
      // Metadata, then a committed offset from the coordinator: two kafkajs connections that answered.
      expect((await client.partitions([topic])).get(topic)).toEqual([0, 1]);
      await client.committedOffset(`group-${topic}`, topic, 0);
      check.mockClear();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(check).not.toHaveBeenCalled();
    } finally {
      check.mockRestore();
      await client.close();
    }
  });

  describe('scheduling', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    /** The fields scheduleCheckPendingRequests reads, on a queue with `pending` requests throttled until `throttledUntil`. */
    function queue(pending: number, throttledUntil: number) {
      return { pending: Array.from({ length: pending }), throttledUntil, throttleCheckTimeoutId: null as NodeJS.Timeout | null, checkPendingRequests: jest.fn(), scheduleCheckPendingRequests: RequestQueue.prototype.scheduleCheckPendingRequests };
    }

    it('arms nothing with nothing pending and no throttle', () => {
      const q = queue(0, -1);
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
      jest.advanceTimersByTime(1000);
      expect(q.checkPendingRequests).not.toHaveBeenCalled();
    });

    it('checks waiting requests when the throttle ends, not before', () => {
      const q = queue(2, Date.now() + 250);
      q.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(249);
      expect(q.checkPendingRequests).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);
      expect(q.throttleCheckTimeoutId).toBeNull();
    });

    it('checks waiting requests after 10 ms when the throttle is over (kafkajs keeps them waiting for in-flight room)', () => {
      const q = queue(1, Date.now() - 5);
      q.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(9);
      expect(q.checkPendingRequests).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);
    });

    it('arms a check for a throttle still running with nothing pending, and only one at a time', () => {
      const q = queue(0, Date.now() + 100);
      q.scheduleCheckPendingRequests();
      q.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(100);
      expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);
    });
  });
});

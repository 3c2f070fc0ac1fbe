// kafkajs 2.2.4 re-arms a timer after every check of a connection's request queue, even with nothing
// pending and no throttle: the delay is then `throttledUntil - now`, negative, so Node runs it after 1 ms,
// and it re-arms itself, for as long as the connection is open (kafkajs issues 1556, 1604 and 1704; the fix
// of pull request 1667 is not released, and kafkajs has had no release since 2.2.4). For the consumer that
// was about 370 wake-ups a second per connection, each running kafkajs's check, and V8 optimizing Node's
// timer loop for them: CPU that grows with the invocation's length, not with its work.
// This replaces the scheduling with kafkajs's own rule minus the loop: a check is armed while requests
// wait (after the throttle, or kafkajs's 10 ms), or while a throttle lasts; otherwise the next
// response or request triggers the check, as kafkajs's own comment above the method says it should.
import RequestQueue from 'kafkajs/src/network/requestQueue';

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: KafkaJsRequestQueue): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  let delay: number;
  if (this.pending.length > 0) delay = throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (throttledFor > 0) delay = throttledFor;
  else return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};

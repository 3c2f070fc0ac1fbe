// The seeded COS fault mix of the soaks: error answers (500, 503, SlowDown) on one operation, connection
// resets on writes, or latency on everything, each for a bounded number of requests.
import type { CosFaultRule, CosOperation } from '../../src/local/cos-server';

export function pickWith(random: () => number): <T>(items: readonly T[]) => T {
  return (items) => items[Math.floor(random() * items.length)]!;
}

const ERROR_OPERATIONS: CosOperation[] = ['PutObject', 'UploadPart', 'CompleteMultipartUpload', 'InitiateMultipartUpload', 'ListObjects', 'GetObject', 'HeadObject'];
const WRITE_OPERATIONS: CosOperation[] = ['PutObject', 'UploadPart', 'CompleteMultipartUpload'];

export function randomCosFault(random: () => number): CosFaultRule {
  const pick = pickWith(random);
  const roll = random();
  if (roll < 0.5) {
    return {
      op: pick(ERROR_OPERATIONS),
      probability: 0.05 + random() * 0.25,
      times: 5 + Math.floor(random() * 25),
      fault: pick([
        { kind: 'status', status: 500, code: 'InternalError' },
        { kind: 'status', status: 503, code: 'ServiceUnavailable' },
        { kind: 'status', status: 503, code: 'SlowDown' },
      ] as const),
    };
  }
  if (roll < 0.8) return { op: pick(WRITE_OPERATIONS), probability: 0.1, times: 1 + Math.floor(random() * 4), fault: { kind: 'reset' } };
  return { op: '*', probability: 0.2, times: 20, fault: { kind: 'latency', ms: 100 + Math.floor(random() * 300) } };
}

// The dump settings the unit tests start from: the product's defaults, with 1 MiB parts.
import type { DumpSettings } from '../../src/dump/partition-dumper';

export const TEST_DUMP_SETTINGS: DumpSettings = {
  format: 'lines',
  formatSettings: {},
  compression: 'none',
  windowMinutes: 5,
  windowGraceSeconds: 30,
  flushOpenWindow: false,
  timestampToleranceMs: 3_600_000,
  maxObjectBytes: 524288000,
  partSizeBytes: 1024 * 1024,
  uploadConcurrency: 2,
  storageClass: 'STANDARD',
  startPosition: 'earliest',
  onOffsetOutOfRange: 'fail',
};

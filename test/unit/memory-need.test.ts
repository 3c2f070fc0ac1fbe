import { estimatedPeakMiB, type MemorySettings } from '../../src/consumer/memory-need';

const MiB = 1024 * 1024;
const defaults: MemorySettings = { format: 'lines', compression: 'none', partSizeBytes: 8 * MiB, uploadConcurrency: 2 };

describe('estimatedPeakMiB', () => {
  it('stays a little above the peaks the benchmark measured with the default parts', () => {
    // npm run bench and probes, 2026-11-30 (MiB): lines 115-117, jsonl 115-116, lines+gzip 143, jsonl+gzip 140.
    const measured: Array<[Partial<MemorySettings>, number]> = [
      [{}, 117],
      [{ format: 'jsonl' }, 116],
      [{ compression: 'gzip' }, 143],
      [{ format: 'jsonl', compression: 'gzip' }, 140],
    ];
    for (const [settings, peak] of measured) {
      const estimate = estimatedPeakMiB({ ...defaults, ...settings });
      expect(estimate).toBeGreaterThanOrEqual(peak);
      expect(estimate).toBeLessThanOrEqual(peak + 12);
    }
    // Without compression the defaults fit SCF's 128 MB; with gzip they do not.
    expect(estimatedPeakMiB({ ...defaults, format: 'jsonl' })).toBeLessThanOrEqual(128);
    expect(estimatedPeakMiB({ ...defaults, compression: 'gzip' })).toBeGreaterThan(128);
  });

  it('grows with the part size and the uploads in flight', () => {
    expect(estimatedPeakMiB({ ...defaults, partSizeBytes: 32 * MiB })).toBe(95 + 3 * 32);
    expect(estimatedPeakMiB({ ...defaults, uploadConcurrency: 4 })).toBe(95 + 5 * 8);
  });
});

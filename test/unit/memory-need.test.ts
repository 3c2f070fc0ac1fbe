import { estimatedPeakMiB, type MemorySettings } from '../../src/consumer/memory-need';

const MiB = 1024 * 1024;
const defaults: MemorySettings = { format: 'lines', compression: 'none', partSizeBytes: 8 * MiB, uploadConcurrency: 2 };

describe('estimatedPeakMiB', () => {
  it('stays a little above the peaks the benchmark measured with the default parts', () => {
    // Two runs of npm run bench, 2026-11-30 (MiB): lines 115-117, jsonl 137-140, lines+gzip 193-198, jsonl+gzip 201-207.
    const measured: Array<[Partial<MemorySettings>, number]> = [
      [{}, 117],
      [{ format: 'jsonl' }, 140],
      [{ compression: 'gzip' }, 198],
      [{ format: 'jsonl', compression: 'gzip' }, 207],
    ];
    for (const [settings, peak] of measured) {
      const estimate = estimatedPeakMiB({ ...defaults, ...settings });
      expect(estimate).toBeGreaterThanOrEqual(peak);
      expect(estimate).toBeLessThanOrEqual(peak + 20);
    }
    // The defaults fit SCF's 128 MB; the others do not.
    expect(estimatedPeakMiB(defaults)).toBeLessThanOrEqual(128);
  });

  it('grows with the part size and the uploads in flight', () => {
    expect(estimatedPeakMiB({ ...defaults, partSizeBytes: 32 * MiB })).toBe(95 + 3 * 32);
    expect(estimatedPeakMiB({ ...defaults, uploadConcurrency: 4 })).toBe(95 + 5 * 8);
  });
});

// What a configuration needs, judged against what SCF gives: the product's promise is that the defaults
// of every format fit the 128 MB function the original ran at, and that a bigger setting says so.
import { estimatedPeakMiB, type MemorySettings } from '../../src/consumer/memory-need';
import { loadConfig } from '../../src/config/config';
import { FORMAT_NAMES, FORMATS } from '../../src/dump/format';
import { scfMemorySizeFor } from '../../src/deploy/scf-memory';

const MiB = 1024 * 1024;
const defaults: MemorySettings = { format: 'lines', compression: 'none', partSizeBytes: 8 * MiB, uploadConcurrency: 2 };

describe('estimatedPeakMiB', () => {
  it('fits every format with the default parts into 128 MB, without compression and with gzip or zstd where they apply', () => {
    for (const format of FORMAT_NAMES) {
      const compressions = FORMATS[format].objectCompression ? (['none', 'gzip', 'zstd'] as const) : (['none'] as const);
      const formatSettings = loadConfig({ FORMAT: format }, 'tool').dump.formatSettings;
      for (const compression of compressions) expect([format, compression, scfMemorySizeFor(estimatedPeakMiB({ ...defaults, format, compression, formatSettings }))]).toEqual([format, compression, 128]);
    }
  });

  it('stays above the peaks the benchmark measured (README, Benchmarks), so the warning comes before an out-of-memory stop', () => {
    // On Node.js 18.15 (SCF's runtime), 2026-12-02, npm run bench and 1 GiB probes into the local COS server
    // (MiB): lines 99-103, jsonl 98-100, lines+gzip 101 on log JSON and 108-116 on poorly compressible
    // records (ProducerPerformance's random 1 KiB payloads), jsonl+gzip 98, lines+zstd 92-97, parquet 110.
    const measured: Array<[Partial<MemorySettings>, number]> = [
      [{}, 103],
      [{ format: 'jsonl' }, 100],
      [{ compression: 'gzip' }, 116],
      [{ format: 'jsonl', compression: 'gzip' }, 98],
      [{ compression: 'zstd' }, 97],
      [{ format: 'parquet', formatSettings: loadConfig({ FORMAT: 'parquet' }, 'tool').dump.formatSettings }, 110],
    ];
    for (const [settings, peak] of measured) expect(estimatedPeakMiB({ ...defaults, ...settings })).toBeGreaterThanOrEqual(peak);
  });

  it('asks for a bigger function when parts are bigger or more go up at once', () => {
    expect(scfMemorySizeFor(estimatedPeakMiB({ ...defaults, partSizeBytes: 32 * MiB }))).toBeGreaterThan(128);
    expect(estimatedPeakMiB({ ...defaults, uploadConcurrency: 4 })).toBeGreaterThan(estimatedPeakMiB(defaults));
    expect(estimatedPeakMiB({ ...defaults, partSizeBytes: 4 * MiB })).toBeLessThan(estimatedPeakMiB(defaults));
  });
});

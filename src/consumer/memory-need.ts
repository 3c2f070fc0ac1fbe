// The memory a consumer configuration needs, so that a function sized too small says so in its log
// before SCF kills it mid-object. Fitted to the peaks two runs of `npm run bench` measured (README,
// Benchmarks) with 8 MiB parts and two uploads in flight: lines 115-117 MiB, jsonl 137-140, lines+gzip
// 193-198, jsonl+gzip 201-207; the estimate keeps a few MiB above them.
const MiB = 1024 * 1024;

export interface MemorySettings {
  format: 'lines' | 'jsonl';
  compression: 'none' | 'gzip';
  partSizeBytes: number;
  uploadConcurrency: number;
}

/** Node, the bundle and the V8 heap of a dump in `lines`; jsonl builds a string per record on top. */
const BASE_MIB = { lines: 95, jsonl: 118 };
/** gzip members being gathered and compressed (three part-sized buffers), and compressed output awaiting GC. */
const GZIP_EXTRA_PARTS = 3;
const GZIP_EXTRA_MIB = 58;

/** Estimated peak RSS in MiB: parts in flight plus the one being filled, on top of the format's base. */
export function estimatedPeakMiB(s: MemorySettings): number {
  const part = s.partSizeBytes / MiB;
  const gzip = s.compression === 'gzip' ? GZIP_EXTRA_PARTS * part + GZIP_EXTRA_MIB : 0;
  return Math.ceil(BASE_MIB[s.format] + (s.uploadConcurrency + 1) * part + gzip);
}

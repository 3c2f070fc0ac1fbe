// The memory a consumer configuration needs, so that a function sized too small says so in its log
// before SCF kills it mid-object. Fitted to the peaks `npm run bench` measured (README, Benchmarks) with
// 8 MiB parts and two uploads in flight: lines and jsonl 115-117 MiB, with gzip 140-143; the estimate
// keeps a few MiB above them.
const MiB = 1024 * 1024;

export interface MemorySettings {
  format: 'lines' | 'jsonl';
  compression: 'none' | 'gzip';
  partSizeBytes: number;
  uploadConcurrency: number;
}

/** Node, the bundle, V8's heap and the fetch buffers. */
const BASE_MIB = 95;
/** gzip members being compressed, and compressed output that waits for V8 to collect it. */
const GZIP_MIB = 30;

/** Estimated peak RSS in MiB: the uploads in flight and the part being filled, on top of the base. */
export function estimatedPeakMiB(s: MemorySettings): number {
  const part = s.partSizeBytes / MiB;
  return Math.ceil(BASE_MIB + (s.uploadConcurrency + 1) * part + (s.compression === 'gzip' ? GZIP_MIB : 0));
}

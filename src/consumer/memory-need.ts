// The memory a consumer configuration needs, so that a function sized too small says so in its log
// before SCF kills it mid-object. Fitted to the peaks measured on SCF's Node.js 18.15 (`npm run bench` and
// probes, README, Benchmarks) with 8 MiB parts and two uploads in flight: lines and jsonl 97-103 MiB, with
// gzip 101-116 (116 on poorly compressible records), with zstd 92-97; the estimate keeps a few MiB above.
import { COMPRESSIONS, type CompressionName } from '../dump/compression';
import { FORMATS, type FormatName, type FormatSettings } from '../dump/format';

const MiB = 1024 * 1024;

export interface MemorySettings {
  format: FormatName;
  compression: CompressionName;
  partSizeBytes: number;
  uploadConcurrency: number;
  formatSettings?: FormatSettings;
}

/** Node, the bundle, V8's heap and the fetch buffers. */
const BASE_MIB = 85;

/** Estimated peak RSS in MiB: the uploads in flight and the part being filled, on top of the base, plus what the format and compression hold. */
export function estimatedPeakMiB(s: MemorySettings): number {
  const part = s.partSizeBytes / MiB;
  return Math.ceil(BASE_MIB + (s.uploadConcurrency + 1) * part + FORMATS[s.format].memoryMiB(s.formatSettings ?? {}) + COMPRESSIONS[s.compression].memoryMiB);
}

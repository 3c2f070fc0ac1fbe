// The memory sizes SCF offers a function: 64 MB, then steps of 128 MB up to 3072 MB.
export const SCF_MEMORY_SIZES_MB = [64, ...Array.from({ length: 24 }, (_, i) => (i + 1) * 128)];

/** The smallest SCF memory size that holds a process of this peak RSS. */
export function scfMemorySizeFor(peakMiB: number): number {
  return SCF_MEMORY_SIZES_MB.find((size) => size >= peakMiB) ?? SCF_MEMORY_SIZES_MB[SCF_MEMORY_SIZES_MB.length - 1]!;
}

// The benchmark's report: the median of repeated runs, a markdown table, a bar chart as SVG, and the
// README section. Pure.
import { SCF_NODE_VERSION } from '../src/local/scf-node';
import type { ColdStartRow } from './cold-start';
import type { CpuSplit } from './cpu-split';
import type { SmallInvocation } from './small-invocation';

export interface ThroughputRow {
  dataset: string;
  recordBytes: number;
  tool: string;
  seconds: number;
  mbPerSecond: number;
  peakRssMiB: number;
  cpuSeconds: number;
  /** CPU the local COS server spent storing this run's data (into-COS runs only). */
  serverCpuSeconds?: number;
}

export interface Measure {
  seconds: number;
  mbPerSecond: number;
  peakRssMiB: number;
  cpuSecondsPerGiB: number;
  /** CPU the local COS server spent per GiB storing the data (into-COS runs only). */
  serverCpuSecondsPerGiB?: number;
}

/** One compressed dataset: our consumer (into COS, null sink) and kcat to a file on the same topic. */
export interface CompressedRow {
  dataset: string;
  producer: string;
  codec: string;
  records: number;
  /** Dumped size: every value and a newline, in MB (1e6). */
  megabytes: number;
  /** Dumped size over the size of the partition's log on disk. */
  compressionRatio: number;
  intoCos: Measure;
  /**
   * Into COS as a reused SCF instance's next invocation: CPU and time of that dump alone, peak RSS of the
   * process that made both. Absent from results recorded before it was measured.
   */
  warmIntoCos?: Measure;
  nullSink: Measure;
  kcat: Measure;
  /**
   * Our COS client alone storing as many bytes from memory, in the consumer's parts and objects: the fastest
   * any consumer can store into the local COS server on this machine. Absent from earlier results.
   */
  uploadOnly?: Measure;
}

/** One FORMAT and COMPRESSION into COS. */
export interface FormatRow extends Measure {
  format: string;
  compression: string;
  dataset: string;
  /** Bytes of the data objects in COS. */
  storedBytes: number;
  scfMemoryMb: number;
}

/** The targets of compressed topics: memory within the 128 MB function, speed and CPU near kcat's. */
export const COMPRESSED_TARGETS = { peakRssMiB: 128, intoCosVsKcat: 0.8, cpuPerGiBVsKcat: 1.5 };

export function compressedVerdict(row: CompressedRow): { rss: boolean; speed: number; cpu: number; speedMet: boolean; cpuMet: boolean } {
  const speed = row.intoCos.mbPerSecond / row.kcat.mbPerSecond;
  const cpu = row.intoCos.cpuSecondsPerGiB / row.kcat.cpuSecondsPerGiB;
  return {
    rss: Math.max(row.intoCos.peakRssMiB, row.warmIntoCos?.peakRssMiB ?? 0, row.nullSink.peakRssMiB) <= COMPRESSED_TARGETS.peakRssMiB,
    speed,
    cpu,
    speedMet: speed >= COMPRESSED_TARGETS.intoCosVsKcat,
    cpuMet: cpu <= COMPRESSED_TARGETS.cpuPerGiBVsKcat,
  };
}

/**
 * The most into-COS / kcat this machine allows on a row. Sharing the cores, our consumer and the local COS
 * server take at least their CPU-seconds together over the cores (the broker's aside); on CPUs split
 * between them (--service-cpus), at least the longer of each one's CPU-seconds over its own CPUs.
 * Undefined when the server's CPU was not measured.
 */
export function intoCosCeiling(row: CompressedRow, machine: Pick<Machine, 'cpus' | 'split'>): number | undefined {
  const server = row.intoCos.serverCpuSecondsPerGiB;
  if (server === undefined || machine.cpus <= 0) return undefined;
  const gib = (row.megabytes * 1e6) / 1024 ** 3;
  const ours = row.intoCos.cpuSecondsPerGiB * gib;
  const { split } = machine;
  const seconds = split ? Math.max(ours / split.contestants.length, (server * gib) / split.services.length) : (ours + server * gib) / machine.cpus;
  return row.kcat.seconds / seconds;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  consumerNode?: string;
  java: string;
  kafka: string;
  /** The broker and the COS server on CPUs of their own (--service-cpus). */
  split?: CpuSplit;
}

export interface BenchResults {
  date: string;
  /** Rounds of the throughput runs; each row is its tool's median run. */
  repeat: number;
  machine: Machine;
  throughput: ThroughputRow[];
  ratios: Array<{ dataset: string; name: string; value: number; target: number; met: boolean }>;
  /** Sections not run (`--only`) are absent. */
  compressed?: CompressedRow[];
  memory?: {
    backlogGiB: number;
    peakRssMiB: number;
    seconds: number;
    scfMemoryMb: number;
    gbSecondsPerGiB: number;
    met: boolean;
    /** The same backlog as FORMAT=parquet (its default snappy pages and row groups). */
    parquet?: { peakRssMiB: number; seconds: number; met: boolean };
  };
  /** Each output format and compression into COS on the same data, and the SCF size it needs. */
  formats?: FormatRow[];
  /** Loading the consumer bundle in a fresh process, with its code cache and without. */
  coldStart?: ColdStartRow[];
  /** A whole invocation that finds a few new records, as a quiet partition's every schedule tick. */
  smallInvocation?: SmallInvocation;
  fanOut?: { partitions: number; withWork: number; invoked: number; drops: number; configuredRate: number; measuredRate: number; ratio: number; met: boolean };
}

/** Every target of the sections that ran is met. */
export function allTargetsMet(r: BenchResults): boolean {
  const compressed = (r.compressed ?? []).every((row) => {
    const v = compressedVerdict(row);
    return v.rss && v.speedMet && v.cpuMet;
  });
  return r.ratios.every((x) => x.met) && (r.memory?.met ?? true) && (r.memory?.parquet?.met ?? true) && (r.fanOut?.met ?? true) && compressed;
}

/**
 * Runs every variant once a round, in turn, for `rounds` rounds, and gives each one's results by name: a
 * slow moment of this shared machine then falls on no variant in particular.
 */
export async function inTurns<T>(rounds: number, variants: ReadonlyArray<readonly [string, () => Promise<T>]>, onResult?: (name: string, result: T) => void): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of variants) {
      const result = await run();
      results.get(name)!.push(result);
      onResult?.(name, result);
    }
  }
  return results;
}

/** The upper median of some figures. */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The run of median duration (the upper median for an even count). */
export function medianRun<T extends { seconds: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

export function markdownReport(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`Measured ${r.date} on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node} (our consumer: Node ${r.machine.consumerNode ?? r.machine.node}${r.machine.consumerNode === SCF_NODE_VERSION ? ", SCF's Nodejs18.15 runtime" : ''}), ${r.machine.java}, Apache Kafka ${r.machine.kafka}, all on one machine${r.machine.split ? `, the broker and the COS server on CPUs ${r.machine.split.services.join(',')} and the contestants on CPUs ${r.machine.split.contestants.join(',')}` : ''}. Throughput rows: the median of ${r.repeat} rounds.`);
  if (r.throughput.length > 0) {
    lines.push('');
    lines.push('| dataset | tool | seconds | MB/s | peak RSS (MiB) | CPU seconds | COS server CPU seconds |');
    lines.push('|---|---|---:|---:|---:|---:|---:|');
    for (const row of r.throughput) {
      const server = row.serverCpuSeconds === undefined ? '' : fmt(row.serverCpuSeconds, 1);
      lines.push(`| ${row.dataset} | ${row.tool} | ${fmt(row.seconds, 2)} | ${fmt(row.mbPerSecond)} | ${fmt(row.peakRssMiB)} | ${fmt(row.cpuSeconds, 1)} | ${server} |`);
    }
  }
  if (r.compressed && r.compressed.length > 0) {
    const t = COMPRESSED_TARGETS;
    lines.push('');
    lines.push(
      `Compressed topics (one partition; MB/s of dumped data, every value and a newline). Targets: peak RSS <= ${t.peakRssMiB} MiB, into COS >= ${fmt(t.intoCosVsKcat, 1)}x kcat, CPU-s per GiB <= ${fmt(t.cpuPerGiBVsKcat, 1)}x kcat. ` +
        (r.machine.split
          ? `"at most": the most into COS / kcat this machine allows, as our consumer has ${r.machine.split.contestants.length} of its CPUs and the COS server ${r.machine.split.services.length}: kcat's time over the longer of each one's CPU-seconds divided by its CPUs. `
          : `"at most": the most into COS / kcat this machine allows, as our consumer and the COS server share its ${r.machine.cpus} cores: kcat's time over their CPU-seconds together divided by ${r.machine.cpus}. `) +
        '"upload only": our COS client alone storing as many bytes from memory, in the consumer\'s parts and objects, into the same COS server: the fastest any consumer stores there on this machine, so into COS / kcat cannot pass upload only / kcat. ' +
        '"warm": into COS as the next invocation of a reused SCF instance, after a first dump in the same process (CPU of that dump alone, peak RSS of the process); the CPU ratio is the cold run\'s.',
    );
    lines.push('');
    lines.push('| dataset | producer | codec | MB | ratio on disk | ours into COS MB/s | null sink MB/s | kcat MB/s | into COS / kcat | peak RSS MiB, into COS / warm / null / kcat | CPU-s per GiB, into COS / warm / null / kcat | COS server CPU-s per GiB | met |');
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
    for (const row of r.compressed) {
      const v = compressedVerdict(row);
      const met = [v.rss ? '' : 'RSS', v.speedMet ? '' : 'speed', v.cpuMet ? '' : 'CPU'].filter(Boolean);
      const ceiling = intoCosCeiling(row, r.machine);
      const server = row.intoCos.serverCpuSecondsPerGiB;
      lines.push(
        `| ${row.dataset} | ${row.producer} | ${row.codec} | ${fmt(row.megabytes)} | ${fmt(row.compressionRatio, 1)}x | ${fmt(row.intoCos.mbPerSecond)} | ${fmt(row.nullSink.mbPerSecond)} | ${fmt(row.kcat.mbPerSecond)} | ` +
          `${fmt(v.speed, 2)}x${ceiling === undefined ? '' : `, at most ${fmt(ceiling, 2)}x`}${row.uploadOnly ? `; upload only ${fmt(row.uploadOnly.mbPerSecond / row.kcat.mbPerSecond, 2)}x` : ''} | ${fmt(row.intoCos.peakRssMiB)} / ${row.warmIntoCos ? fmt(row.warmIntoCos.peakRssMiB) : '-'} / ${fmt(row.nullSink.peakRssMiB)} / ${fmt(row.kcat.peakRssMiB)} | ` +
          `${fmt(row.intoCos.cpuSecondsPerGiB, 2)} / ${row.warmIntoCos ? fmt(row.warmIntoCos.cpuSecondsPerGiB, 2) : '-'} / ${fmt(row.nullSink.cpuSecondsPerGiB, 2)} / ${fmt(row.kcat.cpuSecondsPerGiB, 2)} (${fmt(v.cpu, 2)}x) | ${server === undefined ? '' : fmt(server, 2)} | ${met.length === 0 ? 'yes' : `no: ${met.join(', ')}`} |`,
      );
    }
  }
  const m = r.memory;
  const f = r.fanOut;
  if (r.ratios.length > 0 || m || f) {
    lines.push('');
    lines.push('| target | measured | goal | met |');
    lines.push('|---|---:|---:|:---:|');
    for (const ratio of r.ratios) lines.push(`| ${ratio.dataset}: ${ratio.name} | ${fmt(ratio.value, 2)}x | ${fmt(ratio.target, 2)}x | ${ratio.met ? 'yes' : 'no'} |`);
    if (m) lines.push(`| peak RSS dumping a ${m.backlogGiB} GiB backlog into COS | ${fmt(m.peakRssMiB)} MiB | 128 MiB | ${m.met ? 'yes' : 'no'} |`);
    if (m?.parquet) lines.push(`| peak RSS dumping the ${m.backlogGiB} GiB backlog into COS as parquet | ${fmt(m.parquet.peakRssMiB)} MiB | 128 MiB | ${m.parquet.met ? 'yes' : 'no'} |`);
    if (f) lines.push(`| fan-out to ${f.withWork} of ${f.partitions} partitions | ${fmt(f.measuredRate, 1)}/s (${fmt(f.ratio * 100)}% of ${f.configuredRate}/s), ${f.drops} dropped | 95%, 0 dropped | ${f.met ? 'yes' : 'no'} |`);
  }
  if (m) {
    lines.push('');
    lines.push(
      `Serverless cost: the ${m.backlogGiB} GiB dump took ${fmt(m.seconds, 1)} s at ${fmt(m.peakRssMiB)} MiB peak, so it fits SCF's ${m.scfMemoryMb} MB size: ` +
        `${fmt(m.gbSecondsPerGiB, 2)} GB-seconds per GiB dumped (multiply by your region's SCF price per GB-second).`,
    );
  }
  if (r.formats && r.formats.length > 0) {
    const yardstick = r.formats.find((row) => row.format === 'lines' && row.compression === 'gzip');
    lines.push('');
    lines.push(`Output formats, into COS (MB/s of the records' values and a newline each, ${r.formats[0]!.dataset}):`);
    lines.push('');
    lines.push('| FORMAT | COMPRESSION | seconds | MB/s | CPU-s per GiB | peak RSS (MiB) | stored (MB) | stored / lines+gzip | SCF memory size (MB) |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of r.formats) {
      const versus = yardstick ? `${fmt(row.storedBytes / yardstick.storedBytes, 2)}x` : '';
      lines.push(`| ${row.format} | ${row.compression} | ${fmt(row.seconds, 1)} | ${fmt(row.mbPerSecond)} | ${fmt(row.cpuSecondsPerGiB, 2)} | ${fmt(row.peakRssMiB)} | ${fmt(row.storedBytes / 1e6)} | ${versus} | ${row.scfMemoryMb} |`);
    }
  }
  if (r.coldStart && r.coldStart.length > 0) {
    lines.push('');
    lines.push(`Cold start: a fresh Node.js ${r.machine.consumerNode ?? r.machine.node} process loading the consumer bundle, until its handler is in hand (medians):`);
    lines.push('');
    lines.push('| process | ms from start | CPU ms | RSS (MiB) | code cache |');
    lines.push('|---|---:|---:|---:|---|');
    for (const row of r.coldStart) lines.push(`| ${row.variant} | ${fmt(row.milliseconds)} | ${fmt(row.cpuMilliseconds)} | ${fmt(row.rssMiB)} | ${row.codeCache ?? ''} |`);
  }
  const small = r.smallInvocation;
  if (small) {
    lines.push('');
    lines.push(`A whole invocation that finds ${small.records} new records (${fmt(small.megabytes * 1000)} KB, ${small.codec} from kcat), as a quiet partition costs on every schedule tick (medians of ${small.runs}):`);
    lines.push('');
    lines.push('| run | ms | CPU ms | peak RSS (MiB) |');
    lines.push('|---|---:|---:|---:|');
    for (const row of small.rows) lines.push(`| ${row.variant} | ${fmt(row.milliseconds)} | ${fmt(row.cpuMilliseconds)} | ${row.peakRssMiB === undefined ? '' : fmt(row.peakRssMiB)} |`);
  }
  return lines.join('\n');
}

/** Horizontal bars of MB/s per tool, one group per dataset. */
export function svgChart(r: BenchResults): string {
  const datasets = [...new Set(r.throughput.map((row) => row.dataset))];
  const tools = [...new Set(r.throughput.map((row) => row.tool))];
  const colors = ['#2f6fb0', '#7fb3e0', '#e08a2f', '#8a8a8a', '#5aa05a'];
  const max = Math.max(...r.throughput.map((row) => row.mbPerSecond));
  const barH = 16;
  const groupGap = 26;
  const left = 230;
  const width = 760;
  const scale = (width - left - 80) / max;
  let y = 40;
  const parts: string[] = [];
  for (const dataset of datasets) {
    parts.push(`<text x="10" y="${y + 4}" font-weight="bold">${dataset}</text>`);
    y += 10;
    for (const [i, tool] of tools.entries()) {
      const row = r.throughput.find((t) => t.dataset === dataset && t.tool === tool);
      if (!row) continue;
      const w = Math.max(1, row.mbPerSecond * scale);
      parts.push(`<text x="20" y="${y + barH - 4}">${tool}</text>`);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colors[i % colors.length]}"/>`);
      parts.push(`<text x="${(left + w + 6).toFixed(1)}" y="${y + barH - 4}">${row.mbPerSecond.toFixed(0)} MB/s</text>`);
      y += barH + 4;
    }
    y += groupGap;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Reading one partition to storage, MB/s (higher is better)</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

export const README_START = '<!-- benchmark results: generated by `npm run bench`, do not edit by hand -->';
export const README_END = '<!-- end of benchmark results -->';

export function withBenchmarkSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error('README.md has no benchmark markers');
  return `${readme.slice(0, start)}${README_START}\n${section}\n${readme.slice(end)}`;
}

import { allTargetsMet, intoCosCeiling, markdownReport, medianRun, README_END, README_START, svgChart, withBenchmarkSection, type BenchResults, type CompressedRow } from '../../bench/report';

const results: BenchResults = {
  date: '2026-11-30',
  repeat: 3,
  machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 24, node: '20', java: 'java 17', kafka: '3.9.2' },
  throughput: [
    { dataset: '1 KiB', recordBytes: 1024, tool: 'ckafka-to-cos, null sink', seconds: 2, mbPerSecond: 500, peakRssMiB: 100, cpuSeconds: 1.5 },
    { dataset: '1 KiB', recordBytes: 1024, tool: 'ckafka-to-cos, into COS', seconds: 4, mbPerSecond: 250, peakRssMiB: 120, cpuSeconds: 2, serverCpuSeconds: 3.5 },
  ],
  ratios: [{ dataset: '1 KiB', name: 'into COS vs null sink', value: 0.5, target: 0.8, met: false }],
  memory: { backlogGiB: 2, peakRssMiB: 140, seconds: 16, scfMemoryMb: 256, gbSecondsPerGiB: 2, met: false, parquet: { peakRssMiB: 121, seconds: 20, met: true } },
  formats: [
    { format: 'lines', compression: 'gzip', dataset: '1 GiB of log JSON', seconds: 18, mbPerSecond: 59.7, cpuSecondsPerGiB: 24.5, peakRssMiB: 143, storedBytes: 200e6, scfMemoryMb: 256 },
    { format: 'parquet', compression: 'snappy pages', dataset: '1 GiB of log JSON', seconds: 6.04, mbPerSecond: 177.8, cpuSecondsPerGiB: 4.25, peakRssMiB: 120.4, storedBytes: 91e6, scfMemoryMb: 128 },
  ],
  fanOut: { partitions: 1000, withWork: 900, invoked: 900, drops: 0, configuredRate: 50, measuredRate: 49.5, ratio: 0.99, met: true },
};

describe('benchmark report', () => {
  it('renders every row, the server CPU, and unmet targets as unmet', () => {
    const md = markdownReport(results);
    expect(md).toContain('the median of 3 rounds');
    expect(md).toContain('| 1 KiB | ckafka-to-cos, into COS | 4.00 | 250 | 120 | 2.0 | 3.5 |');
    expect(md).toContain('| 1 KiB: into COS vs null sink | 0.50x | 0.80x | no |');
    expect(md).toContain('| peak RSS dumping a 2 GiB backlog into COS | 140 MiB | 128 MiB | no |');
    expect(md).toContain('| peak RSS dumping the 2 GiB backlog into COS as parquet | 121 MiB | 128 MiB | yes |');
    expect(md).toContain('49.5/s (99% of 50/s), 0 dropped | 95%, 0 dropped | yes |');
    expect(md).toContain('| lines | gzip | 18.0 | 60 | 24.50 | 143 | 200 | 1.00x | 256 |');
    // Stored bytes against lines + gzip, whatever the row order.
    expect(md).toContain('| parquet | snappy pages | 6.0 | 178 | 4.25 | 120 | 91 | 0.46x | 128 |');
    expect(svgChart(results)).toContain('250 MB/s');
  });

  it('gives the cold start of each variant with what its code cache did', () => {
    const coldStart = [
      { variant: 'Node.js alone', milliseconds: 23.4, cpuMilliseconds: 25.1, rssMiB: 42.2 },
      { variant: 'consumer bundle with its code cache', milliseconds: 50.2, cpuMilliseconds: 53, rssMiB: 51.4, codeCache: 'accepted' },
    ];
    const md = markdownReport({ ...results, machine: { ...results.machine, consumerNode: '18.15.0' }, coldStart });
    expect(md).toContain('a fresh Node.js 18.15.0 process loading the consumer bundle');
    expect(md).toContain('| Node.js alone | 23 | 25 | 42 |  |');
    expect(md).toContain('| consumer bundle with its code cache | 50 | 53 | 51 | accepted |');
    expect(markdownReport(results)).not.toContain('Cold start');
  });

  it('replaces only the README section between its markers, and refuses a README without them', () => {
    const readme = `# x\n\nbefore\n${README_START}\nold table\n${README_END}\nafter\n`;
    const updated = withBenchmarkSection(readme, 'new table');
    expect(updated).toBe(`# x\n\nbefore\n${README_START}\nnew table\n${README_END}\nafter\n`);
    expect(withBenchmarkSection(updated, 'newer')).toBe(`# x\n\nbefore\n${README_START}\nnewer\n${README_END}\nafter\n`);
    expect(() => withBenchmarkSection('# x\n', 'table')).toThrow(/no benchmark markers/);
  });
});

describe('compressed datasets in the report', () => {
  const measure = (mbPerSecond: number, peakRssMiB: number, cpuSecondsPerGiB: number) => ({ seconds: 1, mbPerSecond, peakRssMiB, cpuSecondsPerGiB });
  const row = (intoCos: number, rss: number, cpu: number): CompressedRow => ({
    dataset: 'log JSON, 1 KiB',
    producer: 'kcat (librdkafka)',
    codec: 'lz4',
    records: 1000,
    megabytes: 512,
    compressionRatio: 3.04,
    intoCos: measure(intoCos, rss, cpu),
    nullSink: measure(intoCos * 1.2, rss - 10, cpu - 0.5),
    kcat: measure(400, 30, 2),
  });

  it('gives each row its ratios against kcat and names the targets it misses', () => {
    const md = markdownReport({ ...results, throughput: [], ratios: [], memory: undefined, formats: undefined, fanOut: undefined, compressed: [row(400, 120, 2.5), row(300, 140, 3.2)] });
    expect(md).toContain('| log JSON, 1 KiB | kcat (librdkafka) | lz4 | 512 | 3.0x | 400 | 480 | 400 | 1.00x | 120 / - / 110 / 30 | 2.50 / - / 2.00 / 2.00 (1.25x) |  | yes |');
    expect(md).toContain('| 0.75x | 140 / - / 130 / 30 | 3.20 / - / 2.70 / 2.00 (1.60x) |  | no: RSS, speed, CPU |');
    expect(md).not.toContain('| target | measured |');
  });

  it("shows a reused instance's run beside the cold one, and holds its peak to the memory target", () => {
    const warm = { ...row(400, 120, 2.5), warmIntoCos: measure(420, 126, 2.1) };
    const over = { ...row(400, 120, 2.5), warmIntoCos: measure(420, 129, 2.1) };
    const md = markdownReport({ ...results, throughput: [], ratios: [], memory: undefined, formats: undefined, fanOut: undefined, compressed: [warm, over] });
    expect(md).toContain('| 1.00x | 120 / 126 / 110 / 30 | 2.50 / 2.10 / 2.00 / 2.00 (1.25x) |  | yes |');
    expect(md).toContain('| 1.00x | 120 / 129 / 110 / 30 | 2.50 / 2.10 / 2.00 / 2.00 (1.25x) |  | no: RSS |');
    expect(md).toContain('"warm": into COS as the next invocation of a reused SCF instance');
  });

  it("bounds into COS / kcat by the CPU our consumer and the COS server share on the machine's cores", () => {
    const shared = row(400, 120, 2.5);
    shared.intoCos.serverCpuSecondsPerGiB = 3.5;
    // 512 MB is 0.4768 GiB: (2.5 + 3.5) CPU-s per GiB make 2.861 CPU-s, at least 1.431 s on 2 cores; kcat took 1 s.
    expect(intoCosCeiling(shared, { cpus: 2 })).toBeCloseTo(1 / 1.4305, 3);
    expect(intoCosCeiling(shared, { cpus: 4 })).toBeCloseTo(2 / 1.4305, 3);
    expect(intoCosCeiling(row(400, 120, 2.5), { cpus: 2 })).toBeUndefined();
    const md = markdownReport({ ...results, throughput: [], ratios: [], memory: undefined, formats: undefined, fanOut: undefined, compressed: [shared] });
    expect(md).toContain('| 1.00x, at most 0.70x | 120 / - / 110 / 30 | 2.50 / - / 2.00 / 2.00 (1.25x) | 3.50 | yes |');
    expect(md).toContain('share its 2 cores');
  });

  it('bounds into COS / kcat by the slower of our consumer and the COS server, each on its own CPUs, under --service-cpus', () => {
    const split = row(400, 120, 2.5);
    split.intoCos.serverCpuSecondsPerGiB = 3.5;
    // 0.4768 GiB: ours 1.192 CPU-s on CPUs 0,1 take 0.596 s; the server's 1.669 CPU-s on CPUs 2,3 take 0.834 s, the longer.
    expect(intoCosCeiling(split, { cpus: 4, split: { services: [2, 3], contestants: [0, 1] } })).toBeCloseTo(1 / 0.8345, 3);
    // With the server on three CPUs, our consumer's 1.192 CPU-s on one CPU is the longer.
    expect(intoCosCeiling(split, { cpus: 4, split: { services: [1, 2, 3], contestants: [0] } })).toBeCloseTo(1 / 1.1921, 3);
    const md = markdownReport({ ...results, machine: { ...results.machine, cpus: 4, split: { services: [2, 3], contestants: [0, 1] } }, throughput: [], ratios: [], memory: undefined, formats: undefined, fanOut: undefined, compressed: [split] });
    expect(md).toContain('all on one machine, the broker and the COS server on CPUs 2,3 and the contestants on CPUs 0,1.');
    expect(md).toContain('| 1.00x, at most 1.20x |');
    expect(md).toContain('as our consumer has 2 of its CPUs and the COS server 2');
    expect(md).not.toContain('share its');
  });

  it('gives the speed of our COS client alone against kcat, the most into COS / kcat the machine allows', () => {
    const bounded = { ...row(300, 120, 2.5), uploadOnly: measure(340, 60, 1.1) };
    const md = markdownReport({ ...results, throughput: [], ratios: [], memory: undefined, formats: undefined, fanOut: undefined, compressed: [bounded] });
    expect(md).toContain('| 0.75x; upload only 0.85x | 120 / - / 110 / 30 | 2.50 / - / 2.00 / 2.00 (1.25x) |  | no: speed |');
    expect(md).toContain('"upload only": our COS client alone');
  });

  it('is met only when every compressed row meets every target', () => {
    const base = { ...results, ratios: [], memory: undefined, fanOut: undefined };
    expect(allTargetsMet({ ...base, compressed: [row(400, 120, 2.5)] })).toBe(true);
    expect(allTargetsMet({ ...base, compressed: [row(400, 120, 2.5), row(400, 129, 2.5)] })).toBe(false);
    expect(allTargetsMet({ ...base, compressed: [row(319, 120, 2.5)] })).toBe(false);
    expect(allTargetsMet({ ...base, compressed: [row(400, 120, 3.1)] })).toBe(false);
  });
});

describe('medianRun', () => {
  it('reports the middle run, not the best or the mean', () => {
    const runs = [{ seconds: 9, id: 'slow' }, { seconds: 2, id: 'fast' }, { seconds: 3, id: 'middle' }];
    expect(medianRun(runs).id).toBe('middle');
    expect(medianRun([{ seconds: 1 }])).toEqual({ seconds: 1 });
  });
});

// The kill soak: consumer processes (the built bundle, as SCF runs it) dump several partitions at once
// while producers keep appending (plain, gzip and transactional batches, some transactions aborted), COS
// answers with a seeded mix of errors, resets and latency, and each invocation is SIGKILLed at a step of
// the protocol drawn from a seeded generator (test/support/kill-plan.ts): in the lease, the clean-up of
// a dead holder's upload, the search for the chain's end, a part, the manifest, the data object, the
// head, or at a random instant (fetches, the group commit). Now and then a consumer is frozen instead
// (SIGSTOP) past its lease and resumed once a successor holds it: a zombie. The lease TTL is the minimum,
// 5 s. At the end the faults stop, every partition is dumped to its end, and each must hold every record
// exactly once: the invariant checker (manifests chain, objects byte for byte against kafkajs) and a
// census of every data object in COS (test/support/record-census.ts) must both agree.
//
// `npm test` runs a few kills; `npm run soak` runs SOAK_KILLS (default 1000). SOAK_SEED picks the plans,
// the production and the faults; SOAK_PARTITIONS, SOAK_FREEZE_RATE, SOAK_KEEP_LOGS=1 and SOAK_REPORT (a
// file for the report as JSON) are optional. The consumers' logs are kept when the soak fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataObjectKey } from '../../src/dump/keys';
import { seededRandom } from '../../src/local/fault-rules';
import { readDump } from '../../src/verify/read-dump';
import { startTestCos, type TestCos } from '../support/cos';
import { checkInvariant, kafkajsRecords } from '../support/invariant';
import { createTopic, uniqueTopic, withAdmin } from '../support/kafka';
import { injectFaults, KillSoak, spread } from '../support/kill-soak';
import { recordCensus, type CensusFormat } from '../support/record-census';
import { layoutOf, reliabilityEnv } from '../support/reliability';
import { SoakProduction } from '../support/soak-production';

function setting(name: string, fallback: number, valid: (n: number) => boolean, what: string): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new Error(`${name}=${raw} must be ${what}`);
  return value;
}
const isCount = (n: number) => Number.isInteger(n) && n > 0;
const KILLS = setting('SOAK_KILLS', 12, isCount, 'a positive integer');
const SEED = setting('SOAK_SEED', 14, Number.isInteger, 'an integer');
const PARTITIONS = setting('SOAK_PARTITIONS', KILLS >= 100 ? 12 : 4, (n) => isCount(n) && n <= 32, 'an integer from 1 to 32');
const FREEZE_RATE = setting('SOAK_FREEZE_RATE', 0.03, (n) => n >= 0 && n <= 0.5, 'a fraction from 0 to 0.5');
const KEEP_LOGS = process.env.SOAK_KEEP_LOGS === '1';

const PART_SIZE_BYTES = 1024 * 1024;

/**
 * Each partition is dumped its own way, so one soak crosses formats, compression, key layouts, window
 * flushing, and objects larger than a part (multipart uploads) or many small ones per invocation. The
 * census reads `lines` and `jsonl` objects; `parquet` partitions are checked by the invariant alone.
 */
const SHAPES = [
  { FORMAT: 'lines', COMPRESSION: 'none', FLUSH_OPEN_WINDOW: 'true', KEY_LAYOUT: 'original', MAX_OBJECT_BYTES: String(1536 * 1024), pastClock: false },
  { FORMAT: 'jsonl', COMPRESSION: 'gzip', FLUSH_OPEN_WINDOW: 'false', KEY_LAYOUT: 'original', MAX_OBJECT_BYTES: String(1536 * 1024), pastClock: true },
  { FORMAT: 'lines', COMPRESSION: 'gzip', FLUSH_OPEN_WINDOW: 'false', KEY_LAYOUT: 'hive', MAX_OBJECT_BYTES: String(192 * 1024), pastClock: true },
  { FORMAT: 'parquet', COMPRESSION: 'none', PARQUET_COMPRESSION: 'zstd', PARQUET_ROW_GROUP_BYTES: String(256 * 1024), FLUSH_OPEN_WINDOW: 'true', KEY_LAYOUT: 'hive', MAX_OBJECT_BYTES: String(1536 * 1024), pastClock: false },
  { FORMAT: 'jsonl', COMPRESSION: 'none', FLUSH_OPEN_WINDOW: 'true', KEY_LAYOUT: 'original', MAX_OBJECT_BYTES: String(128 * 1024), pastClock: false },
] as const;
const shapeOf = (partition: number) => SHAPES[partition % SHAPES.length]!;

let cos: TestCos;
beforeAll(async () => {
  cos = await startTestCos();
});
afterAll(async () => cos.stop());

function consumerEnvFor(topic: string, partition: number): Record<string, string> {
  const { pastClock: _, ...shape } = shapeOf(partition);
  return reliabilityEnv(cos, topic, { ...shape, PART_SIZE_BYTES: String(PART_SIZE_BYTES), FETCH_MAX_BYTES: String(256 * 1024), COS_TIMEOUT_SECONDS: '5', LEASE_TTL_SECONDS: '5', LOG_LEVEL: 'info' });
}

/** Everything wrong with one partition's dump after the calm: chain, content, census, mirror, key order. */
async function checkPartition(soak: KillSoak, topic: string, partition: number, dump: Awaited<ReturnType<typeof readDump>>, logEnd: number, committed: number): Promise<string[]> {
  const { report } = soak;
  const problems: string[] = [];
  const layout = layoutOf(topic);
  const chains = dump.filter((c) => c.partition === partition);
  if (chains.some((c) => c.generation !== 0)) problems.push(`chains of generations ${chains.map((c) => c.generation).join(', ')}: a new chain was started`);
  const records = await kafkajsRecords(topic, partition);
  report.recordsInKafka += records.length;
  const check = await checkInvariant({ store: cos.store, layout, topic, partition, dump, records, committed });
  problems.push(...check.problems, ...check.mismatches.map((m) => `${m.key}: ${m.message}`));
  report.recordsChecked += check.records;
  report.objects += check.objects;
  if (check.endOffset !== logEnd) problems.push(`the chain ends at ${check.endOffset}, the log at ${logEnd}`);
  if (committed !== logEnd) problems.push(`the group's offset is ${committed}, the log ends at ${logEnd}`);
  const lost = check.audit.findings.filter((f) => f.kind === 'lost');
  if (lost.length > 0) problems.push(`manifests record lost offsets: ${JSON.stringify(lost)}`);
  // Key order is offset order: what a reader of the data folder sees.
  const starts = chains.flatMap((c) => c.objects.map((o) => o.key)).sort().map((key) => parseDataObjectKey(key)!.startOffset);
  if (starts.some((s, i) => i > 0 && s <= starts[i - 1]!)) problems.push('data keys in key order are not in offset order');
  const format = shapeOf(partition).FORMAT;
  if (format === 'lines' || format === 'jsonl') {
    const census = await recordCensus(cos.store, layout, partition, format satisfies CensusFormat, records);
    report.census.partitions++;
    for (const field of ['objects', 'found', 'lost', 'duplicated', 'foreign'] as const) report.census[field] += census[field];
    if (census.lost + census.duplicated + census.foreign > 0) problems.push(`census: ${JSON.stringify(census)}`);
    if (census.expected !== check.records) problems.push(`the census expects ${census.expected} records, the invariant checked ${check.records}`);
  }
  return problems.map((p) => `partition ${partition}: ${p}`);
}

it(`survives ${KILLS} SIGKILLs of consumers across ${PARTITIONS} partitions under COS faults, with every record in COS exactly once (seed ${SEED})`, async () => {
  const started = Date.now();
  const topic = uniqueTopic('kill-soak');
  await createTopic(topic, PARTITIONS);
  const logDir = mkdtempSync(join(tmpdir(), 'kill-soak-logs-'));
  const production = new SoakProduction(topic, PARTITIONS, SEED * 31 + 1, shapeOf);
  const soak = new KillSoak({
    cos,
    topic,
    partitions: PARTITIONS,
    seed: SEED,
    freezeRate: FREEZE_RATE,
    logDir,
    production,
    env: (partition) => consumerEnvFor(topic, partition),
    multipart: (partition) => Number(shapeOf(partition).MAX_OBJECT_BYTES) > PART_SIZE_BYTES,
  });
  const { report } = soak;
  cos.server.faults.seed(SEED);
  const problems: string[] = [];
  let completed = false;
  try {
    await production.start();
    const producing = production.run();
    let killing = true;
    const faulting = injectFaults(cos, seededRandom(SEED * 17 + 3), () => killing);
    try {
      await soak.kill(KILLS);
    } finally {
      killing = false;
      production.stop();
      await Promise.all([producing, faulting]);
    }

    // Calm: no faults, no kills; every partition dumped to the end of its log, then checked.
    const ends = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const logEnd = (p: number) => Number(ends.find((o) => o.partition === p)!.high);
    problems.push(...(await soak.finish(logEnd)));
    const dump = await readDump(cos.store, layoutOf(topic));
    const offsets = await withAdmin((admin) => admin.fetchOffsets({ groupId: `group-${topic}`, topics: [topic] }));
    const committed = (p: number) => Number(offsets[0]!.partitions.find((o) => o.partition === p)?.offset ?? -1);
    for (let p = 0; p < PARTITIONS; p++) problems.push(...(await checkPartition(soak, topic, p, dump, logEnd(p), committed(p))));

    const uploads = await cos.listMultipartUploads(`${topic}/`);
    report.multipartUploadsLeft = uploads.length;
    report.uploadsLeftSamples = uploads.slice(0, 10).map((u) => `${u.key} ${u.uploadId}`);
    report.cosFaultsInjected = cos.server.faults.injected();
    report.cosFaultsTotal = Object.values(report.cosFaultsInjected).reduce((a, b) => a + b, 0);
    if (report.recordsInKafka !== report.produced.records) problems.push(`Kafka holds ${report.recordsInKafka} records, ${report.produced.records} were produced outside aborted transactions`);
    if (report.unexpectedExits.length > 0) problems.push(`consumers ended in an unexpected way: ${report.unexpectedExits.join(' | ')}`);
    if (report.kills < KILLS) problems.push(`${report.kills} kills landed, ${KILLS} were asked for`);
    if (report.cosFaultsTotal === 0) problems.push('no COS fault was injected');
    // Every partition's last holder listed and aborted what its predecessors left, recorded or not.
    if (report.multipartUploadsLeft > 0) problems.push(`${report.multipartUploadsLeft} multipart uploads were left neither completed nor aborted: ${report.uploadsLeftSamples.join(', ')}`);
    completed = true;
  } finally {
    soak.close();
    await production.close().catch(() => {});
    report.seconds = Math.round((Date.now() - started) / 1000);
    report.timings = Object.fromEntries(Object.entries(soak.timings).map(([name, values]) => [name, spread(values)]));
    if (!completed || problems.length > 0 || KEEP_LOGS) report.logs = logDir;
    else rmSync(logDir, { recursive: true, force: true });
    console.log(`kill soak report: ${JSON.stringify(report, null, 1)}`);
    if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, `${JSON.stringify({ report, problems }, null, 1)}\n`);
  }
  expect(problems).toEqual([]);
  expect(report.census).toMatchObject({ lost: 0, duplicated: 0, foreign: 0 });
}, (KILLS * 15 + 900) * 1000);

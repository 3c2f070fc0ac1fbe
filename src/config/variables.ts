// Every SCF environment variable the product reads, in one table: the loader, the README's configuration
// reference and the serverless.yml check all come from here. Formats add variables of their own.
import * as z from '../util/zod';
import { COMPRESSION_NAMES, COMPRESSIONS } from '../dump/compression';
import { FORMAT_NAMES, FORMATS } from '../dump/format/registry';
import { flag, integer, MiB, optionalText, text, withDefault, type FunctionRole, type Variable } from './variable';

export type { FunctionRole, Variable } from './variable';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const oneOf = (names: readonly string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join(''));
const choices = (registry: Record<string, { description: string }>) =>
  Object.entries(registry)
    .map(([name, spec]) => `\`${name}\`, ${spec.description}`)
    .join('; ');
const list = () =>
  z.pipe(
    z.pipe(
      text(),
      z.transform((raw: string) => raw.split(',').map((item) => item.trim()).filter(Boolean)),
    ),
    z.array(z.string()).check(z.minLength(1, 'must list at least one item')),
  );

const DECLARED = [
  {
    name: 'KAFKA_BROKERS',
    alias: 'kafka_address',
    schema: z.pipe(list(), z.array(z.string().check(z.regex(HOST_PORT, 'each broker must be host:port')))),
    description: "Comma-separated `host:port` list: the CKafka instance's VPC address (public address with SASL for access from outside the VPC).",
    requiredBy: ['consumer', 'scheduler'],
  },
  {
    name: 'KAFKA_TOPIC',
    alias: 'topic_name',
    schema: z.pipe(list(), z.array(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,249}$/, 'topic names use letters, digits, ".", "_" and "-" (at most 249)')))),
    description: 'Topic to dump; several topics may be listed, comma-separated (the scheduler fans out over all of them).',
    requiredBy: ['consumer', 'scheduler'],
  },
  {
    name: 'KAFKA_GROUP_ID',
    schema: optionalText(),
    description: "Consumer group whose committed offsets record the dump's progress (visible in the CKafka console).",
    default: 'the consumer function name',
  },
  {
    name: 'KAFKA_SASL_MECHANISM',
    schema: z.optional(z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], 'must be plain, scram-sha-256 or scram-sha-512'))),
    description: "SASL mechanism for public-network access (CKafka uses `plain`); set with the username and password.",
  },
  { name: 'KAFKA_SASL_USERNAME', schema: optionalText(), description: 'SASL username (CKafka: `instanceId#user`).' },
  { name: 'KAFKA_SASL_PASSWORD', schema: optionalText(), description: 'SASL password.', secret: true },
  { name: 'KAFKA_SSL', schema: flag('false'), description: 'Connect to the brokers with TLS.', default: 'false' },
  {
    name: 'KAFKA_SSL_CA',
    schema: z.optional(z.string().check(z.trim(), z.regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, 'must be a PEM certificate (-----BEGIN CERTIFICATE-----...)'))),
    description: "PEM certificate of the CA that signed the brokers' TLS certificates, when it is not a public CA (implies KAFKA_SSL).",
  },
  {
    name: 'CKAFKA_INSTANCE_ID',
    alias: 'instance_id',
    schema: z.pipe(text(), z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a CKafka instance id such as ckafka-abcd1234'))),
    description: 'CKafka instance id; the first segment of every object key.',
    requiredBy: ['consumer', 'scheduler'],
  },
  {
    name: 'CKAFKA_TOPIC_ID',
    alias: 'topic_id',
    schema: z.optional(z.string().check(z.trim(), z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a CKafka topic id such as topic-4dyo4uuw'))),
    description: 'CKafka topic id, the second key segment. Looked up with `DescribeTopicAttributes` when unset; only valid with a single topic.',
    default: 'looked up',
  },
  {
    name: 'COS_BUCKET',
    alias: 'bucket_address',
    schema: z.pipe(text(), z.string().check(z.regex(/^[a-z0-9-]{1,50}-\d{6,}(\.cos\.[a-z0-9-]+\.myqcloud\.com)?$/, 'must be a bucket name like name-1250000000 (or its cos.REGION.myqcloud.com address)'))),
    description: 'Destination bucket `name-appid`, in the same region as the CKafka instance. The original\'s full bucket address is accepted too.',
    requiredBy: ['consumer'],
  },
  {
    name: 'COS_REGION',
    alias: 'region',
    schema: z.optional(z.string().check(z.trim(), z.regex(/^[a-z]{2,}-[a-z0-9-]+$/, 'must be a region such as ap-guangzhou'))),
    description: "The bucket's region, such as `ap-guangzhou` (required unless the bucket address carries it).",
  },
  {
    name: 'COS_PREFIX',
    alias: 'file_path_prefix',
    schema: withDefault(
      z.string().check(
        z.trim(),
        z.refine((prefix) => !prefix.startsWith('/'), 'must not start with "/"'),
        z.refine((prefix) => !prefix.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain "." or ".." segments'),
        // eslint-disable-next-line no-control-regex
        z.refine((prefix) => !/[\u0000-\u001f\u007f]/.test(prefix), 'must not contain control characters'),
        z.refine((prefix) => !prefix.includes('//'), 'must not contain empty segments ("//")'),
        z.refine((prefix) => Buffer.byteLength(prefix) <= 200, 'must be at most 200 bytes (COS keys are at most 850)'),
      ),
      '',
    ),
    description: 'Key prefix for everything the product writes, such as `ckafka/` (no leading `/`).',
    default: '(empty)',
  },
  {
    name: 'COS_STORAGE_CLASS',
    schema: withDefault(
      z.pipe(z.string().check(z.trim(), z.toUpperCase()), z.enum(['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'ARCHIVE', 'DEEP_ARCHIVE', 'MAZ_STANDARD', 'MAZ_STANDARD_IA'], 'must be a COS storage class such as STANDARD or STANDARD_IA')),
      'STANDARD',
    ),
    description: 'Storage class of the data objects (the original used `STANDARD_IA`).',
    default: 'STANDARD',
  },
  { name: 'COS_ENDPOINT', schema: z.optional(z.string().check(z.trim(), z.url('must be a URL such as http://127.0.0.1:9000'))), description: 'COS address override, for the local COS server (`http://127.0.0.1:PORT`).', localOnly: true },
  { name: 'TC_SCF_ENDPOINT', schema: z.optional(z.string().check(z.trim(), z.url('must be a URL'))), description: 'SCF API address override, for the local API emulator.', localOnly: true },
  { name: 'TC_CKAFKA_ENDPOINT', schema: z.optional(z.string().check(z.trim(), z.url('must be a URL'))), description: 'CKafka API address override, for the local API emulator.', localOnly: true },
  {
    name: 'CONSUMER_FUNCTION_NAME',
    alias: 'consumer_function_name',
    schema: z.pipe(text(), z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{1,59}$/, 'must be an SCF function name'))),
    description: 'The consumer function the scheduler invokes.',
    requiredBy: ['scheduler'],
  },
  {
    name: 'FUNCTION_NAMESPACE',
    schema: withDefault(z.pipe(text(), z.string().check(z.regex(/^[A-Za-z0-9_-]{1,30}$/, 'must be an SCF namespace (letters, digits, "_" and "-")'))), 'default'),
    description: "The consumer function's namespace.",
    default: 'default',
  },
  {
    name: 'FUNCTION_QUALIFIER',
    schema: withDefault(z.pipe(text(), z.string().check(z.regex(/^(\$LATEST|[A-Za-z0-9_-]{1,64})$/, 'must be $LATEST, a version number or an alias name'))), '$LATEST'),
    description: 'Version or alias of the consumer function to invoke.',
    default: '$LATEST',
  },
  {
    name: 'PARTITION_SOURCE',
    schema: withDefault(z.enum(['kafka', 'ckafka-api'], 'must be kafka or ckafka-api'), 'kafka'),
    description: 'Where the scheduler finds partitions: Kafka metadata, or the CKafka API `DescribeTopicAttributes`.',
    default: 'kafka',
  },
  { name: 'INVOKE_RATE_PER_SECOND', schema: withDefault(integer(1, 1000), '50'), description: "Scheduler's pace of consumer invocations (SCF allows about 100 Invoke requests/s per account).", default: '50' },
  { name: 'INVOKE_CONCURRENCY', schema: withDefault(integer(1, 200), '16'), description: 'Invoke requests the scheduler keeps in flight at once.', default: '16' },
  {
    name: 'WINDOW_MINUTES',
    schema: withDefault(integer(5, 60).check(z.refine((minutes) => 60 % minutes === 0, 'must divide an hour (5, 6, 10, 12, 15, 20, 30 or 60), so that windows line up with hours and days')), '5'),
    description: 'Time window of the key layout and the timer period: 5, 6, 10, 12, 15, 20, 30 or 60 (a divisor of an hour, so windows never cross an hour or a day).',
    default: '5',
  },
  {
    name: 'WINDOW_GRACE_SECONDS',
    schema: withDefault(integer(0, 600), '30'),
    description: 'How long after its end a window stays open for late records before its last object is written.',
    default: '30',
  },
  {
    name: 'TIMESTAMP_TOLERANCE_MINUTES',
    schema: withDefault(integer(1, 7 * 24 * 60), '60'),
    description:
      "How far a record's timestamp may run ahead of the function's clock, or behind the window being written, and still file the record by its own time. A record beyond it (a producer with a wrong clock) is dumped all the same, filed under the window it is dumped in, counted (`unusableTimestamps`) and named in a warning.",
    default: '60',
  },
  {
    name: 'FLUSH_OPEN_WINDOW',
    schema: flag('false'),
    description: "Write the open window's records at the end of every invocation instead of waiting for the window to close (more, smaller objects; less latency).",
    default: 'false',
  },
  {
    name: 'MAX_OBJECT_BYTES',
    alias: 'partition_max_to_cos_bytes',
    schema: withDefault(integer(1024, 5 * 1024 * 1024 * 1024 * 1024), '524288000'),
    description: 'An object is split before it would pass this size (bytes stored, after compression).',
    default: '524288000',
  },
  { name: 'PART_SIZE_BYTES', schema: withDefault(integer(MiB, 5 * 1024 * MiB), String(8 * MiB)), description: 'Multipart upload part size, at least 1 MiB.', default: String(8 * MiB) },
  { name: 'COS_TIMEOUT_SECONDS', schema: withDefault(integer(5, 300), '30'), description: 'How long one COS request may take before it is retried (a part of PART_SIZE_BYTES must fit in it).', default: '30' },
  { name: 'UPLOAD_CONCURRENCY', schema: withDefault(integer(1, 16), '2'), description: 'Parts uploaded at once per consumer (memory is about PART_SIZE_BYTES × (this + 1), more with gzip).', default: '2' },
  {
    name: 'START_POSITION',
    alias: 'offset_type',
    schema: withDefault(
      z.pipe(
        z.string().check(z.trim(), z.toLowerCase()),
        z.union([z.enum(['earliest', 'latest']), z.pipe(z.string().check(z.regex(/^\d{10,16}$/, 'must be earliest, latest or an epoch-millisecond timestamp')), z.transform(Number))]),
      ),
      'earliest',
    ),
    description: 'Where a partition starts when the group has no committed offset: `earliest`, `latest` or an epoch-ms timestamp.',
    default: 'earliest',
  },
  {
    name: 'ON_OFFSET_OUT_OF_RANGE',
    schema: withDefault(z.enum(['fail', 'earliest'], 'must be fail or earliest'), 'fail'),
    description: 'When retention deleted records before they were dumped: `fail` the invocation (default), or log the lost range and go on from the earliest offset.',
    default: 'fail',
  },
  {
    name: 'KEY_LAYOUT',
    schema: withDefault(z.enum(['original', 'hive'], 'must be original or hive'), 'original'),
    description: 'Data object folders: `original`, `{instance}/{topic}/{YYYY-MM-DD}/`; `hive`, `{instance}/{topic}/dt={YYYY-MM-DD}/hour={HH}/` (partition folders that Hive, Spark, DLC and DuckDB read as columns).',
    default: 'original',
  },
  { name: 'FORMAT', schema: withDefault(z.enum(FORMAT_NAMES, `must be ${oneOf(FORMAT_NAMES)}`), 'lines'), description: `Data object format: ${choices(FORMATS)}.`, default: 'lines' },
  { name: 'COMPRESSION', schema: withDefault(z.enum(COMPRESSION_NAMES, `must be ${oneOf(COMPRESSION_NAMES)}`), 'none'), description: `Object compression: ${choices(COMPRESSIONS)}.`, default: 'none' },
  {
    name: 'LEASE_TTL_SECONDS',
    schema: withDefault(integer(5, 60), '30'),
    description: "How long a crashed consumer's partition lease blocks the next one; a live consumer renews it every third of this.",
    default: '30',
  },
  { name: 'FETCH_MAX_BYTES', schema: withDefault(integer(64 * 1024, 64 * MiB), String(2 * MiB)), description: 'Bytes asked of Kafka per fetch (a larger record is still fetched whole).', default: String(2 * MiB) },
  {
    name: 'DECOMPRESSED_BATCH_MAX_BYTES',
    schema: withDefault(integer(MiB, 256 * MiB), String(16 * MiB)),
    description:
      'The most bytes one compressed record batch may decompress to. Batches are decompressed one at a time into one reused buffer of this size, of which only the pages the largest batch wrote take memory; a batch over it fails the invocation naming its offset (nothing is written or committed). Raise it with the function\'s memory for topics of huge compressed records.',
    default: String(16 * MiB),
  },
  {
    name: 'LOG_LEVEL',
    schema: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], 'must be a pino level such as info or debug'), 'info'),
    description: 'Log level of the JSON log lines.',
    default: 'info',
  },
] as const satisfies readonly Variable[];

/** Variables the formats declare (their own settings), in the registry's order. */
export const FORMAT_VARIABLES: readonly Variable[] = Object.values(FORMATS).flatMap((spec) => spec.variables ?? []);

export const VARIABLES: readonly Variable[] = [...DECLARED, ...FORMAT_VARIABLES];

type Declared = (typeof DECLARED)[number];

/**
 * Each variable's parsed value, typed by its schema. A variable some function requires may still be
 * unset for the others (and for tools), so it may be undefined here.
 */
export type VariableValues = {
  [V in Declared as V['name']]: z.output<V['schema']> | (V extends { requiredBy: readonly FunctionRole[] } ? undefined : never);
};

/** Credentials SCF gives a function through its execution role. Users cannot set these names themselves. */
export const ROLE_VARIABLES = {
  secretId: 'TENCENTCLOUD_SECRETID',
  secretKey: 'TENCENTCLOUD_SECRETKEY',
  sessionToken: 'TENCENTCLOUD_SESSIONTOKEN',
  region: 'TENCENTCLOUD_REGION',
} as const;

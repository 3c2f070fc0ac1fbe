// The typed configuration both functions run on, and how it is read from the environment.
import { FORMATS } from '../dump/format/registry';
import type { FormatSettings } from '../dump/format/format';
import type { KeyLayout } from '../dump/keys';
import type { ObjectSettings } from '../dump/object-settings';
import { FORMAT_VARIABLES, VARIABLES, ROLE_VARIABLES, type FunctionRole, type Variable, type VariableValues } from './variables';

export type StartPosition = 'earliest' | 'latest' | number;

export interface Credentials {
  secretId: string;
  secretKey: string;
  sessionToken?: string;
}

export interface Config {
  kafka: {
    brokers: string[];
    topics: string[];
    /** Unset means the consumer function's own name, as in the original product. */
    groupId?: string;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
    /** TLS: off, on with the system's CAs, or on trusting the given CA certificates. */
    ssl: boolean | { ca: string[] };
    startPosition: StartPosition;
    onOffsetOutOfRange: 'fail' | 'earliest';
    fetchMaxBytes: number;
    decompressedBatchMaxBytes: number;
  };
  ckafka: { instanceId: string; topicId?: string; endpoint?: string };
  cos: {
    bucket: string;
    region: string;
    prefix: string;
    storageClass: string;
    endpoint?: string;
    partSizeBytes: number;
    maxObjectBytes: number;
    uploadConcurrency: number;
    timeoutMs: number;
  };
  dump: ObjectSettings & {
    keyLayout: KeyLayout;
    leaseTtlMs: number;
  };
  scheduler: {
    consumerFunctionName: string;
    namespace: string;
    qualifier: string;
    endpoint?: string;
    partitionSource: 'kafka' | 'ckafka-api';
    invokeRatePerSecond: number;
    invokeConcurrency: number;
  };
  credentials: Credentials;
  /** Region of the Tencent Cloud APIs (SCF, CKafka): the function's own, else the bucket's. */
  region: string;
  logLevel: string;
  /** Values that must never be logged. */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
type Values = VariableValues;

const PARTS_PER_UPLOAD_MAX = 10_000;
const OWN_PREFIXES = /^(KAFKA|CKAFKA|COS|TC|FUNCTION|WINDOW|INVOKE|UPLOAD|FETCH|PART|MAX|START|FLUSH|ON|TIMESTAMP|KEY|LEASE|LOG|FORMAT|COMPRESSION)_/;

/** An empty value counts as unset: deployment files and the SCF console leave optional variables empty. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function rawValue(env: Env, variable: Variable, problems: string[]): string | undefined {
  const value = present(env[variable.name]);
  const aliased = variable.alias ? present(env[variable.alias]) : undefined;
  if (value !== undefined && aliased !== undefined && value.trim() !== aliased.trim()) {
    problems.push(`${variable.name}: set to "${value}" but its alias ${variable.alias} says "${aliased}"; keep one`);
  }
  return value ?? aliased;
}

function label(variable: Variable): string {
  return variable.alias ? `${variable.name} (or ${variable.alias})` : variable.name;
}

function parseVariables(env: Env, role: FunctionRole | 'tool', problems: string[]): Values {
  // Filled variable by variable below, each value from its own schema.
  const values: Record<string, unknown> = {};
  for (const variable of VARIABLES) {
    const raw = rawValue(env, variable, problems);
    const required = role !== 'tool' && variable.requiredBy?.includes(role);
    if (raw === undefined) {
      if (required) {
        const empty = env[variable.name] !== undefined || (variable.alias !== undefined && env[variable.alias] !== undefined);
        problems.push(`${label(variable)}: required${empty ? ' but empty' : ''}; ${variable.description}`);
        continue;
      }
      // Unset and not needed by this function: its default if it has one, else nothing.
      const fallback = variable.schema.safeParse(undefined);
      values[variable.name] = fallback.success ? fallback.data : undefined;
      continue;
    }
    const parsed = variable.schema.safeParse(raw);
    if (parsed.success) values[variable.name] = parsed.data;
    else {
      const shown = variable.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${label(variable)}: ${parsed.error.issues.map((i) => i.message).join('; ')} (got ${shown})`);
    }
  }
  return values as Values;
}

/** The values of the variables the formats declare. */
function formatSettings(values: Values): FormatSettings {
  const all = values as unknown as Record<string, unknown>;
  return Object.fromEntries(FORMAT_VARIABLES.map((v) => [v.name, all[v.name]]));
}

/** Names that look like ours but are not: almost always a typo that would otherwise be silently ignored. */
export function unknownVariables(env: Env): string[] {
  const known = new Set(VARIABLES.flatMap((v) => [v.name, ...(v.alias ? [v.alias] : [])]));
  return Object.keys(env).filter((name) => OWN_PREFIXES.test(name) && !known.has(name));
}

function bucketAndRegion(values: Values, problems: string[]): { bucket: string; region: string } {
  const address = values.COS_BUCKET ?? '';
  const match = /^([a-z0-9-]+)\.cos\.([a-z0-9-]+)\.myqcloud\.com$/.exec(address);
  const bucket = match?.[1] ?? address;
  const region = values.COS_REGION ?? match?.[2] ?? '';
  if (match && values.COS_REGION && values.COS_REGION !== match[2]) {
    problems.push(`COS_REGION: "${values.COS_REGION}" but the bucket address names region "${match[2]}"`);
  }
  return { bucket, region };
}

function crossCheck(values: Values, role: FunctionRole | 'tool', problems: string[]): void {
  const sasl = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
  const setCount = sasl.filter((name) => values[name] !== undefined).length;
  if (setCount > 0 && setCount < sasl.length) {
    problems.push(`${sasl.filter((name) => values[name] === undefined).join(', ')}: required when any of ${sasl.join(', ')} is set`);
  }
  const topics = values.KAFKA_TOPIC;
  if (values.CKAFKA_TOPIC_ID && topics && topics.length > 1) {
    problems.push(`CKAFKA_TOPIC_ID: names one topic id but KAFKA_TOPIC lists ${topics.length} topics; unset it and ids are looked up per topic`);
  }
  const part = values.PART_SIZE_BYTES;
  const max = values.MAX_OBJECT_BYTES;
  if (max > part * PARTS_PER_UPLOAD_MAX) {
    problems.push(`MAX_OBJECT_BYTES: ${max} needs more than COS's ${PARTS_PER_UPLOAD_MAX} parts of PART_SIZE_BYTES ${part}; raise PART_SIZE_BYTES`);
  }
  const format = values.FORMAT === undefined ? undefined : FORMATS[values.FORMAT];
  if (format && !format.objectCompression && values.COMPRESSION !== undefined && values.COMPRESSION !== 'none') {
    problems.push(`COMPRESSION: ${values.FORMAT} compresses inside its files; leave COMPRESSION unset (or none) and use the format's own setting`);
  }
  if (format?.check && values.PART_SIZE_BYTES !== undefined) problems.push(...format.check(formatSettings(values), values.PART_SIZE_BYTES));
  if (role === 'consumer' && values.COS_BUCKET && !values.COS_REGION && !/\.cos\./.test(values.COS_BUCKET)) {
    problems.push('COS_REGION (or region): required; the bucket\'s region, such as ap-guangzhou');
  }
}

function credentials(env: Env, role: FunctionRole | 'tool', problems: string[]): Credentials {
  const secretId = env[ROLE_VARIABLES.secretId]?.trim() ?? '';
  const secretKey = env[ROLE_VARIABLES.secretKey]?.trim() ?? '';
  const sessionToken = env[ROLE_VARIABLES.sessionToken]?.trim() || undefined;
  if (role !== 'tool' && (!secretId || !secretKey)) {
    problems.push(
      `${ROLE_VARIABLES.secretId}, ${ROLE_VARIABLES.secretKey}: not set; bind an execution role to the function (SCF passes the role's temporary credentials in these variables)`,
    );
  }
  return { secretId, secretKey, sessionToken };
}

/**
 * Reads the configuration of one function from its environment. Every problem is collected and reported
 * at once, naming the variable, before anything is read or written.
 */
export function loadConfig(env: Env, role: FunctionRole | 'tool'): Config {
  const problems: string[] = [];
  const values = parseVariables(env, role, problems);
  crossCheck(values, role, problems);
  const creds = credentials(env, role, problems);
  const { bucket, region: bucketRegion } = bucketAndRegion(values, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const v = values;
  // crossCheck() made sure the three SASL variables come together.
  const sasl = v.KAFKA_SASL_MECHANISM ? { mechanism: v.KAFKA_SASL_MECHANISM, username: v.KAFKA_SASL_USERNAME!, password: v.KAFKA_SASL_PASSWORD! } : undefined;
  return {
    kafka: {
      brokers: v.KAFKA_BROKERS ?? [],
      topics: v.KAFKA_TOPIC ?? [],
      groupId: v.KAFKA_GROUP_ID,
      sasl,
      ssl: v.KAFKA_SSL_CA ? { ca: [v.KAFKA_SSL_CA] } : v.KAFKA_SSL,
      startPosition: v.START_POSITION,
      onOffsetOutOfRange: v.ON_OFFSET_OUT_OF_RANGE,
      fetchMaxBytes: v.FETCH_MAX_BYTES,
      decompressedBatchMaxBytes: v.DECOMPRESSED_BATCH_MAX_BYTES,
    },
    ckafka: { instanceId: v.CKAFKA_INSTANCE_ID ?? '', topicId: v.CKAFKA_TOPIC_ID, endpoint: v.TC_CKAFKA_ENDPOINT },
    cos: {
      bucket,
      region: bucketRegion,
      prefix: v.COS_PREFIX,
      storageClass: v.COS_STORAGE_CLASS,
      endpoint: v.COS_ENDPOINT,
      partSizeBytes: v.PART_SIZE_BYTES,
      maxObjectBytes: v.MAX_OBJECT_BYTES,
      uploadConcurrency: v.UPLOAD_CONCURRENCY,
      timeoutMs: v.COS_TIMEOUT_SECONDS * 1000,
    },
    dump: {
      format: v.FORMAT,
      formatSettings: formatSettings(v),
      compression: v.COMPRESSION,
      windowMinutes: v.WINDOW_MINUTES,
      windowGraceSeconds: v.WINDOW_GRACE_SECONDS,
      flushOpenWindow: v.FLUSH_OPEN_WINDOW,
      timestampToleranceMs: v.TIMESTAMP_TOLERANCE_MINUTES * 60_000,
      keyLayout: v.KEY_LAYOUT,
      leaseTtlMs: v.LEASE_TTL_SECONDS * 1000,
    },
    scheduler: {
      consumerFunctionName: v.CONSUMER_FUNCTION_NAME ?? '',
      namespace: v.FUNCTION_NAMESPACE,
      qualifier: v.FUNCTION_QUALIFIER,
      endpoint: v.TC_SCF_ENDPOINT,
      partitionSource: v.PARTITION_SOURCE,
      invokeRatePerSecond: v.INVOKE_RATE_PER_SECOND,
      invokeConcurrency: v.INVOKE_CONCURRENCY,
    },
    credentials: creds,
    region: env[ROLE_VARIABLES.region]?.trim() || bucketRegion,
    logLevel: v.LOG_LEVEL,
    secrets: [creds.secretKey, creds.sessionToken, sasl?.password].filter((s): s is string => !!s),
  };
}

// The whole local stack in one call: a real Kafka broker (or an existing one), the COS server and the
// API emulator running the built consumer bundle, with the environment both functions would get in SCF.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApiEmulator, type ApiEmulator } from './api-emulator';
import { startCosServer, type CosServer } from './cos-server';
import { LOCAL_BUCKET, LOCAL_CREDENTIALS, LOCAL_INSTANCE_ID, LOCAL_REGION } from './defaults';
import { KafkaBroker } from './kafka/broker';
import { projectRoot } from './paths';

export const LOCAL_CONSUMER_FUNCTION = 'ckafka-to-cos-consumer';

export interface LocalStackOptions {
  dir: string;
  topics: string[];
  /** Use this broker instead of starting one. */
  brokers?: string;
  /** Extra environment for both functions (FORMAT, MAX_OBJECT_BYTES...). */
  env?: Record<string, string>;
  consumerTimeoutSec?: number;
  invokeRateLimit?: number;
  workers?: number;
  onFunctionLog?: (functionName: string, line: string) => void;
  log?: (line: string) => void;
}

export interface LocalStack {
  brokers: string;
  cos: CosServer;
  api: ApiEmulator;
  bucket: string;
  dataDir: string;
  /** The environment of both functions, as serverless.yml would set it. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export function consumerBundle(): string {
  return join(projectRoot(), 'dist', 'functions', 'consumer', 'index.js');
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dir, { recursive: true });
  const broker = options.brokers ? undefined : await KafkaBroker.start({ dir: join(options.dir, 'kafka'), log: options.log });
  const brokers = options.brokers ?? broker!.bootstrap;
  const dataDir = join(options.dir, 'cos');
  const cos = await startCosServer({ dataDir, credentials: [LOCAL_CREDENTIALS], buckets: [{ name: LOCAL_BUCKET, region: LOCAL_REGION }] });
  const api = await startApiEmulator({
    credentials: [LOCAL_CREDENTIALS],
    region: LOCAL_REGION,
    instances: { [LOCAL_INSTANCE_ID]: { brokers: [brokers] } },
    roleCredentials: LOCAL_CREDENTIALS,
    invokeRateLimit: options.invokeRateLimit ? { perSecond: options.invokeRateLimit } : undefined,
    workers: options.workers,
    asyncRetryDelayMs: 1000,
    onFunctionLog: options.onFunctionLog,
  });
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: options.topics.join(','),
    CKAFKA_INSTANCE_ID: LOCAL_INSTANCE_ID,
    COS_BUCKET: LOCAL_BUCKET,
    COS_REGION: LOCAL_REGION,
    COS_ENDPOINT: cos.endpoint,
    TC_SCF_ENDPOINT: api.endpoint,
    TC_CKAFKA_ENDPOINT: api.endpoint,
    CONSUMER_FUNCTION_NAME: LOCAL_CONSUMER_FUNCTION,
    ...options.env,
  };
  api.registerFunction({ name: LOCAL_CONSUMER_FUNCTION, handlerFile: consumerBundle(), env, timeoutSec: options.consumerTimeoutSec ?? 300, memoryMb: 128 });
  return {
    brokers,
    cos,
    api,
    bucket: LOCAL_BUCKET,
    dataDir,
    env: { ...env, TENCENTCLOUD_SECRETID: LOCAL_CREDENTIALS.secretId, TENCENTCLOUD_SECRETKEY: LOCAL_CREDENTIALS.secretKey, TENCENTCLOUD_REGION: LOCAL_REGION },
    stop: async () => {
      await api.close();
      await cos.close();
      await broker?.stop();
    },
  };
}

// A local COS server per test file, and clients of it built the way the product builds them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCosClient } from './cos-sdk';
import { CosObjectStore } from '../../src/cos/cos-store';
import { listAllUploads } from '../../src/cos/store';
import { startCosServer, type CosServer } from '../../src/local/cos-server';

export const TEST_BUCKET = 'test-1250000000';
export const TEST_REGION = 'ap-guangzhou';
export const TEST_CREDENTIALS = { secretId: 'AKIDlocaltest0000000000000000000000', secretKey: 'local-test-secret-key-0000000000' };

export interface TestCos {
  server: CosServer;
  dir: string;
  client: ReturnType<typeof createCosClient>;
  store: CosObjectStore;
  /** Multipart uploads in progress under a prefix (COS ListMultipartUploads through the product's store, every page). */
  listMultipartUploads(prefix: string): Promise<Array<{ key: string; uploadId: string }>>;
  stop(): Promise<void>;
}

async function listMultipartUploads(store: CosObjectStore, prefix: string): Promise<Array<{ key: string; uploadId: string }>> {
  const uploads: Array<{ key: string; uploadId: string }> = [];
  for await (const upload of listAllUploads(store, prefix)) uploads.push(upload);
  return uploads;
}

export async function startTestCos(extraCredentials: Array<{ secretId: string; secretKey: string; sessionToken?: string }> = []): Promise<TestCos> {
  const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-test-cos-'));
  const server = await startCosServer({ dataDir: dir, credentials: [TEST_CREDENTIALS, ...extraCredentials], buckets: [{ name: TEST_BUCKET, region: TEST_REGION }] });
  const connection = { ...TEST_CREDENTIALS, endpoint: server.endpoint, timeoutMs: 10_000 };
  const client = createCosClient(connection);
  const store = new CosObjectStore(connection, { bucket: TEST_BUCKET, region: TEST_REGION, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
  return {
    server,
    dir,
    client,
    store,
    listMultipartUploads: (prefix) => listMultipartUploads(store, prefix),
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One COS server for a test file, started before its tests, with faults and listeners cleared after each. */
export function useTestCos(): TestCos {
  let current: TestCos | undefined;
  beforeAll(async () => {
    current = await startTestCos();
  });
  afterAll(async () => current?.stop());
  afterEach(() => {
    current?.server.faults.clear();
    current?.server.events.removeAllListeners();
  });
  const started = (): TestCos => {
    if (!current) throw new Error('the test COS server is started in beforeAll');
    return current;
  };
  return {
    get server() {
      return started().server;
    },
    get dir() {
      return started().dir;
    },
    get client() {
      return started().client;
    },
    get store() {
      return started().store;
    },
    listMultipartUploads: (prefix) => started().listMultipartUploads(prefix),
    stop: () => started().stop(),
  };
}

// Tencent's Python SDKs (cos-python-sdk-v5, tencentcloud-sdk-python) against the local COS server and the
// API emulator on ordinary ports, used as a user would use them: every check of test/python/ must pass,
// and a failure names the check. The server's own counts confirm the SDKs used the operations checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApiEmulator } from '../../src/local/api-emulator';
import { startTestCos, TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION } from '../support/cos';
import { createTopic, testBrokers, uniqueTopic } from '../support/kafka';
import { failures, pinnedVersion, pythonSdks, runPythonChecks } from '../support/python';

const TEMP = { secretId: 'AKIDpythontemporary0000000000000000', secretKey: 'python-temporary-secret', sessionToken: 'python-session-token' };
let python: string;

beforeAll(async () => {
  python = await pythonSdks();
}, 600_000);

describe('cos-python-sdk-v5 against the local COS server', () => {
  // "virtual": the IP and Port options, the Host header bucket.cos.region.myqcloud.com signed.
  // "path": Domain 127.0.0.1:PORT/<bucket>, the Host signed without its port; presigned URLs work here.
  it.each([
    ['virtual', 21],
    ['path', 23],
  ] as const)('passes every check, %s style (%i checks)', async (style, expected) => {
    const cos = await startTestCos([TEMP]);
    const work = mkdtempSync(join(tmpdir(), 'ckafka-cos-python-'));
    try {
      const run = await runPythonChecks(python, 'cos_checks.py', {
        COS_PORT: String(cos.server.port),
        COS_BUCKET: TEST_BUCKET,
        COS_REGION: TEST_REGION,
        COS_SECRET_ID: TEST_CREDENTIALS.secretId,
        COS_SECRET_KEY: TEST_CREDENTIALS.secretKey,
        COS_TEMP_SECRET_ID: TEMP.secretId,
        COS_TEMP_SECRET_KEY: TEMP.secretKey,
        COS_TEMP_TOKEN: TEMP.sessionToken,
        COS_STYLE: style,
        COS_WORK_DIR: work,
      });
      expect(failures(run)).toEqual([]);
      expect(run.results.map((r) => r.ok)).toEqual(Array(expected).fill(true));
      expect(run.versions).toEqual({ 'cos-python-sdk-v5': pinnedVersion('cos-python-sdk-v5') });
      const stats = cos.server.stats();
      const used = ['ListObjectsV2', 'ListParts', 'ListMultipartUploads', 'DeleteObjects', 'CopyObject', 'UploadPartCopy', 'UploadPart', 'CompleteMultipartUpload'];
      expect(used.filter((op) => !stats[op])).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
      await cos.stop();
    }
  }, 300_000);
});

describe('tencentcloud-sdk-python against the API emulator', () => {
  it('passes every check: SCF Invoke and CKafka DescribeTopicAttributes, good and bad credentials', async () => {
    const topic = uniqueTopic('python-sdk');
    await createTopic(topic, 3);
    const CREDS = { secretId: 'AKIDpythonapi00000000000000000000000', secretKey: 'python-api-secret' };
    const api = await startApiEmulator({
      credentials: [CREDS, TEMP],
      functions: [{ name: 'echo', handlerFile: resolve(__dirname, '../fixtures/functions/echo.js'), timeoutSec: 10, memoryMb: 128 }],
      instances: { 'ckafka-python01': { brokers: [testBrokers()] } },
      workers: 2,
    });
    try {
      const run = await runPythonChecks(python, 'api_checks.py', {
        API_HOST: new URL(api.endpoint).host,
        API_REGION: 'ap-guangzhou',
        API_SECRET_ID: CREDS.secretId,
        API_SECRET_KEY: CREDS.secretKey,
        API_TEMP_SECRET_ID: TEMP.secretId,
        API_TEMP_SECRET_KEY: TEMP.secretKey,
        API_TEMP_TOKEN: TEMP.sessionToken,
        API_FUNCTION: 'echo',
        API_INSTANCE: 'ckafka-python01',
        API_TOPIC: topic,
        API_PARTITIONS: '3',
      });
      expect(failures(run)).toEqual([]);
      expect(run.results.map((r) => r.ok)).toEqual(Array(11).fill(true));
      for (const name of ['tencentcloud-sdk-python-common', 'tencentcloud-sdk-python-scf', 'tencentcloud-sdk-python-ckafka']) expect(run.versions[name]).toBe(pinnedVersion(name));
      // The Event invocation the SDK queued ran, with the event it sent.
      const requestId = run.results.find((r) => r.facts?.eventRequestId)?.facts?.eventRequestId;
      await api.idle();
      expect(api.invocations().find((r) => r.requestId === requestId)).toMatchObject({ status: 'succeeded', invocationType: 'Event', event: { async: true, n: 1 } });
    } finally {
      await api.close();
    }
  }, 300_000);
});

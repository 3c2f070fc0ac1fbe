// The product's COS store against the local COS server: parts go through PartSender (Node's http, signed
// by the SDK), everything else through the SDK. What lands is read back byte for byte, and each ETag is
// checked against an MD5 computed here.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosObjectStore } from '../../src/cos/cos-store';
import { CosError } from '../../src/cos/errors';
import { parseErrorBody } from '../../src/cos/part-sender';
import { startCosServer } from '../../src/local/cos-server';
import { startTestCos, TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION, type TestCos } from '../support/cos';

const MiB = 1024 * 1024;
const TEMPORARY = { secretId: 'AKIDtemporary000000000000000000000', secretKey: 'temporary-secret', sessionToken: 'session-token-1' };
let cos: TestCos;

beforeAll(async () => {
  cos = await startTestCos([TEMPORARY]);
});
afterAll(async () => cos.stop());
afterEach(() => cos.server.faults.clear());

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 17 + (i >> 9)) & 0xff;
  return b;
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function storeWith(connection: Partial<typeof TEMPORARY> & { timeoutMs?: number } = {}, endpoint = cos.server.endpoint): CosObjectStore {
  return new CosObjectStore({ ...TEST_CREDENTIALS, endpoint, ...connection }, { bucket: TEST_BUCKET, region: TEST_REGION, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
}

/** Uploads `parts` through the store and completes the object; returns the part ETags the store gave. */
async function uploadParts(store: CosObjectStore, key: string, parts: Buffer[]): Promise<string[]> {
  const uploadId = await store.initMultipart(key);
  const etags = await Promise.all(parts.map((part, i) => store.uploadPart(key, uploadId, i + 1, part)));
  await store.completeMultipart(key, uploadId, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
  return etags;
}

describe('parts through the store', () => {
  it('uploads parts that COS assembles byte for byte, each ETag the MD5 of its part', async () => {
    const parts = [bytes(MiB, 1), bytes(MiB + 333, 2), bytes(70_001, 3)];
    const etags = await uploadParts(cos.store, 'parts/plain.bin', parts);
    expect(etags).toEqual(parts.map(md5));
    const got = await cos.store.getObject('parts/plain.bin');
    expect(got?.body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('sends a view of a larger buffer, not the buffer, as the part', async () => {
    const pool = bytes(3 * MiB, 4);
    const view = pool.subarray(MiB, MiB + 1_500_000);
    const [etag] = await uploadParts(cos.store, 'parts/view.bin', [view]);
    expect(etag).toBe(md5(view));
    expect((await cos.store.getObject('parts/view.bin'))?.body.equals(view)).toBe(true);
  });

  it('signs keys with spaces, percent signs, plus signs and non-ASCII as the SDK addresses them', async () => {
    const key = 'parts/odd name %41+plus/数据=ü/x.bin';
    const part = bytes(4096, 5);
    await uploadParts(cos.store, key, [part]);
    expect((await cos.client.getObject({ Bucket: TEST_BUCKET, Region: TEST_REGION, Key: key })).Body).toEqual(part);
  });

  it('sends the session token of temporary credentials, and COS refuses the part without the right one', async () => {
    const part = bytes(2048, 6);
    await uploadParts(storeWith(TEMPORARY), 'parts/temporary.bin', [part]);
    expect((await cos.store.getObject('parts/temporary.bin'))?.body.equals(part)).toBe(true);

    const uploadId = await cos.store.initMultipart('parts/stale.bin');
    const err = await storeWith({ ...TEMPORARY, sessionToken: 'stale' }).uploadPart('parts/stale.bin', uploadId, 1, part).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CosError);
    expect((err as CosError).code).toBe('InvalidAccessKeyId');
    expect((err as CosError).message).toMatch(/UploadPart test-1250000000\/parts\/stale\.bin failed: InvalidAccessKeyId \(HTTP 403\)/);
  });
});

describe('part faults', () => {
  it('retries 503 SlowDown and 500 InternalError, and stores the part once they pass', async () => {
    const slow = cos.server.faults.add({ op: 'UploadPart', times: 2, fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    const internal = cos.server.faults.add({ op: 'UploadPart', times: 1, fault: { kind: 'status', status: 500, code: 'InternalError' } });
    const part = bytes(MiB, 7);
    await uploadParts(cos.store, 'faults/retried.bin', [part]);
    expect([slow.hits, internal.hits]).toEqual([2, 1]);
    expect((await cos.store.getObject('faults/retried.bin'))?.body.equals(part)).toBe(true);
  });

  it('retries a connection reset in the middle of the body', async () => {
    const reset = cos.server.faults.add({ op: 'UploadPart', times: 1, fault: { kind: 'reset' } });
    const part = bytes(4 * MiB, 8);
    await uploadParts(cos.store, 'faults/reset.bin', [part]);
    expect(reset.hits).toBe(1);
    expect((await cos.store.getObject('faults/reset.bin'))?.body.equals(part)).toBe(true);
  });

  it('gives up on an answer that never comes after the timeout, and retries', async () => {
    const hang = cos.server.faults.add({ op: 'UploadPart', times: 1, fault: { kind: 'hang' } });
    const part = bytes(MiB, 9);
    await uploadParts(storeWith({ timeoutMs: 300 }), 'faults/hang.bin', [part]);
    expect(hang.hits).toBe(1);
    expect((await cos.store.getObject('faults/hang.bin'))?.body.equals(part)).toBe(true);
  });

  it('does not retry AccessDenied: one request, and an error that names the part and says what to check', async () => {
    const uploadId = await cos.store.initMultipart('faults/denied.bin');
    cos.server.faults.add({ op: 'UploadPart', times: Infinity, fault: { kind: 'status', status: 403, code: 'AccessDenied', message: 'no UploadPart for you' } });
    const before = cos.server.stats().UploadPart ?? 0;
    const err = await cos.store.uploadPart('faults/denied.bin', uploadId, 1, bytes(1000, 10)).catch((e: unknown) => e);
    expect((cos.server.stats().UploadPart ?? 0) - before).toBe(1);
    expect(err).toBeInstanceOf(CosError);
    expect((err as CosError).message).toMatch(/^COS UploadPart test-1250000000\/faults\/denied\.bin failed: AccessDenied \(HTTP 403\) no UploadPart for you: the execution role may not UploadPart/);
    expect((err as CosError).requestId).toBeTruthy();
  });

  it('signs again with the server clock after RequestTimeTooSkewed, as the SDK does for its own requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-test-skew-'));
    // The server's clock 20 minutes behind ours: our signature's start time is in its future.
    const behind = await startCosServer({ dataDir: dir, credentials: [TEST_CREDENTIALS], buckets: [{ name: TEST_BUCKET, region: TEST_REGION }], now: () => Date.now() - 20 * 60_000 });
    try {
      const store = storeWith({}, behind.endpoint);
      const part = bytes(MiB, 11);
      await uploadParts(store, 'skew/part.bin', [part]);
      expect((await store.getObject('skew/part.bin'))?.body.equals(part)).toBe(true);
      // One refused and one accepted request each: the SDK corrected its clock on Init, ours on the first part.
      expect(behind.stats().UploadPart).toBe(2);
    } finally {
      await behind.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('COS error bodies', () => {
  it('reads Code, Message and RequestId, and nothing from a body that is not a COS error', () => {
    expect(parseErrorBody('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce</Message><RequestId>NjA=</RequestId></Error>')).toEqual({ Code: 'SlowDown', Message: 'Please reduce', RequestId: 'NjA=' });
    expect(parseErrorBody('<Error><Code>InvalidArgument</Code><Message>a &lt;b&gt; &amp; &quot;c&quot;</Message></Error>')).toEqual({ Code: 'InvalidArgument', Message: 'a <b> & "c"' });
    expect(parseErrorBody('<html>502 Bad Gateway</html>')).toBeUndefined();
  });
});

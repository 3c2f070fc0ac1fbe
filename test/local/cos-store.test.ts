// The product's COS store against the local COS server: every request goes through CosHttp (Node's http,
// addressed and signed by the SDK). What lands is read back byte for byte with the SDK itself, and each ETag
// is checked against an MD5 computed here.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosObjectStore } from '../../src/cos/cos-store';
import { CosError } from '../../src/cos/errors';
import { ObjectExistsError } from '../../src/cos/store';
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

describe('every other request, read as the SDK reads it', () => {
  // Keys with every character XML and URLs treat specially, and some that neither does.
  const ODD = ['reads/a&b<c>"d\'e.json', 'reads/space and+plus%25.json', 'reads/数据/ü/é.json', 'reads/emoji-😀.json', 'reads/plain.json'];
  const target = { Bucket: TEST_BUCKET, Region: TEST_REGION };

  it('puts, heads, gets and lists keys with XML-special and non-ASCII characters, as the SDK lists and reads them', async () => {
    for (const [i, key] of ODD.entries()) await cos.store.putObject(key, Buffer.from(`{"n":${i}}`), { contentType: 'application/json', metadata: { 'first-offset': String(i * 10) } });
    const sdk = await cos.client.getBucket({ ...target, Prefix: 'reads/' });
    const page = await cos.store.listObjects('reads/');
    expect(page.nextMarker).toBeUndefined();
    expect(page.objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified.toISOString() }))).toEqual(
      sdk.Contents.map((c) => ({ key: c.Key, size: Number(c.Size), etag: c.ETag.replace(/"/g, ''), lastModified: new Date(c.LastModified).toISOString() })),
    );
    expect(page.objects.map((o) => o.key).sort()).toEqual([...ODD].sort());
    for (const [i, key] of ODD.entries()) {
      const body = Buffer.from(`{"n":${i}}`);
      const viaSdk = await cos.client.headObject({ ...target, Key: key });
      const info = await cos.store.headObject(key);
      expect(info).toEqual({ key, size: body.length, etag: md5(body), lastModified: new Date(viaSdk.headers!['last-modified']!), metadata: { 'first-offset': String(i * 10) } });
      expect((await cos.store.getObject(key))?.body.equals(body)).toBe(true);
      expect((await cos.client.getObject({ ...target, Key: key })).Body).toEqual(body);
    }
  });

  it('pages a listing by its markers to the same keys the SDK pages to', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `paged/&${i}<k>.txt`);
    for (const key of keys) await cos.store.putObject(key, Buffer.from(key));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await cos.store.listObjects('paged/', { marker, maxKeys: 3 });
      const sdk = await cos.client.getBucket({ ...target, Prefix: 'paged/', Marker: marker, MaxKeys: 3 });
      expect(page.objects.map((o) => o.key)).toEqual(sdk.Contents.map((c) => c.Key));
      seen.push(...page.objects.map((o) => o.key));
      marker = page.nextMarker;
      pages++;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual([...keys].sort());
  });

  it('lists multipart uploads in progress, page by page, as the SDK does, and forgets the aborted and completed', async () => {
    const started: Array<{ key: string; uploadId: string }> = [];
    for (let batch = 0; batch < 1002; batch += 50) {
      const keys = Array.from({ length: Math.min(50, 1002 - batch) }, (_, i) => `uploads/${(batch + i) % 2 ? 'odd' : 'even'}&<${String(batch + i).padStart(4, '0')}>.bin`);
      started.push(...(await Promise.all(keys.map(async (key) => ({ key, uploadId: await cos.store.initMultipart(key) })))));
    }
    const first = await cos.store.listMultipartUploads('uploads/');
    const sdk = await cos.client.multipartList({ ...target, Prefix: 'uploads/', Delimiter: '' });
    expect(first.uploads).toEqual(([] as Array<{ Key: string; UploadId: string }>).concat(sdk.Upload ?? []).map((u) => ({ key: u.Key, uploadId: u.UploadId })));
    expect(first.uploads).toHaveLength(1000);
    expect(first.next).toBeDefined();
    const all = await cos.listMultipartUploads('uploads/');
    expect(all.map((u) => `${u.key} ${u.uploadId}`).sort()).toEqual(started.map((u) => `${u.key} ${u.uploadId}`).sort());

    await cos.store.abortMultipart(started[0]!.key, started[0]!.uploadId);
    await cos.store.abortMultipart(started[0]!.key, started[0]!.uploadId); // gone already: not an error
    const etag = await cos.store.uploadPart(started[1]!.key, started[1]!.uploadId, 1, bytes(100, 12));
    await cos.store.completeMultipart(started[1]!.key, started[1]!.uploadId, [{ partNumber: 1, etag }]);
    const left = await cos.listMultipartUploads('uploads/');
    expect(left).toHaveLength(1000);
    expect(left.map((u) => u.uploadId)).not.toContain(started[0]!.uploadId);
    expect(left.map((u) => u.uploadId)).not.toContain(started[1]!.uploadId);
    await Promise.all(left.map((upload) => cos.store.abortMultipart(upload.key, upload.uploadId)));
  });

  it('answers undefined for a missing key, refuses to overwrite with forbidOverwrite, and deletes', async () => {
    expect(await cos.store.getObject('reads/missing.json')).toBeUndefined();
    expect(await cos.store.headObject('reads/missing.json')).toBeUndefined();
    await cos.store.putObject('reads/once.json', Buffer.from('1'), { forbidOverwrite: true });
    await expect(cos.store.putObject('reads/once.json', Buffer.from('2'), { forbidOverwrite: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await cos.client.getObject({ ...target, Key: 'reads/once.json' })).Body.toString()).toBe('1');
    await cos.store.deleteObject('reads/once.json');
    expect(await cos.store.headObject('reads/once.json')).toBeUndefined();
  });

  it('retries a Complete Multipart Upload whose 200 answer carries an Error, and completes the object once', async () => {
    const key = 'faults/complete-200.bin';
    const part = bytes(5000, 13);
    const uploadId = await cos.store.initMultipart(key);
    const etag = await cos.store.uploadPart(key, uploadId, 1, part);
    const fault = cos.server.faults.add({ op: 'CompleteMultipartUpload', times: 1, fault: { kind: 'status', status: 200, code: 'InternalError', message: 'assembly failed' } });
    expect(await cos.store.completeMultipart(key, uploadId, [{ partNumber: 1, etag }])).toEqual({ etag: expect.stringMatching(/^[0-9a-f]{32}-1$/) });
    expect(fault.hits).toBe(1);
    expect((await cos.client.getObject({ ...target, Key: key })).Body).toEqual(part);
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

  it("moves to the bucket's tencentcos.cn name after three failures COS did not answer, as the SDK does", async () => {
    const store = storeWith();
    const unanswered = cos.server.faults.add({ op: '*', host: '.myqcloud.com', times: Infinity, fault: { kind: 'reset' } });
    const backup = cos.server.faults.add({ op: '*', host: '.tencentcos.cn', times: Infinity, fault: { kind: 'latency', ms: 0 } });
    const body = bytes(3000, 14);
    await store.putObject('backup/moved.bin', body);
    expect(unanswered.hits).toBe(3);
    expect(backup.hits).toBe(1);
    // Later requests stay on the name that answers.
    expect((await store.getObject('backup/moved.bin'))?.body.equals(body)).toBe(true);
    expect(unanswered.hits).toBe(3);
    expect(backup.hits).toBe(2);
    unanswered.remove();
    expect((await cos.client.getObject({ Bucket: TEST_BUCKET, Region: TEST_REGION, Key: 'backup/moved.bin' })).Body).toEqual(body);
  });

  it('stays on myqcloud.com through errors COS itself answers (a request id): the name works', async () => {
    const store = storeWith();
    const slow = cos.server.faults.add({ op: 'PutObject', times: 5, fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    const backup = cos.server.faults.add({ op: '*', host: '.tencentcos.cn', times: Infinity, fault: { kind: 'latency', ms: 0 } });
    await store.putObject('backup/stayed.bin', bytes(100, 15));
    expect(slow.hits).toBe(5);
    expect(backup.hits).toBe(0);
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

  it('signs again with the server clock after RequestTimeTooSkewed, once for all later requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckafka-cos-test-skew-'));
    // The server's clock 20 minutes behind ours: our signature's start time is in its future.
    const behind = await startCosServer({ dataDir: dir, credentials: [TEST_CREDENTIALS], buckets: [{ name: TEST_BUCKET, region: TEST_REGION }], now: () => Date.now() - 20 * 60_000 });
    try {
      const store = storeWith({}, behind.endpoint);
      const part = bytes(MiB, 11);
      await uploadParts(store, 'skew/part.bin', [part]);
      expect((await store.getObject('skew/part.bin'))?.body.equals(part)).toBe(true);
      // The first request is refused and signed again; every later one, parts and reads, passes first time.
      expect(behind.stats().InitiateMultipartUpload).toBe(2);
      expect(behind.stats().UploadPart).toBe(1);
      expect(behind.stats().CompleteMultipartUpload).toBe(1);
      expect(behind.stats().GetObject).toBe(1);
    } finally {
      await behind.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

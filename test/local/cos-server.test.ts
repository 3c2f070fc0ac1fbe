// The local COS server through the real cos-nodejs-sdk-v5: objects, listing, multipart, create-if-absent,
// metadata, signatures and injected faults, as COS would answer them.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import COS from 'cos-nodejs-sdk-v5';
import { createCosClient } from '../support/cos-sdk';
import { startTestCos, TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION, type TestCos } from '../support/cos';

const MiB = 1024 * 1024;
let cos: TestCos;
const target = { Bucket: TEST_BUCKET, Region: TEST_REGION };

beforeAll(async () => {
  cos = await startTestCos([{ secretId: 'AKIDtemporary000000000000000000000', secretKey: 'temporary-secret', sessionToken: 'session-token-1' }]);
});
afterAll(async () => cos.stop());
afterEach(() => cos.server.faults.clear());

async function sdkError(promise: Promise<unknown>): Promise<{ code?: string; statusCode?: number; message?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; statusCode?: number };
  }
  throw new Error('expected the SDK call to fail');
}

function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

describe('objects', () => {
  it('stores binary bytes, returns them whole and by range, and deletes them', async () => {
    const body = bytes(70_000);
    const put = await cos.client.putObject({ ...target, Key: 'a/b/c.bin', Body: body });
    expect(put.statusCode).toBe(200);
    const got = await cos.client.getObject({ ...target, Key: 'a/b/c.bin' });
    expect(Buffer.compare(got.Body as Buffer, body)).toBe(0);
    expect(readFileSync(cos.server.objectPath(TEST_BUCKET, 'a/b/c.bin')).equals(body)).toBe(true);
    const range = await cos.client.getObject({ ...target, Key: 'a/b/c.bin', Range: 'bytes=100-199' });
    expect(range.statusCode).toBe(206);
    expect((range.Body as Buffer).equals(body.subarray(100, 200))).toBe(true);
    const head = await cos.client.headObject({ ...target, Key: 'a/b/c.bin' });
    expect(head.headers?.['content-length']).toBe('70000');
    expect(head.headers?.['x-cos-request-id']).toBeTruthy();
    await cos.client.deleteObject({ ...target, Key: 'a/b/c.bin' });
    expect((await sdkError(cos.client.headObject({ ...target, Key: 'a/b/c.bin' }))).statusCode).toBe(404);
    expect((await sdkError(cos.client.getObject({ ...target, Key: 'a/b/c.bin' }))).code).toBe('NoSuchKey');
  });

  it('keeps user metadata, storage class and content type', async () => {
    await cos.client.putObject({ ...target, Key: 'meta.txt', Body: 'x', StorageClass: 'STANDARD_IA', ContentType: 'text/plain', Headers: { 'x-cos-meta-start-offset': '42' } });
    const head = await cos.client.headObject({ ...target, Key: 'meta.txt' });
    expect(head.headers).toMatchObject({ 'x-cos-meta-start-offset': '42', 'x-cos-storage-class': 'STANDARD_IA', 'content-type': 'text/plain' });
    expect((await sdkError(cos.client.putObject({ ...target, Key: 'bad.txt', Body: 'x', StorageClass: 'GOLD' as 'STANDARD' }))).code).toBe('InvalidStorageClass');
  });

  it('refuses to overwrite with x-cos-forbid-overwrite, leaving the object as it was', async () => {
    await cos.client.putObject({ ...target, Key: 'once.txt', Body: 'first', Headers: { 'x-cos-forbid-overwrite': 'true' } });
    const err = await sdkError(cos.client.putObject({ ...target, Key: 'once.txt', Body: 'second', Headers: { 'x-cos-forbid-overwrite': 'true' } }));
    expect([err.statusCode, err.code]).toEqual([409, 'FileAlreadyExists']);
    expect(((await cos.client.getObject({ ...target, Key: 'once.txt' })).Body as Buffer).toString()).toBe('first');
    await cos.client.putObject({ ...target, Key: 'once.txt', Body: 'third' });
    expect(((await cos.client.getObject({ ...target, Key: 'once.txt' })).Body as Buffer).toString()).toBe('third');
  });

  it('lets exactly one of many racing create-if-absent writers win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => cos.client.putObject({ ...target, Key: 'race.txt', Body: `writer-${i}`, Headers: { 'x-cos-forbid-overwrite': 'true' } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(((await cos.client.getObject({ ...target, Key: 'race.txt' })).Body as Buffer).toString()).toBe(`writer-${winner}`);
  });

  it('refuses keys that would escape the bucket folder', async () => {
    for (const Key of ['x/../../../etc/passwd', 'a/./b']) {
      const err = await sdkError(cos.client.putObject({ ...target, Key, Body: 'x' }));
      expect([err.statusCode, err.code]).toEqual([400, 'InvalidURI']);
    }
  });

  it('answers NoSuchBucket for a missing bucket and for a bucket asked of another region', async () => {
    expect((await sdkError(cos.client.putObject({ Bucket: 'missing-1250000000', Region: TEST_REGION, Key: 'k', Body: 'x' }))).code).toBe('NoSuchBucket');
    expect((await sdkError(cos.client.putObject({ Bucket: TEST_BUCKET, Region: 'ap-shanghai', Key: 'k', Body: 'x' }))).code).toBe('NoSuchBucket');
  });

  it('also speaks path style (the SDK Domain option)', async () => {
    const pathStyle = new COS({ SecretId: TEST_CREDENTIALS.secretId, SecretKey: TEST_CREDENTIALS.secretKey, Protocol: 'http:', Domain: `127.0.0.1:${cos.server.port}/{Bucket}` });
    await pathStyle.putObject({ ...target, Key: 'path/style.txt', Body: 'ps' });
    expect(((await cos.client.getObject({ ...target, Key: 'path/style.txt' })).Body as Buffer).toString()).toBe('ps');
  });
});

describe('listing', () => {
  beforeAll(async () => {
    for (const key of ['l/a/1', 'l/a/2', 'l/b/1', 'l/c', 'l/d/e/f', 'other/x']) await cos.client.putObject({ ...target, Key: key, Body: key });
  });

  it('lists by prefix in key order, page by page with marker and max-keys', async () => {
    const all = await cos.client.getBucket({ ...target, Prefix: 'l/' });
    expect(all.Contents.map((c) => c.Key)).toEqual(['l/a/1', 'l/a/2', 'l/b/1', 'l/c', 'l/d/e/f']);
    expect(all.Contents[0]!.Size).toBe('5');
    const page1 = await cos.client.getBucket({ ...target, Prefix: 'l/', MaxKeys: 2 });
    expect([page1.Contents.map((c) => c.Key), page1.IsTruncated, page1.NextMarker]).toEqual([['l/a/1', 'l/a/2'], 'true', 'l/a/2']);
    const page2 = await cos.client.getBucket({ ...target, Prefix: 'l/', MaxKeys: 2, Marker: page1.NextMarker });
    expect(page2.Contents.map((c) => c.Key)).toEqual(['l/b/1', 'l/c']);
  });

  it('groups by delimiter into common prefixes', async () => {
    const listed = await cos.client.getBucket({ ...target, Prefix: 'l/', Delimiter: '/' });
    expect(listed.Contents.map((c) => c.Key)).toEqual(['l/c']);
    expect(listed.CommonPrefixes.map((p) => p.Prefix)).toEqual(['l/a/', 'l/b/', 'l/d/']);
  });
});

describe('multipart uploads', () => {
  it('assembles parts in order, with the multipart ETag, metadata from the start and create-if-absent at the end', async () => {
    const key = 'mp/object.bin';
    const parts = [bytes(MiB, 1), bytes(MiB, 2), bytes(1234, 3)];
    const init = await cos.client.multipartInit({ ...target, Key: key, Headers: { 'x-cos-meta-partition': '3' } });
    const etags = [];
    for (const [i, body] of parts.entries()) etags.push((await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: i + 1, Body: body })).ETag);
    const listedParts = await cos.client.multipartListPart({ ...target, Key: key, UploadId: init.UploadId });
    expect(listedParts.Part.map((p) => [p.PartNumber, p.Size])).toEqual([
      ['1', String(MiB)],
      ['2', String(MiB)],
      ['3', '1234'],
    ]);
    const done = await cos.client.multipartComplete({ ...target, Key: key, UploadId: init.UploadId, Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })), Headers: { 'x-cos-forbid-overwrite': 'true' } } as COS.MultipartCompleteParams);
    expect(done.ETag).toMatch(/-3"?$/);
    const got = await cos.client.getObject({ ...target, Key: key });
    expect((got.Body as Buffer).equals(Buffer.concat(parts))).toBe(true);
    expect(got.headers?.['x-cos-meta-partition']).toBe('3');

    const again = await cos.client.multipartInit({ ...target, Key: key });
    const etag = (await cos.client.multipartUpload({ ...target, Key: key, UploadId: again.UploadId, PartNumber: 1, Body: 'other' })).ETag;
    const err = await sdkError(cos.client.multipartComplete({ ...target, Key: key, UploadId: again.UploadId, Parts: [{ PartNumber: 1, ETag: etag }], Headers: { 'x-cos-forbid-overwrite': 'true' } } as COS.MultipartCompleteParams));
    expect([err.statusCode, err.code]).toEqual([409, 'FileAlreadyExists']);
    expect(((await cos.client.getObject({ ...target, Key: key })).Body as Buffer).equals(Buffer.concat(parts))).toBe(true);
  });

  // Parts that fit the upload's stride are written in place and renamed into the object; the rest are
  // copied. Every order and retry pattern must give the same bytes.
  it.each([
    ['in order', [1, 2, 3]],
    ['out of order', [2, 3, 1]],
    ['last part first, so the stride is the short one', [3, 1, 2]],
  ])('assembles the same bytes whatever the arrival: %s', async (_label, order) => {
    const key = `mp/order-${order.join('')}.bin`;
    const parts = [bytes(MiB, 4), bytes(MiB, 5), bytes(777, 6)];
    const init = await cos.client.multipartInit({ ...target, Key: key });
    const etags: string[] = [];
    for (const n of order) etags[n - 1] = (await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: n, Body: parts[n - 1]! })).ETag;
    await cos.client.multipartComplete({ ...target, Key: key, UploadId: init.UploadId, Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) });
    expect(((await cos.client.getObject({ ...target, Key: key })).Body as Buffer).equals(Buffer.concat(parts))).toBe(true);
    expect(readFileSync(`${cos.dir}/${TEST_BUCKET}/${key}`).equals(Buffer.concat(parts))).toBe(true);
  });

  it('takes the last upload of a part, skips parts left out of Complete, and keeps the upload when Complete is refused', async () => {
    const key = 'mp/retried.bin';
    await cos.client.putObject({ ...target, Key: key, Body: 'first' });
    const init = await cos.client.multipartInit({ ...target, Key: key });
    const upload = async (PartNumber: number, Body: Buffer) => (await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber, Body })).ETag;
    await upload(1, bytes(MiB, 7));
    const one = await upload(1, bytes(MiB, 8));
    const two = await upload(2, bytes(MiB, 9));
    const three = await upload(3, bytes(MiB, 10));
    const four = await upload(4, bytes(10, 11));
    const parts = [
      { PartNumber: 1, ETag: one },
      { PartNumber: 2, ETag: two },
      { PartNumber: 4, ETag: four },
    ];
    // Refused while its parts lie back to back (the object would be the data file itself): nothing is lost.
    const backToBack = [...parts.slice(0, 2), { PartNumber: 3, ETag: three }];
    const refused = await sdkError(cos.client.multipartComplete({ ...target, Key: key, UploadId: init.UploadId, Parts: backToBack, Headers: { 'x-cos-forbid-overwrite': 'true' } } as COS.MultipartCompleteParams));
    expect(refused.code).toBe('FileAlreadyExists');
    expect(((await cos.client.getObject({ ...target, Key: key })).Body as Buffer).toString()).toBe('first');
    await cos.client.deleteObject({ ...target, Key: key });
    await cos.client.multipartComplete({ ...target, Key: key, UploadId: init.UploadId, Parts: parts, Headers: { 'x-cos-forbid-overwrite': 'true' } } as COS.MultipartCompleteParams);
    expect(((await cos.client.getObject({ ...target, Key: key })).Body as Buffer).equals(Buffer.concat([bytes(MiB, 8), bytes(MiB, 9), bytes(10, 11)]))).toBe(true);

    const prefix = await cos.client.multipartInit({ ...target, Key: 'mp/prefix.bin' });
    const first = (await cos.client.multipartUpload({ ...target, Key: 'mp/prefix.bin', UploadId: prefix.UploadId, PartNumber: 1, Body: bytes(MiB, 12) })).ETag;
    await cos.client.multipartUpload({ ...target, Key: 'mp/prefix.bin', UploadId: prefix.UploadId, PartNumber: 2, Body: bytes(MiB, 13) });
    await cos.client.multipartComplete({ ...target, Key: 'mp/prefix.bin', UploadId: prefix.UploadId, Parts: [{ PartNumber: 1, ETag: first }] });
    expect(((await cos.client.getObject({ ...target, Key: 'mp/prefix.bin' })).Body as Buffer).equals(bytes(MiB, 12))).toBe(true);
  });

  it('applies COS rules: small parts, wrong ETags, order; lists and aborts uploads', async () => {
    const key = 'mp/rules.bin';
    const init = await cos.client.multipartInit({ ...target, Key: key });
    const small = (await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: 1, Body: 'tiny' })).ETag;
    const last = (await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: 2, Body: 'end' })).ETag;
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) => cos.client.multipartComplete({ ...target, Key: key, UploadId: init.UploadId, Parts });
    expect((await sdkError(complete([{ PartNumber: 1, ETag: small }, { PartNumber: 2, ETag: last }]))).code).toBe('EntityTooSmall');
    expect((await sdkError(complete([{ PartNumber: 1, ETag: '"0123"' }]))).code).toBe('InvalidPart');
    expect((await sdkError(complete([{ PartNumber: 2, ETag: last }, { PartNumber: 1, ETag: small }]))).code).toBe('InvalidPartOrder');
    const uploads = await cos.client.multipartList({ ...target, Prefix: 'mp/', Delimiter: '' });
    expect(uploads.Upload.map((u) => [u.Key, u.UploadId])).toContainEqual([key, init.UploadId]);
    await cos.client.multipartAbort({ ...target, Key: key, UploadId: init.UploadId });
    expect((await cos.client.multipartList({ ...target, Prefix: 'mp/rules', Delimiter: '' })).Upload).toEqual([]);
    expect((await sdkError(cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: 3, Body: 'x' }))).code).toBe('NoSuchUpload');
  });
});

/** The SDK's XML parsing gives one element as an object and several as an array. */
const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]) as Array<Record<string, string>>;

describe('S3-style listing (v2), paging and encoding', () => {
  const v2 = async (Query: Record<string, string>) => {
    const answer = (await cos.client.request({ ...target, Method: 'GET', Query: { 'list-type': '2', ...Query } })) as unknown as { ListBucketResult: Record<string, unknown> };
    const result = answer.ListBucketResult;
    return { ...result, Contents: list(result.Contents).map((c) => c.Key), CommonPrefixes: list(result.CommonPrefixes).map((p) => p.Prefix) } as Record<string, unknown>;
  };

  beforeAll(async () => {
    for (const key of ['v2/a/1', 'v2/a/2', 'v2/b', 'v2/c/1', 'v2/d', 'v2/e']) await cos.client.putObject({ ...target, Key: key, Body: key });
  });

  it('pages with continuation tokens, counts keys and prefixes, and starts after a key', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await v2({ prefix: 'v2/', 'max-keys': '2', ...(token ? { 'continuation-token': token } : {}) });
      expect(page.KeyCount).toBe(String((page.Contents as string[]).length));
      seen.push(...(page.Contents as string[]));
      token = page.IsTruncated === 'true' ? (page.NextContinuationToken as string) : undefined;
      pages++;
    } while (token);
    expect([seen, pages]).toEqual([['v2/a/1', 'v2/a/2', 'v2/b', 'v2/c/1', 'v2/d', 'v2/e'], 3]);
    const grouped = await v2({ prefix: 'v2/', delimiter: '/', 'max-keys': '3' });
    expect([grouped.CommonPrefixes, grouped.Contents, grouped.KeyCount, grouped.IsTruncated]).toEqual([['v2/a/', 'v2/c/'], ['v2/b'], '3', 'true']);
    const rest = await v2({ prefix: 'v2/', delimiter: '/', 'continuation-token': grouped.NextContinuationToken as string });
    expect([rest.CommonPrefixes, rest.Contents, rest.IsTruncated]).toEqual([[], ['v2/d', 'v2/e'], 'false']);
    const after = await v2({ prefix: 'v2/', 'start-after': 'v2/c/1' });
    expect([after.Contents, after.StartAfter]).toEqual([['v2/d', 'v2/e'], 'v2/c/1']);
    expect((await sdkError(v2({ 'continuation-token': 'not a token' }))).code).toBe('InvalidArgument');
  });

  it('percent-encodes keys with encoding-type=url, so a key with a literal %41 or a space comes back unchanged once decoded', async () => {
    const odd = 'enc/100%41 a+b';
    await cos.client.putObject({ ...target, Key: odd, Body: 'odd' });
    const v1 = await cos.client.getBucket({ ...target, Prefix: 'enc/', EncodingType: 'url' });
    expect(v1.Contents.map((c) => decodeURIComponent(c.Key))).toEqual([odd]);
    expect((await v2({ prefix: 'enc/', 'encoding-type': 'url' })).Contents).toEqual([encodeURIComponent(odd)]);
    const init = await cos.client.multipartInit({ ...target, Key: odd });
    const parts = await cos.client.multipartListPart({ ...target, Key: odd, UploadId: init.UploadId, EncodingType: 'url' });
    expect(decodeURIComponent((parts as unknown as { Key: string }).Key)).toBe(odd);
    const uploads = await cos.client.multipartList({ ...target, Prefix: 'enc/', Delimiter: '', EncodingType: 'url' });
    expect(uploads.Upload.map((u) => decodeURIComponent(u.Key))).toEqual([odd]);
    await cos.client.multipartAbort({ ...target, Key: odd, UploadId: init.UploadId });
    expect((await sdkError(cos.client.getBucket({ ...target, EncodingType: 'base64' as 'url' }))).code).toBe('InvalidArgument');
  });

  it('pages List Parts with max-parts and part-number-marker', async () => {
    const key = 'paged/parts.bin';
    const init = await cos.client.multipartInit({ ...target, Key: key });
    for (let n = 1; n <= 5; n++) await cos.client.multipartUpload({ ...target, Key: key, UploadId: init.UploadId, PartNumber: n, Body: `part-${n}` });
    const numbers: string[] = [];
    let marker = '0';
    for (;;) {
      const page = await cos.client.multipartListPart({ ...target, Key: key, UploadId: init.UploadId, MaxParts: 2, PartNumberMarker: marker });
      numbers.push(...page.Part.map((p) => String(p.PartNumber)));
      if (page.IsTruncated !== 'true') break;
      marker = String(page.NextPartNumberMarker);
    }
    expect(numbers).toEqual(['1', '2', '3', '4', '5']);
    await cos.client.multipartAbort({ ...target, Key: key, UploadId: init.UploadId });
  });

  it('pages List Multipart Uploads by key and upload id, oldest upload of a key first, and groups by delimiter', async () => {
    const ids: Array<[string, string]> = [];
    for (const key of ['up/a', 'up/a', 'up/b', 'up/c/1', 'up/c/2']) ids.push([key, (await cos.client.multipartInit({ ...target, Key: key })).UploadId]);
    const seen: Array<[string, string]> = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await cos.client.multipartList({ ...target, Prefix: 'up/', Delimiter: '', MaxUploads: 2, ...markers });
      seen.push(...page.Upload.map((u): [string, string] => [u.Key, u.UploadId]));
      if (page.IsTruncated !== 'true') break;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
    expect(seen).toEqual(ids);
    const grouped = await cos.client.multipartList({ ...target, Prefix: 'up/', Delimiter: '/' });
    expect([grouped.Upload.map((u) => u.Key), list((grouped as unknown as { CommonPrefixes: unknown }).CommonPrefixes).map((p) => p.Prefix)]).toEqual([['up/a', 'up/a', 'up/b'], ['up/c/']]);
    for (const [Key, UploadId] of ids) await cos.client.multipartAbort({ ...target, Key, UploadId });
  });
});

describe('batch delete and copy', () => {
  it('deletes many objects at once, verbose or quiet, reporting a bad key without stopping', async () => {
    for (const key of ['batch/1', 'batch/2', 'batch/3']) await cos.client.putObject({ ...target, Key: key, Body: key });
    const verbose = await cos.client.deleteMultipleObject({ ...target, Objects: [{ Key: 'batch/1' }, { Key: 'batch/missing' }, { Key: 'batch/../x' }] });
    expect(verbose.Deleted.map((d) => d.Key)).toEqual(['batch/1', 'batch/missing']);
    expect(verbose.Error.map((e) => [e.Key, e.Code])).toEqual([['batch/../x', 'InvalidURI']]);
    const quiet = await cos.client.deleteMultipleObject({ ...target, Quiet: true, Objects: [{ Key: 'batch/2' }, { Key: 'batch/3' }] });
    expect([quiet.Deleted, quiet.Error]).toEqual([[], []]);
    expect((await cos.client.getBucket({ ...target, Prefix: 'batch/' })).Contents).toEqual([]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ Key: `batch/${i}` }));
    expect((await sdkError(cos.client.deleteMultipleObject({ ...target, Objects: tooMany }))).code).toBe('MalformedXML');
  });

  const source = (key: string) => `${TEST_BUCKET}.cos.${TEST_REGION}.myqcloud.com/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

  it('copies an object with its metadata, or with the request metadata when replaced, streaming the same bytes', async () => {
    const body = bytes(3 * MiB + 17, 21);
    await cos.client.putObject({ ...target, Key: 'copy/src 1.bin', Body: body, ContentType: 'application/x-test', Headers: { 'x-cos-meta-origin': 'src', 'Content-Disposition': 'attachment' } });
    const copied = await cos.client.putObjectCopy({ ...target, Key: 'copy/dst.bin', CopySource: source('copy/src 1.bin') });
    expect(copied.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await cos.client.getObject({ ...target, Key: 'copy/dst.bin' });
    expect((got.Body as Buffer).equals(body)).toBe(true);
    expect(got.headers).toMatchObject({ 'x-cos-meta-origin': 'src', 'content-type': 'application/x-test', 'content-disposition': 'attachment' });
    await cos.client.putObjectCopy({ ...target, Key: 'copy/dst.bin', CopySource: source('copy/src 1.bin'), MetadataDirective: 'Replaced', ContentType: 'text/plain', Headers: { 'x-cos-meta-origin': 'replaced' } } as COS.PutObjectCopyParams);
    const head = await cos.client.headObject({ ...target, Key: 'copy/dst.bin' });
    expect([head.headers?.['x-cos-meta-origin'], head.headers?.['content-type'], head.headers?.['content-disposition']]).toEqual(['replaced', 'text/plain', undefined]);
    expect((await sdkError(cos.client.putObjectCopy({ ...target, Key: 'copy/src 1.bin', CopySource: source('copy/src 1.bin') }))).code).toBe('InvalidRequest');
    expect((await sdkError(cos.client.putObjectCopy({ ...target, Key: 'copy/x', CopySource: source('copy/absent') }))).code).toBe('NoSuchKey');
    const refused = await sdkError(cos.client.putObjectCopy({ ...target, Key: 'copy/dst.bin', CopySource: source('copy/src 1.bin'), Headers: { 'x-cos-forbid-overwrite': 'true' } } as COS.PutObjectCopyParams));
    expect(refused.code).toBe('FileAlreadyExists');
  });

  it('copies ranges of objects into the parts of a multipart upload', async () => {
    const body = bytes(2 * MiB + 5, 22);
    await cos.client.putObject({ ...target, Key: 'copy/parts-src.bin', Body: body });
    const init = await cos.client.multipartInit({ ...target, Key: 'copy/parts-dst.bin' });
    const copyPart = (PartNumber: number, range: string) =>
      cos.client.uploadPartCopy({ ...target, Key: 'copy/parts-dst.bin', UploadId: init.UploadId, PartNumber, CopySource: source('copy/parts-src.bin'), CopySourceRange: range });
    const first = await copyPart(1, `bytes=${MiB}-${2 * MiB - 1}`);
    const second = await copyPart(2, `bytes=0-${MiB - 1}`);
    expect((await sdkError(copyPart(3, `bytes=0-${3 * MiB}`))).code).toBe('InvalidArgument');
    await cos.client.multipartComplete({ ...target, Key: 'copy/parts-dst.bin', UploadId: init.UploadId, Parts: [{ PartNumber: 1, ETag: first.ETag }, { PartNumber: 2, ETag: second.ETag }] });
    const got = (await cos.client.getObject({ ...target, Key: 'copy/parts-dst.bin' })).Body as Buffer;
    expect(got.equals(Buffer.concat([body.subarray(MiB, 2 * MiB), body.subarray(0, MiB)]))).toBe(true);
  });
});

describe('signatures', () => {
  const client = (options: Partial<COS.COSOptions>) => new COS({ Protocol: 'http:', Ip: `127.0.0.1:${cos.server.port}`, SecretId: TEST_CREDENTIALS.secretId, SecretKey: TEST_CREDENTIALS.secretKey, ...options });

  it('rejects an unknown SecretId, a wrong key, an expired and a tampered signature with COS codes', async () => {
    expect((await sdkError(client({ SecretId: 'AKIDunknown' }).headObject({ ...target, Key: 'meta.txt' }))).statusCode).toBe(403);
    expect((await sdkError(client({ SecretId: 'AKIDunknown' }).getObject({ ...target, Key: 'meta.txt' }))).code).toBe('InvalidAccessKeyId');
    expect((await sdkError(client({ SecretKey: 'wrong' }).getObject({ ...target, Key: 'meta.txt' }))).code).toBe('SignatureDoesNotMatch');
    const expired = await sdkError(client({ SystemClockOffset: -3600_000, CorrectClockSkew: false }).getObject({ ...target, Key: 'meta.txt' }));
    expect([expired.code, expired.message]).toEqual(['AccessDenied', 'Request has expired']);
    const tampered = await sdkError(
      client({
        getAuthorization: (_options, callback) => {
          const auth = COS.getAuthorization({ SecretId: TEST_CREDENTIALS.secretId, SecretKey: TEST_CREDENTIALS.secretKey, Method: 'get', Key: 'other.txt', Headers: { host: `${TEST_BUCKET}.cos.${TEST_REGION}.myqcloud.com` } });
          callback({ Authorization: auth } as unknown as Parameters<typeof callback>[0]);
        },
        SecretId: undefined,
        SecretKey: undefined,
      }).getObject({ ...target, Key: 'meta.txt' }),
    );
    expect(tampered.code).toBe('SignatureDoesNotMatch');
  });

  it('rejects an unsigned request', async () => {
    const response = await new Promise<{ status?: number; body: string; requestId?: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: cos.server.port, path: '/meta.txt', headers: { host: `${TEST_BUCKET}.cos.${TEST_REGION}.myqcloud.com` } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body, requestId: res.headers['x-cos-request-id'] as string }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(response.status).toBe(403);
    expect(response.body).toContain('<Code>AccessDenied</Code>');
    expect(response.requestId).toBeTruthy();
  });

  // COS serves requests whose signature leaves out the Host header (the SDKs' SignHost / ForceSignHost
  // options); the rest of the signature must still match.
  it('accepts a signature that does not cover the host, and still checks what it covers', async () => {
    await cos.client.putObject({ ...target, Key: 'unsigned-host.txt', Body: 'no host' });
    const noHost = client({ ForceSignHost: false });
    expect(((await noHost.getObject({ ...target, Key: 'unsigned-host.txt' })).Body as Buffer).toString()).toBe('no host');
    expect((await sdkError(client({ ForceSignHost: false, SecretKey: 'wrong' }).getObject({ ...target, Key: 'unsigned-host.txt' }))).code).toBe('SignatureDoesNotMatch');
  });

  it('accepts a path-style signature over the host with or without its port, and refuses another host', async () => {
    await cos.client.putObject({ ...target, Key: 'host/port.txt', Body: 'either' });
    const get = async (signedHost: string) => {
      const Authorization = COS.getAuthorization({ SecretId: TEST_CREDENTIALS.secretId, SecretKey: TEST_CREDENTIALS.secretKey, Method: 'get', Key: 'host/port.txt', Headers: { host: signedHost } });
      const response = await fetch(`http://127.0.0.1:${cos.server.port}/${TEST_BUCKET}/host/port.txt`, { headers: { Authorization } });
      return [response.status, await response.text()];
    };
    expect(await get(`127.0.0.1:${cos.server.port}`)).toEqual([200, 'either']);
    expect(await get('127.0.0.1')).toEqual([200, 'either']);
    for (const other of ['localhost', `127.0.0.1:${cos.server.port + 1}`, `${TEST_BUCKET}.cos.${TEST_REGION}.myqcloud.com`]) {
      const [status, body] = await get(other);
      expect([status, /<Code>(\w+)<\/Code>/.exec(String(body))?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
    }
  });

  it('requires the session token of temporary credentials', async () => {
    const temporary = { SecretId: 'AKIDtemporary000000000000000000000', SecretKey: 'temporary-secret' };
    expect((await client({ ...temporary, SecurityToken: 'session-token-1' }).headObject({ ...target, Key: 'meta.txt' })).statusCode).toBe(200);
    expect((await sdkError(client({ ...temporary }).getObject({ ...target, Key: 'meta.txt' }))).code).toBe('InvalidAccessKeyId');
    expect((await sdkError(client({ ...temporary, SecurityToken: 'stale' }).getObject({ ...target, Key: 'meta.txt' }))).code).toBe('InvalidAccessKeyId');
  });
});

describe('injected faults', () => {
  it.each([
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [503, 'SlowDown'],
  ])('answers %i %s as COS would, and the SDK reports it once its own retries are spent', async (status, code) => {
    cos.server.faults.add({ op: 'PutObject', times: Infinity, fault: { kind: 'status', status, code } });
    const raw = createCosClient({ ...TEST_CREDENTIALS, endpoint: cos.server.endpoint });
    const err = await sdkError(raw.putObject({ ...target, Key: `fault-${code}.txt`, Body: 'x' }));
    expect([err.statusCode, err.code]).toEqual([status, code]);
    expect((await sdkError(raw.headObject({ ...target, Key: `fault-${code}.txt` }))).statusCode).toBe(404);
  });

  it('lets a request through after the Nth failure', async () => {
    const handle = cos.server.faults.add({ op: 'PutObject', nth: 1, times: 2, fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    await cos.client.putObject({ ...target, Key: 'after-faults.txt', Body: 'ok' });
    expect(handle.hits).toBe(2);
    expect(cos.server.faults.injected()['status:PutObject']).toBeGreaterThanOrEqual(2);
  });

  it('resets the connection mid-body on an upload and stores nothing', async () => {
    cos.server.faults.add({ op: 'PutObject', times: Infinity, fault: { kind: 'reset' } });
    const err = await sdkError(cos.client.putObject({ ...target, Key: 'reset.bin', Body: bytes(2 * MiB) }));
    expect(err.statusCode).toBeUndefined();
    expect(String(err.code ?? err.message)).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    cos.server.faults.clear();
    expect((await sdkError(cos.client.headObject({ ...target, Key: 'reset.bin' }))).statusCode).toBe(404);
  });

  it('resets the connection mid-response on a download', async () => {
    await cos.client.putObject({ ...target, Key: 'download.bin', Body: bytes(4 * MiB) });
    cos.server.faults.add({ op: 'GetObject', times: Infinity, fault: { kind: 'reset' } });
    const err = await sdkError(cos.client.getObject({ ...target, Key: 'download.bin' }));
    expect(String(err.code ?? err.message)).toMatch(/ECONNRESET|aborted|socket hang up/i);
  });

  it('adds latency and can hang until the client gives up', async () => {
    cos.server.faults.add({ op: 'HeadObject', fault: { kind: 'latency', ms: 300 } });
    const started = Date.now();
    await cos.client.headObject({ ...target, Key: 'meta.txt' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    cos.server.faults.add({ op: 'HeadObject', times: Infinity, fault: { kind: 'hang' } });
    const impatient = createCosClient({ ...TEST_CREDENTIALS, endpoint: cos.server.endpoint, timeoutMs: 300 });
    const err = await sdkError(impatient.headObject({ ...target, Key: 'meta.txt' }));
    expect(String(err.code ?? err.message)).toMatch(/TIMEDOUT|timeout/i);
  });
});

// The readers of COS's XML answers: documents of the shapes the COS API reference gives, and the broken
// ones a proxy or a faulty server may send, each of which must fail loudly rather than read as empty.
import { parseErrorBody, readCompleteUpload, readInitiateUpload, readListObjects, readListUploads } from '../../src/cos/answers';
import { CosError } from '../../src/cos/errors';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function contents(key: string, size = '3145728'): string {
  return `<Contents><Key>${key}</Key><LastModified>2018-10-18T07:08:03.000Z</LastModified><ETag>&quot;05a9a30179f3db7b63136f30aa6aacae-3&quot;</ETag><Size>${size}</Size><Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>`;
}

function listing(entries: string, truncated: string, next = ''): string {
  return `${DECLARATION}<ListBucketResult>\n  <Name>examplebucket-1250000000</Name><Prefix>a/</Prefix><Marker/><MaxKeys>2</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}\n${entries}</ListBucketResult>`;
}

function invalid(read: () => unknown): CosError {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(CosError);
    expect((err as CosError).code).toBe('InvalidResponse');
    return err as CosError;
  }
  throw new Error('read without complaint');
}

describe('List Objects', () => {
  it('reads keys with entities and character references, sizes, unquoted ETags and dates', () => {
    const page = readListObjects(listing(contents('a/x&amp;y&lt;z&gt;&#233;&#x1F600;.json', '12') + contents('a/3mb.zip'), 'false'), 'b-1/p/');
    expect(page).toEqual({
      objects: [
        { key: 'a/x&y<z>é😀.json', size: 12, etag: '05a9a30179f3db7b63136f30aa6aacae-3', lastModified: new Date('2018-10-18T07:08:03.000Z') },
        { key: 'a/3mb.zip', size: 3145728, etag: '05a9a30179f3db7b63136f30aa6aacae-3', lastModified: new Date('2018-10-18T07:08:03.000Z') },
      ],
    });
  });

  it('continues a truncated page at NextMarker, or at its last key when COS sends none', () => {
    expect(readListObjects(listing(contents('a/1') + contents('a/2'), 'true', '<NextMarker>a/2</NextMarker>'), 'b-1/p/').nextMarker).toBe('a/2');
    expect(readListObjects(listing(contents('a/1') + contents('a/2'), 'true'), 'b-1/p/').nextMarker).toBe('a/2');
    expect(readListObjects(listing('', 'false'), 'b-1/p/')).toEqual({ objects: [] });
  });

  it('refuses another document, an entry without a key or with a size that is no byte count, and a page that cannot continue', () => {
    expect(invalid(() => readListObjects('<html><body>502 Bad Gateway</body></html>', 'b-1/p/')).message).toMatch(/^COS ListObjects b-1\/p\/ answered something other than ListBucketResult: <html>/);
    expect(invalid(() => readListObjects(listing(contents('') , 'false'), 'b-1/p/')).message).toMatch(/without Key/);
    expect(invalid(() => readListObjects(listing(contents('a/1', '-1'), 'false'), 'b-1/p/')).message).toMatch(/Size that is not a byte count/);
    expect(invalid(() => readListObjects(listing(contents('a/1', '1.5'), 'false'), 'b-1/p/')).message).toMatch(/Size that is not a byte count/);
    expect(invalid(() => readListObjects(listing(contents('a/1').replace('2018-10-18T07:08:03.000Z', 'yesterday'), 'false'), 'b-1/p/')).message).toMatch(/LastModified that is not a date/);
    expect(invalid(() => readListObjects(listing('', 'true'), 'b-1/p/')).message).toMatch(/truncated page without NextMarker/);
    expect(invalid(() => readListObjects(listing('', 'maybe'), 'b-1/p/')).message).toMatch(/IsTruncated maybe/);
  });
});

describe('List Multipart Uploads', () => {
  const upload = (key: string, id: string) => `<Upload><Key>${key}</Key><UploadId>${id}</UploadId><StorageClass>STANDARD</StorageClass><Initiator><ID>qcs::cam::uin/1:uin/1</ID></Initiator><Owner><ID>1</ID></Owner><Initiated>2019-08-23T07:59:13.000Z</Initiated></Upload>`;
  const uploads = (entries: string, truncated: string, next = '') =>
    `${DECLARATION}<ListMultipartUploadsResult><Bucket>examplebucket-1250000000</Bucket><Encoding-Type/><KeyMarker/><UploadIdMarker/><MaxUploads>1000</MaxUploads><Prefix>p/</Prefix><IsTruncated>${truncated}</IsTruncated>${next}${entries}</ListMultipartUploadsResult>`;

  it('reads each upload, not the UploadId elements inside it, and where the next page starts', () => {
    const page = readListUploads(uploads(upload('p/a&amp;b', '1566547153f1d8dd'), 'true', '<NextKeyMarker>p/a&amp;b</NextKeyMarker><NextUploadIdMarker>1566547153f1d8dd</NextUploadIdMarker>'), 'b-1/p/');
    expect(page).toEqual({ uploads: [{ key: 'p/a&b', uploadId: '1566547153f1d8dd' }], next: { key: 'p/a&b', uploadId: '1566547153f1d8dd' } });
    expect(readListUploads(uploads(upload('p/1', 'u1') + upload('p/2', 'u2'), 'true'), 'b-1/p/').next).toEqual({ key: 'p/2', uploadId: 'u2' });
    expect(readListUploads(uploads('', 'false'), 'b-1/p/')).toEqual({ uploads: [] });
  });

  it('refuses an upload without its id and another document', () => {
    expect(invalid(() => readListUploads(uploads(upload('p/1', ''), 'false'), 'b-1/p/')).message).toMatch(/^COS ListMultipartUploads b-1\/p\/ answered without UploadId/);
    expect(invalid(() => readListUploads(listing('', 'false'), 'b-1/p/')).message).toMatch(/other than ListMultipartUploadsResult/);
  });
});

describe('Initiate and Complete Multipart Upload', () => {
  it('reads the upload id, and refuses an answer without one', () => {
    expect(readInitiateUpload(`${DECLARATION}<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>k</Key><UploadId>1585130821cbb7df</UploadId></InitiateMultipartUploadResult>`, 'b-1/p/')).toBe('1585130821cbb7df');
    expect(invalid(() => readInitiateUpload('<InitiateMultipartUploadResult><Bucket>b-1</Bucket></InitiateMultipartUploadResult>', 'b-1/p/')).message).toMatch(/without UploadId/);
    expect(invalid(() => readInitiateUpload('', 'b-1/p/')).message).toMatch(/other than InitiateMultipartUploadResult/);
  });

  it('reads the ETag of a completed object, and gives back the Error a 200 answer can carry', () => {
    expect(readCompleteUpload(`${DECLARATION}<CompleteMultipartUploadResult><Location>b-1.cos.ap-guangzhou.myqcloud.com/k</Location><Bucket>b-1</Bucket><Key>k</Key><ETag>&quot;aa5a62cae1d5c1a4e4b4a1a0b1a4c7d1-2&quot;</ETag></CompleteMultipartUploadResult>`, 'b-1/p/')).toEqual({ etag: 'aa5a62cae1d5c1a4e4b4a1a0b1a4c7d1-2' });
    expect(readCompleteUpload(`${DECLARATION}<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message><RequestId>NjA=</RequestId></Error>`, 'b-1/p/')).toEqual({ error: { Code: 'InternalError', Message: 'We encountered an internal error.', RequestId: 'NjA=' } });
    expect(invalid(() => readCompleteUpload('<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>', 'b-1/p/')).message).toMatch(/without ETag/);
  });
});

describe('error bodies', () => {
  it('reads Code, Message and RequestId only from an Error document', () => {
    expect(parseErrorBody('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce</Message><RequestId>NjA=</RequestId></Error>')).toEqual({ Code: 'SlowDown', Message: 'Please reduce', RequestId: 'NjA=' });
    expect(parseErrorBody('<Error><Code>InvalidArgument</Code><Message>a &lt;b&gt; &amp; &quot;c&quot;</Message></Error>')).toEqual({ Code: 'InvalidArgument', Message: 'a <b> & "c"' });
    expect(parseErrorBody('<html>502 Bad Gateway</html>')).toBeUndefined();
    expect(parseErrorBody('<ListBucketResult><Code>NotAnError</Code></ListBucketResult>')).toBeUndefined();
    expect(parseErrorBody('<Error><Message>no code</Message></Error>')).toBeUndefined();
  });
});

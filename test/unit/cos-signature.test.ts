// The product signs and addresses COS requests itself; cos-nodejs-sdk-v5, Tencent's own signer, is the
// oracle: for the same request and the same second, both must give the same Authorization byte for byte,
// and the same path for any key.
import COS from 'cos-nodejs-sdk-v5';
import { bucketHost, bucketHosts, objectPath } from '../../src/cos/cos-http';
import { authorization, keyTimeAt } from '../../src/cos/signature';

const credential = { secretId: 'AKIDexample000000000000000000000000', secretKey: 'example-secret-key-000000000000' };
const target = { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou' };
const host = bucketHost(target);
const ODD_KEYS = ['', 'a/b/c.json', 'odd name %41+plus/数据=ü/x.bin', "a&b<c>\"d'e(f)*!~.json", 'emoji-😀/?#[]@$,;:', 'trailing/'];

interface Case {
  method: string;
  key: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

const CASES: Case[] = [
  { method: 'GET', key: '', query: { prefix: 'p/&x y', marker: 'p/ü', 'max-keys': '1000' }, headers: { host } },
  { method: 'GET', key: '', query: { uploads: '', prefix: 'p/', 'key-marker': 'k(1)', 'upload-id-marker': 'u*1', 'max-uploads': '1000' }, headers: { host } },
  { method: 'PUT', key: 'a/b/c.json', query: {}, headers: { host, 'content-length': '12', 'content-type': 'application/json', 'x-cos-forbid-overwrite': 'true', 'x-cos-meta-first-offset': '42' } },
  { method: 'PUT', key: 'odd name %41+plus/数据=ü/x.bin', query: { partNumber: '7', uploadId: '1585130821cbb7df/+=' }, headers: { host, 'content-length': '8388608' } },
  { method: 'POST', key: "a&b<c>\"d'e(f)*!~.json", query: { uploads: '' }, headers: { host, 'x-cos-storage-class': 'STANDARD_IA' } },
  { method: 'HEAD', key: 'emoji-😀/?#[]@$,;:', query: {}, headers: { host } },
  { method: 'DELETE', key: 'trailing/', query: { uploadId: 'abc' }, headers: { host } },
];

describe('COS signatures, against cos-nodejs-sdk-v5', () => {
  const sdkAuthorization = ({ method, key, query, headers }: Case, keyTime?: string) =>
    COS.getAuthorization({ SecretId: credential.secretId, SecretKey: credential.secretKey, Method: method as COS.Method, Key: key, Query: query, Headers: headers, ...(keyTime ? { KeyTime: keyTime } : {}) });

  it.each(CASES)('$method /$key $query', (request) => {
    const keyTime = keyTimeAt(Date.now());
    expect(authorization(credential, { method: request.method, pathname: `/${request.key}`, query: request.query, headers: request.headers }, keyTime)).toBe(sdkAuthorization(request, keyTime));
  });

  it('signs for the window the SDK picks by itself: 900 s from a second before now', () => {
    expect(keyTimeAt(1_796_300_000_400)).toBe('1796299999;1796300899');
    expect(keyTimeAt(1_796_300_000_600)).toBe('1796300000;1796300900');
    for (;;) {
      const before = keyTimeAt(Date.now());
      const signed = sdkAuthorization(CASES[0]!);
      if (keyTimeAt(Date.now()) !== before) continue; // a second turned during the call: look again
      expect(/q-sign-time=([^&]*)/.exec(signed)?.[1]).toBe(before);
      return;
    }
  });
});

describe('COS addresses, against cos-nodejs-sdk-v5', () => {
  const sdk = new COS({ SecretId: credential.secretId, SecretKey: credential.secretKey });
  const sdkUrl = (key: string, region = target.region) => sdk.getObjectUrl({ Bucket: target.bucket, Region: region, Key: key || 'x', Sign: false }, () => undefined);

  it.each(ODD_KEYS.filter(Boolean))('the path of %j', (key) => {
    expect(`https://${host}${objectPath(key)}`).toBe(sdkUrl(key));
  });

  it('addresses the bucket root, and the regions of the first generation without the cos label', () => {
    expect(objectPath('')).toBe('/');
    expect(`https://${bucketHost({ ...target, region: 'cn-south' })}/x`).toBe(sdkUrl('x', 'cn-south'));
    expect(`https://${bucketHost(target)}/x`).toBe(sdkUrl('x'));
  });

  it("gives a bucket the SDK's backup name only where the SDK turns to one (a <bucket>.cos.<region> name)", () => {
    expect(bucketHosts(target)).toEqual([host, host.replace(/\.myqcloud\.com$/, '.tencentcos.cn')]);
    expect(bucketHosts({ ...target, region: 'cn-south' })).toEqual([bucketHost({ ...target, region: 'cn-south' })]);
  });
});

// Builds a cos-nodejs-sdk-v5 client, Tencent's own, for the tests and scripts that hold the product and the
// local COS server to it: the same connection settings the product's store takes.
import COS from 'cos-nodejs-sdk-v5';
import { tmpdir } from 'node:os';
import type { CosConnection } from '../../src/cos/cos-http';

export function createCosClient(options: CosConnection): COS {
  const local = options.endpoint ? new URL(options.endpoint) : undefined;
  return new COS({
    SecretId: options.secretId,
    SecretKey: options.secretKey,
    SecurityToken: options.sessionToken,
    // The SDK may persist upload ids to its working folder.
    ConfCwd: tmpdir(),
    Timeout: options.timeoutMs ?? 60_000,
    KeepAlive: true,
    // It keeps the virtual-host Host header and connects to the local server instead.
    ...(local ? { Protocol: local.protocol as 'http:' | 'https:', Ip: local.host } : {}),
  });
}

// Builds the cos-nodejs-sdk-v5 client. One place decides how credentials and a local endpoint reach it.
import COS from 'cos-nodejs-sdk-v5';
import { tmpdir } from 'node:os';

export interface CosCredentials {
  secretId: string;
  secretKey: string;
  /** Temporary credentials from an SCF execution role carry a session token; COS rejects them without it. */
  sessionToken?: string;
}

export interface CosClientOptions extends CosCredentials {
  /**
   * `http://127.0.0.1:PORT` for the local COS server. The SDK keeps the virtual-host `Host` header
   * (`bucket.cos.region.myqcloud.com`) and connects to this address instead, so requests are signed
   * exactly as for Tencent Cloud.
   */
  endpoint?: string;
  /** Per-request timeout; the SDK has none by default, and a hung connection must not eat the invocation. */
  timeoutMs?: number;
}

export function createCosClient(options: CosClientOptions): COS {
  const local = options.endpoint ? new URL(options.endpoint) : undefined;
  return new COS({
    SecretId: options.secretId,
    SecretKey: options.secretKey,
    SecurityToken: options.sessionToken,
    // The SDK may persist upload ids to its working folder; SCF only lets functions write /tmp.
    ConfCwd: tmpdir(),
    Timeout: options.timeoutMs ?? 60_000,
    KeepAlive: true,
    ...(local ? { Protocol: local.protocol as 'http:' | 'https:', Ip: local.host } : {}),
  });
}

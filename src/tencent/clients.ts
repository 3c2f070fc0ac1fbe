// Tencent Cloud API clients (SCF, CKafka). Each gets the role's temporary token and an optional local endpoint.
import { scf } from 'tencentcloud-sdk-nodejs-scf';
import { ckafka } from 'tencentcloud-sdk-nodejs-ckafka';

export interface TencentCloudCredentials {
  secretId: string;
  secretKey: string;
  sessionToken?: string;
}

export interface TencentCloudClientOptions {
  credentials: TencentCloudCredentials;
  region: string;
  /** `http://127.0.0.1:PORT` for the local API emulator; unset for Tencent Cloud's own endpoints. */
  endpoint?: string;
  timeoutSec?: number;
}

export type ScfClient = InstanceType<typeof scf.v20180416.Client>;
export type CkafkaClient = InstanceType<typeof ckafka.v20190819.Client>;

function clientConfig(options: TencentCloudClientOptions) {
  const local = options.endpoint ? new URL(options.endpoint) : undefined;
  return {
    credential: {
      secretId: options.credentials.secretId,
      secretKey: options.credentials.secretKey,
      token: options.credentials.sessionToken,
    },
    region: options.region,
    profile: {
      httpProfile: {
        reqTimeout: options.timeoutSec ?? 30,
        ...(local ? { endpoint: local.host, protocol: `${local.protocol}//` } : {}),
      },
    },
  };
}

export function createScfClient(options: TencentCloudClientOptions): ScfClient {
  return new scf.v20180416.Client(clientConfig(options));
}

export function createCkafkaClient(options: TencentCloudClientOptions): CkafkaClient {
  return new ckafka.v20190819.Client(clientConfig(options));
}

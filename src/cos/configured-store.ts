// The COS store a configuration names: its bucket and region, the credentials, the endpoint override and
// the request timeout (COS_TIMEOUT_SECONDS), the same for the consumer and for every tool.
import type { Config } from '../config/config';
import { CosObjectStore, type CosStoreOptions } from './cos-store';

export function configuredStore(config: Pick<Config, 'credentials' | 'cos'>, onRetry?: CosStoreOptions['onRetry']): CosObjectStore {
  return new CosObjectStore({ ...config.credentials, endpoint: config.cos.endpoint, timeoutMs: config.cos.timeoutMs }, { bucket: config.cos.bucket, region: config.cos.region, onRetry });
}

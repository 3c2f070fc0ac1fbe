// Faults the local COS server can inject: an error status, a connection reset mid-body, added latency, or
// an answer that never comes.
import { FaultRules, type FaultRule } from '../fault-rules';

export type CosOperation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'DeleteObjects'
  | 'CopyObject'
  | 'UploadPartCopy'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListMultipartUploads'
  | 'ListParts'
  | 'PutBucket'
  | 'HeadBucket';

export type CosFault =
  | { kind: 'status'; status: number; code: string; message?: string }
  | { kind: 'reset' }
  | { kind: 'latency'; ms: number }
  | { kind: 'hang' };

/** Rules match object keys by `target` prefix (for example the data prefix, sparing leases and manifests). */
export type CosFaultRule = FaultRule<CosOperation, CosFault>;

export class CosFaults extends FaultRules<CosOperation, CosFault> {}

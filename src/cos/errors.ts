// COS failures: which ones a retry can fix, and what to tell the user about the others.

/** What a failed request carries: COS's answer (CosHttpError), or the code of a network error. */
export interface CosRequestFailure {
  statusCode?: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
  error?: { Code?: string; Message?: string; RequestId?: string };
}

// RequestTimeTooSkewed: the next signature uses the server's clock (CosHttp corrects its own).
const RETRIABLE_CODES = new Set(['RequestTimeTooSkewed', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

export function cosErrorCode(err: unknown): string {
  const e = err as CosRequestFailure;
  const inner = typeof e?.error === 'object' ? e.error?.Code : undefined;
  return inner ?? e?.code ?? 'Unknown';
}

export function isRetriableCosError(err: unknown): boolean {
  const e = err as CosRequestFailure;
  if (e?.statusCode !== undefined && e.statusCode >= 500) return true;
  if (e?.statusCode === 429) return true;
  const code = cosErrorCode(err);
  return RETRIABLE_CODES.has(code) || (e?.statusCode === undefined && /socket hang up|timeout|ECONNRESET|network/i.test(e?.message ?? ''));
}

export class CosError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode: number | undefined,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CosError';
  }
}

/** Turns a failed COS request into a CosError whose message says what to check. */
export function toCosError(err: unknown, operation: string, bucket: string, region: string, key?: string): CosError {
  const e = err as CosRequestFailure;
  const code = cosErrorCode(err);
  const requestId = e?.headers?.['x-cos-request-id'] ?? (typeof e?.error === 'object' ? e.error?.RequestId : undefined);
  const target = key ? `${bucket}/${key}` : bucket;
  const detail = (typeof e?.error === 'object' ? e.error?.Message : undefined) ?? e?.message ?? String(err);
  let advice = '';
  switch (code) {
    case 'NoSuchBucket':
      advice = `: bucket ${bucket} does not exist in region ${region}. COS buckets are regional: check COS_BUCKET and that COS_REGION is the bucket's region (the CKafka instance's region)`;
      break;
    case 'AccessDenied':
      advice = `: the execution role may not ${operation} on ${target}. Attach the product's CAM policy (cam-policy.json) to the function's role`;
      break;
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'InvalidToken':
    case 'ExpiredToken':
      advice = ': COS rejected the credentials; check the execution role bound to the function (TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN)';
      break;
    default:
      advice = '';
  }
  return new CosError(
    `COS ${operation} ${target} failed: ${code}${e?.statusCode ? ` (HTTP ${e.statusCode})` : ''} ${detail}${advice}${requestId ? ` [request ${requestId}]` : ''}`,
    code,
    e?.statusCode,
    requestId,
    { cause: err },
  );
}

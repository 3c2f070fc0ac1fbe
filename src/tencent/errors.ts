// Tencent Cloud API failures (SCF, CKafka) with advice; and which ones are worth another attempt.

export interface TencentCloudSdkError {
  code?: string;
  message?: string;
  requestId?: string;
}

const RETRIABLE = /^(RequestLimitExceeded|LimitExceeded|InternalError|ServiceUnavailable|ResourceUnavailable|FailedOperation\.ServiceUnavailable)|^(ECONNRESET|ETIMEDOUT|ECONNREFUSED|EPIPE)$/;

export function tencentErrorCode(err: unknown): string {
  const e = err as TencentCloudSdkError & { cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? 'Unknown';
}

export function isThrottling(err: unknown): boolean {
  return /^(RequestLimitExceeded|LimitExceeded)/.test(tencentErrorCode(err));
}

export function isRetriableTencentError(err: unknown): boolean {
  const code = tencentErrorCode(err);
  if (code === 'InvalidResponse') return true;
  // An HTTP-level failure of the gateway (5xx) carries no API error code.
  if (((err as { httpCode?: number })?.httpCode ?? 0) >= 500) return true;
  if (RETRIABLE.test(code)) return true;
  // The SDK reports network failures without a code of its own.
  return code === 'Unknown' && /ECONNRESET|ETIMEDOUT|ECONNREFUSED|socket hang up|network|fetch failed/i.test((err as Error)?.message ?? '');
}

export function describeTencentError(err: unknown, action: string): string {
  const e = err as TencentCloudSdkError;
  const code = tencentErrorCode(err);
  let advice = '';
  if (code.startsWith('AuthFailure')) advice = '; the API rejected the credentials: check the execution role bound to the function';
  else if (code.startsWith('UnauthorizedOperation') || code === 'OperationDenied') advice = `; the execution role may not call ${action}: attach the product's CAM policy (cam-policy.json)`;
  return `${action} failed: ${code} ${e?.message ?? String(err)}${e?.requestId ? ` [request ${e.requestId}]` : ''}${advice}`;
}

// The SCF invocation context, validated: the consumer's time budget comes from it.
import { z } from 'zod';

export const ScfContextSchema = z
  .object({
    request_id: z.string().min(1).optional(),
    function_name: z.string().min(1).optional(),
    namespace: z.string().optional(),
    time_limit_in_ms: z.number().int().positive().optional(),
    memory_limit_in_mb: z.number().int().positive().optional(),
  })
  .passthrough();

export interface InvocationContext {
  requestId: string;
  functionName: string;
  namespace: string;
  timeLimitMs: number;
  memoryLimitMb?: number;
}

/** SCF's longest synchronous timeout, used only when a caller (a test, a script) gives no context. */
const DEFAULT_TIME_LIMIT_MS = 900_000;

export function parseContext(context: unknown, env: Record<string, string | undefined>): InvocationContext {
  const parsed = ScfContextSchema.safeParse(context ?? {});
  if (!parsed.success) throw new Error(`malformed SCF context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const c = parsed.data;
  return {
    requestId: c.request_id ?? `local-${Date.now().toString(36)}`,
    functionName: c.function_name ?? env.SCF_FUNCTIONNAME ?? 'ckafka-to-cos-consumer',
    namespace: c.namespace ?? env.SCF_NAMESPACE ?? 'default',
    timeLimitMs: c.time_limit_in_ms ?? DEFAULT_TIME_LIMIT_MS,
    memoryLimitMb: c.memory_limit_in_mb,
  };
}

// The SCF invocation context, validated: the consumer's time budget comes from it.
import * as z from '../util/zod';

export const ScfContextSchema = z.looseObject({
  request_id: z.optional(z.string().check(z.minLength(1))),
  function_name: z.optional(z.string().check(z.minLength(1))),
  namespace: z.optional(z.string()),
  time_limit_in_ms: z.optional(z.number().check(z.int(), z.positive())),
  memory_limit_in_mb: z.optional(z.number().check(z.int(), z.positive())),
});

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

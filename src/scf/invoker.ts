// Starts a consumer through SCF's Invoke API, asynchronously (the consumer runs on its own; SCF retries
// it on failure). The answer is validated: a missing request id means the call did not really land.
import * as z from '../util/zod';
import type { ScfClient } from '../tencent/clients';
import { describeTencentError } from '../tencent/errors';

export interface FunctionTarget {
  name: string;
  namespace: string;
  qualifier: string;
}

const InvokeAnswerSchema = z.looseObject({ Result: z.looseObject({ FunctionRequestId: z.string().check(z.minLength(1)) }) });

/** Async invocations carry at most 128 KB of event. */
export const MAX_EVENT_BYTES = 128 * 1024;

export class InvokeError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvokeError';
  }
}

export type Invoke = (event: object) => Promise<string>;

export function scfInvoker(client: ScfClient, target: FunctionTarget): Invoke {
  return async (event) => {
    const payload = JSON.stringify(event);
    if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) throw new InvokeError(`event of ${Buffer.byteLength(payload)} bytes is over SCF's 128 KB limit for async invocations`, 'PayloadTooLarge');
    let answer: unknown;
    try {
      answer = await client.Invoke({ FunctionName: target.name, Namespace: target.namespace, Qualifier: target.qualifier, InvocationType: 'Event', ClientContext: payload });
    } catch (err) {
      throw new InvokeError(describeTencentError(err, `scf:InvokeFunction ${target.namespace}/${target.name}`), (err as { code?: string }).code, { cause: err });
    }
    const parsed = InvokeAnswerSchema.safeParse(answer);
    if (!parsed.success) throw new InvokeError(`Invoke ${target.name} answered without a FunctionRequestId: ${JSON.stringify(answer).slice(0, 300)}`, 'InvalidResponse');
    return parsed.data.Result.FunctionRequestId;
  };
}

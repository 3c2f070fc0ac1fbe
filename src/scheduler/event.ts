// What starts a scheduler tick: SCF's timer trigger, or a manual run (`ckafka-cos run`, the console's test).
import * as z from '../util/zod';

const TimerEventSchema = z.object({
  Type: z.literal('Timer'),
  TriggerName: z.string().check(z.minLength(1)),
  Time: z.string().check(z.minLength(1)),
  Message: z.optional(z.string()),
});

const ManualEventSchema = z.strictObject({ Type: z.literal('Manual'), Message: z.optional(z.string()) });

export type TickEvent = z.infer<typeof TimerEventSchema> | z.infer<typeof ManualEventSchema>;

export function parseTickEvent(event: unknown): TickEvent {
  const candidate = event && typeof event === 'object' && Object.keys(event).length === 0 ? { Type: 'Manual' } : event;
  const timer = TimerEventSchema.safeParse(candidate);
  if (timer.success) return timer.data;
  const manual = ManualEventSchema.safeParse(candidate);
  if (manual.success) return manual.data;
  const issues = timer.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new Error(`malformed scheduler event: expected an SCF timer event {Type: "Timer", TriggerName, Time} or {Type: "Manual"}; ${issues.join('; ')}`);
}

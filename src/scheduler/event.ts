// What starts a scheduler tick: SCF's timer trigger, or a manual run (`ckafka-cos run`, the console's test).
import { z } from 'zod';

const TimerEventSchema = z.object({
  Type: z.literal('Timer'),
  TriggerName: z.string().min(1),
  Time: z.string().min(1),
  Message: z.string().optional(),
});

const ManualEventSchema = z.object({ Type: z.literal('Manual'), Message: z.string().optional() }).strict();

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

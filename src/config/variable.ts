// What a configuration variable is, and the schema pieces variables are made of. Kept apart from the
// table of variables so that a format can declare its own without importing the whole table.
import { z } from 'zod';

export type FunctionRole = 'consumer' | 'scheduler';

export interface Variable {
  name: string;
  /** The original Python dump functions' lower-case name, accepted so existing deployments switch over as is. */
  alias?: string;
  /** Parses the raw string (or undefined when unset) into its value. */
  schema: z.ZodType;
  description: string;
  /** Shown in the reference; the schema applies it. */
  default?: string;
  /** Functions that cannot run without it. */
  requiredBy?: readonly FunctionRole[];
  secret?: boolean;
  /** Only for the local stack (emulator addresses); a cloud deployment leaves it unset. */
  localOnly?: boolean;
}

export const MiB = 1024 * 1024;

export const text = () => z.string().trim().min(1, 'must not be empty');
export const optionalText = () => text().optional();
export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
export const withDefault = <T extends z.ZodType<unknown, string>>(schema: T, value: string) => z.string().optional().transform((raw) => raw ?? value).pipe(schema);
export const flag = (value: 'true' | 'false') =>
  withDefault(z.string().trim().toLowerCase().pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')), value).transform((v) => ['true', '1', 'yes'].includes(v));

// What a configuration variable is, and the schema pieces variables are made of. Kept apart from the
// table of variables so that a format can declare its own without importing the whole table.
import * as z from '../util/zod';

export type FunctionRole = 'consumer' | 'scheduler';

export interface Variable {
  name: string;
  /** The original Python dump functions' lower-case name, accepted so existing deployments switch over as is. */
  alias?: string;
  /** Parses the raw string (or undefined when unset) into its value. */
  schema: z.ZodMiniType;
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

export const text = () => z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
export const optionalText = () => z.optional(text());
export const integer = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.trim(), z.regex(/^\d+$/, 'must be a whole number')), z.transform(Number)),
    z.number().check(z.int(), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
  );
export const withDefault = <T extends z.ZodMiniType<unknown, string>>(schema: T, value: string) =>
  z.pipe(z.pipe(z.optional(z.string()), z.transform((raw: string | undefined) => raw ?? value)), schema);
// Named so that the transform can be typed: a mini transform does not take its input type from the pipe.
const FLAG_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
export const flag = (value: 'true' | 'false') =>
  z.pipe(
    withDefault(z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.enum(FLAG_WORDS, 'must be true or false')), value),
    z.transform((v: (typeof FLAG_WORDS)[number]) => ['true', '1', 'yes'].includes(v)),
  );

import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * A command's flags, named by `options` (no positionals, unknown flags refused), validated by `schema`. Throws an
 * Error whose message the command prints above its usage (exit code 2).
 */
export function parseCommandFlags<Schema extends z.ZodType>(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
  schema: Schema,
): z.infer<Schema> {
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

/** parseArgs options for flags that all take a value. */
export const stringFlags = (names: string[]): Record<string, { type: 'string' }> => Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));

/** A flag holding a whole number ≥ minimum. */
export const wholeNumberFlag = (flag: string, minimum: number) =>
  z
    .string({ error: `${flag} is required` })
    .regex(/^\d+$/, `${flag} must be a whole number ≥ ${minimum}`)
    .transform(Number)
    .refine((n) => n >= minimum, `${flag} must be a whole number ≥ ${minimum}`);

/** A flag holding a decimal number ≥ 0. */
export const decimalFlag = (flag: string) =>
  z
    .string()
    .regex(/^\d*\.?\d+$/, `${flag} must be a number ≥ 0`)
    .transform(Number);

/** --service-level as a share (0.95) or a percentage (95): both say 95 %. */
export const serviceLevelFlag = z
  .string({ error: '--service-level is required' })
  .regex(/^\d*\.?\d+$/, '--service-level must be a number such as 0.95 or 95')
  .transform(Number)
  .transform((level) => (level > 1 ? level / 100 : level))
  .refine((level) => level > 0 && level < 1, '--service-level must be in (0, 1), or a percentage in (1, 100)');

import { parseArgs } from 'node:util';
import type { z } from 'zod';

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

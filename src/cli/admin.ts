import { z } from 'zod';
import { closeDb, createDb } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { loadConfig, settings } from '../config';
import { createApiKeyService } from '../services/api-key-service';

export const keyUsage = [
  'usage: replen key create --role viewer|buyer|erp|admin --name NAME   prints a new key once',
  '       replen key list',
  '       replen key revoke --id ID',
].join('\n');

const createFlags = z.strictObject({ role: z.enum(['viewer', 'buyer', 'erp', 'admin']), name: z.string().min(1).max(100) });
const revokeFlags = z.strictObject({ id: z.coerce.number().int().positive() });

/** Parses `--flag value` pairs; a flag without a value or an unexpected word is an error. */
function parseFlags(argv: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 2) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected --flag value, got '${argv.slice(index).join(' ')}'`);
    flags[flag.slice(2)] = value;
  }
  return flags;
}

/** `replen key …`: manages API keys in the configured database (DATABASE_URL, else the embedded one in DATA_DIR). */
export async function runKeyCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  let flags: Record<string, string>;
  try {
    flags = parseFlags(rest);
    if (action === 'create') createFlags.parse(flags);
    else if (action === 'revoke') revokeFlags.parse(flags);
    else if (action !== 'list') throw new Error(`unknown action '${action ?? ''}'`);
  } catch (error) {
    const message = error instanceof z.ZodError ? error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ') : (error as Error).message;
    process.stderr.write(`replen key: ${message}\n${keyUsage}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrateLatest(db);
    const apiKeys = createApiKeyService(db);
    if (action === 'create') {
      const { key, apiKey } = await apiKeys.create(createFlags.parse(flags));
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created key ${apiKey.id} (${apiKey.name}, ${apiKey.role}); it is shown only this once\n`);
    } else if (action === 'revoke') {
      const revoked = await apiKeys.revoke(revokeFlags.parse(flags).id);
      process.stdout.write(`revoked key ${revoked.id} (${revoked.name})\n`);
    } else {
      for (const key of await apiKeys.list()) {
        process.stdout.write(`${key.id}\t${key.role}\t${key.name}\t${key.prefix}…\t${key.revokedAt ? 'revoked' : 'active'}\n`);
      }
    }
    return 0;
  } finally {
    await closeDb(db);
  }
}

/** `replen config`: the configuration table of the README, printed from the settings in src/config.ts. */
export function configTable(): string {
  const rows = Object.entries(settings).map(([name, setting]) => {
    const parsed = (setting.schema as z.ZodType).safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '(unset)';
    return `| \`${name}\` | ${fallback} | ${setting.description} |`;
  });
  return ['| variable | default | what it does |', '|---|---|---|', ...rows].join('\n');
}

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ApiKey } from '../../db/repositories/api-keys';
import { closeDb, createDb } from '../../db/connection';
import { DataFolderLockedError } from '../../db/data-folder-lock';
import { migrateLatest } from '../../db/migrate';
import { type Config, loadConfig, settings } from '../config';
import { createApiKeyService } from '../services/api-key-service';

export const keyUsage = [
  'usage: replen key create --role viewer|buyer|erp|admin --name NAME   prints a new key once',
  '       replen key list',
  '       replen key revoke --id ID',
].join('\n');

const createFlags = z.strictObject({ role: z.enum(['viewer', 'buyer', 'erp', 'admin']), name: z.string().min(1).max(100) });
const revokeFlags = z.strictObject({ id: z.string().regex(/^\d{1,10}$/, 'expected a key id in decimal digits').transform(Number) });

/** Parses `--flag value` pairs; a flag without a value or an unexpected word is an error. */
export function parseFlags(argv: string[]): Record<string, string> {
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
  let db;
  try {
    db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  } catch (error) {
    // `npm start` holds the embedded database: manage the keys through it instead.
    if (!(error instanceof DataFolderLockedError && error.holder?.url)) throw error;
    return keyCommandThroughServer(action as KeyAction, flags, error.holder.url, config);
  }
  try {
    await migrateLatest(db);
    const apiKeys = createApiKeyService(db);
    if (action === 'create') {
      const { key, apiKey } = await apiKeys.create(createFlags.parse(flags));
      printCreated(key, apiKey);
    } else if (action === 'revoke') {
      printRevoked(await apiKeys.revoke(revokeFlags.parse(flags).id));
    } else {
      printList(await apiKeys.list());
    }
    return 0;
  } finally {
    await closeDb(db);
  }
}

type KeyAction = 'create' | 'list' | 'revoke';

function printCreated(key: string, apiKey: ApiKey, note = ''): void {
  process.stdout.write(`${key}\n`);
  process.stderr.write(`created key ${apiKey.id} (${apiKey.name}, ${apiKey.role}); it is shown only this once${note}\n`);
}

const printRevoked = (revoked: ApiKey) => process.stdout.write(`revoked key ${revoked.id} (${revoked.name})\n`);

function printList(keys: ApiKey[]): void {
  for (const key of keys) {
    process.stdout.write(`${key.id}\t${key.role}\t${key.name}\t${key.prefix === null ? '(configured)' : `${key.prefix}…`}\t${key.revokedAt ? 'revoked' : 'active'}\n`);
  }
}

/**
 * The key command through the running server that holds the embedded database (POST, GET and DELETE /keys), with
 * the admin key of this configuration (REPLEN_ADMIN_KEY, else DATA_DIR/admin-key): two processes never open one
 * PGlite folder, and the server knows at once about the keys it must accept or refuse.
 */
async function keyCommandThroughServer(action: KeyAction, flags: Record<string, string>, url: string, config: Config): Promise<number> {
  const adminKey = configuredAdminKey(config);
  const fail = (message: string) => {
    process.stderr.write(`replen key: ${message}\n`);
    return 1;
  };
  if (!adminKey) return fail(`the server at ${url} holds the embedded database; set REPLEN_ADMIN_KEY to an admin key to manage keys through it`);
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(new URL(route, url), {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await response.json()) as { error?: { message: string } } & Record<string, unknown>;
    if (!response.ok) {
      const refused = response.status === 401 ? ' (is the admin key revoked? set REPLEN_ADMIN_KEY to an active admin key)' : '';
      throw new Error(`the server at ${url} answered ${response.status}: ${answer.error?.message ?? 'no message'}${refused}`);
    }
    return answer;
  };
  try {
    if (action === 'create') {
      const { key, ...apiKey } = (await call('POST', '/keys', createFlags.parse(flags))) as unknown as ApiKey & { key: string };
      printCreated(key, apiKey, ` (through the server at ${url}, which holds the embedded database)`);
    } else if (action === 'revoke') {
      printRevoked((await call('DELETE', `/keys/${revokeFlags.parse(flags).id}`)) as unknown as ApiKey);
    } else {
      printList(((await call('GET', '/keys')) as unknown as { data: ApiKey[] }).data);
    }
    return 0;
  } catch (error) {
    return fail(error instanceof Error && 'cause' in error && error.cause ? `cannot reach the server at ${url}: ${String(error.cause)}` : (error as Error).message);
  }
}

/** The admin key of this configuration: REPLEN_ADMIN_KEY, else the one generated into DATA_DIR/admin-key. */
export function configuredAdminKey(config: Config): string | undefined {
  const keyFile = path.resolve(config.DATA_DIR, 'admin-key');
  return config.REPLEN_ADMIN_KEY ?? (fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined);
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

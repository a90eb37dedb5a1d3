import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../connection';

export type ApiKeyRole = 'viewer' | 'buyer' | 'erp' | 'admin';

export interface ApiKey {
  id: number;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const columns = 'id, name, role, prefix, created_at, revoked_at';

function toApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: row.id as number,
    name: row.name as string,
    role: row.role as ApiKeyRole,
    prefix: row.prefix as string,
    createdAt: row.created_at as Date,
    revokedAt: row.revoked_at as Date | null,
  };
}

/** SHA-256 in hex: keys are long random strings, so a fast unsalted hash is enough to keep them out of the database. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The key's first 12 characters ('rpl_' and 8 more), stored to tell keys apart in lists. */
export const keyPrefix = (key: string) => key.slice(0, 12);

/**
 * Stores the hash of a key and returns the record; the plaintext is only in the result. A key is generated
 * ('rpl_' + 32 random bytes in base64url) unless one is given (e.g. REPLEN_ADMIN_KEY).
 */
export async function createApiKey(
  db: Db,
  input: { name: string; role: ApiKeyRole; key?: string },
): Promise<{ key: string; apiKey: ApiKey }> {
  const key = input.key ?? `rpl_${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.raw(`insert into api_keys (name, role, key_hash, prefix) values (?, ?, ?, ?) returning ${columns}`, [
    input.name,
    input.role,
    hashApiKey(key),
    keyPrefix(key),
  ]);
  return { key, apiKey: toApiKey(rows[0]) };
}

/** The key with this hash, revoked or not (the caller decides what a revoked key means). */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKey | null> {
  const { rows } = await db.raw(`select ${columns} from api_keys where key_hash = ?`, [keyHash]);
  return rows.length ? toApiKey(rows[0]) : null;
}

export async function listApiKeys(db: Db): Promise<ApiKey[]> {
  const { rows } = await db.raw(`select ${columns} from api_keys order by id`);
  return rows.map(toApiKey);
}

/** Revokes a key once; returns null when there is no such key. Revoking again keeps the first revocation time. */
export async function revokeApiKey(db: Db, id: number): Promise<ApiKey | null> {
  const { rows } = await db.raw(
    `update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ? returning ${columns}`,
    [id],
  );
  return rows.length ? toApiKey(rows[0]) : null;
}

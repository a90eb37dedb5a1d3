import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../connection';

export type ApiKeyRole = 'viewer' | 'buyer' | 'erp' | 'admin';

export interface ApiKey {
  id: number;
  name: string;
  role: ApiKeyRole;
  /** The first characters of a key replen generated, to tell keys apart in lists; null for a configured key. */
  prefix: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const columns = 'id, name, role, prefix, created_at, revoked_at';

function toApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: row.id as number,
    name: row.name as string,
    role: row.role as ApiKeyRole,
    prefix: (row.prefix as string | null) ?? null,
    createdAt: row.created_at as Date,
    revokedAt: row.revoked_at as Date | null,
  };
}

/** SHA-256 in hex: keys are long random strings, so a fast unsalted hash is enough to keep them out of the database. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A generated key's first 8 characters ('rpl_' and 4 of its 43 random ones), stored to tell keys apart in lists. */
export const keyPrefix = (key: string) => key.slice(0, 8);

/** A new key: 'rpl_' + 32 random bytes in base64url. */
export const generateApiKey = () => `rpl_${randomBytes(32).toString('base64url')}`;

/**
 * Stores the hash of a key and returns the record; the plaintext is only in the result. A key is generated unless one
 * is given: a configured one (REPLEN_ADMIN_KEY) is stored without a prefix, since any part of it would be a part
 * of a secret someone chose; `generated` says a given key was made by generateApiKey.
 */
export async function createApiKey(
  db: Db,
  input: { name: string; role: ApiKeyRole; key?: string; generated?: boolean },
): Promise<{ key: string; apiKey: ApiKey }> {
  const key = input.key ?? generateApiKey();
  const generated = input.key === undefined || input.generated === true;
  const { rows } = await db.raw(`insert into api_keys (name, role, key_hash, prefix) values (?, ?, ?, ?) returning ${columns}`, [
    input.name,
    input.role,
    hashApiKey(key),
    generated ? keyPrefix(key) : null,
  ]);
  return { key, apiKey: toApiKey(rows[0]) };
}

/** Forgets the prefix of a key (one stored before configured keys had none). */
export async function clearApiKeyPrefix(db: Db, id: number): Promise<void> {
  await db.raw(`update api_keys set prefix = null where id = ?`, [id]);
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

/**
 * The ids of the active admin keys, locked until the transaction ends: two revocations at once then take turns, so
 * that neither can revoke the last one while the other revokes the one before it.
 */
export async function lockActiveAdminKeys(trx: Db): Promise<number[]> {
  const { rows } = await trx.raw(`select id from api_keys where role = 'admin' and revoked_at is null order by id for update`);
  return rows.map((row: { id: number }) => Number(row.id));
}

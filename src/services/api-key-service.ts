import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  clearApiKeyPrefix,
  createApiKey,
  findApiKeyByHash,
  generateApiKey,
  hashApiKey,
  listApiKeys,
  lockActiveAdminKeys,
  revokeApiKey,
  type ApiKey,
  type ApiKeyRole,
} from '../../db/repositories/api-keys';
import { ConflictError, NotFoundError, UnauthorizedError } from '../errors';

/** The admin key start-up prints, where it came from, and its record (revoked or not). */
export interface AdminKey {
  key: string;
  from: 'REPLEN_ADMIN_KEY' | 'DATA_DIR/admin-key';
  apiKey: ApiKey;
}

export interface ApiKeyService {
  /**
   * The admin key to print at start-up: REPLEN_ADMIN_KEY, else the one kept in DATA_DIR/admin-key, else a new one
   * (written there). A key not yet stored is stored as an admin key; one that was revoked stays revoked.
   */
  ensureAdminKey(options: { configuredKey?: string; dataDir: string }): Promise<AdminKey>;
  authenticate(key: string): Promise<ApiKey>;
  create(input: { name: string; role: ApiKeyRole }): Promise<{ key: string; apiKey: ApiKey }>;
  list(): Promise<ApiKey[]>;
  /** Revokes a key; the last active admin key cannot be revoked (409), so that someone can always manage keys. */
  revoke(id: number): Promise<ApiKey>;
}

/** The form of the keys replen generates: only theirs get a prefix in lists. */
const GENERATED_KEY = /^rpl_[A-Za-z0-9_-]{43}$/;

export interface ApiKeyCacheOptions {
  /** Seconds an accepted key is trusted without asking the database again (API_KEY_CACHE_SECONDS); 0 asks every time. */
  cacheSeconds: number;
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
}

/**
 * API keys. Accepted keys are remembered for `cacheSeconds`, which saves a database round trip on nearly every request.
 * A key revoked through this process is forgotten at once; revoked through another (a second API process, the CLI),
 * it is refused here within `cacheSeconds`. Refused keys are never remembered.
 */
export function createApiKeyService(db: Knex, cache: ApiKeyCacheOptions = { cacheSeconds: 0 }): ApiKeyService {
  const now = cache.now ?? Date.now;
  const accepted = new Map<string, { apiKey: ApiKey; until: number }>();
  return {
    async ensureAdminKey({ configuredKey, dataDir }) {
      const keyFile = path.resolve(dataDir, 'admin-key');
      let key = configuredKey;
      if (!key && fs.existsSync(keyFile)) key = fs.readFileSync(keyFile, 'utf8').trim();
      if (!key) {
        key = generateApiKey();
        fs.mkdirSync(path.dirname(keyFile), { recursive: true });
        fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
      }
      const generated = !configuredKey && GENERATED_KEY.test(key);
      let apiKey = await findApiKeyByHash(db, hashApiKey(key));
      if (!apiKey) {
        apiKey = await createApiKey(db, { name: 'admin', role: 'admin', key, generated }).then(
          (created) => created.apiKey,
          async (error: unknown) => {
            // The API and its workers starting at once on a new database: another process stored the key first.
            const stored = (error as { code?: string }).code === '23505' ? await findApiKeyByHash(db, hashApiKey(key!)) : undefined;
            if (!stored) throw error;
            return stored;
          },
        );
      }
      else if (!generated && apiKey.prefix !== null) {
        // Stored before configured keys had no prefix: forget the part of the secret it showed.
        await clearApiKeyPrefix(db, apiKey.id);
        apiKey = { ...apiKey, prefix: null };
      }
      return { key, from: configuredKey ? 'REPLEN_ADMIN_KEY' : 'DATA_DIR/admin-key', apiKey };
    },

    async authenticate(key) {
      const keyHash = hashApiKey(key);
      const remembered = accepted.get(keyHash);
      if (remembered && remembered.until > now()) return remembered.apiKey;
      accepted.delete(keyHash);
      const apiKey = await findApiKeyByHash(db, keyHash);
      if (!apiKey || apiKey.revokedAt) throw new UnauthorizedError();
      if (cache.cacheSeconds > 0) accepted.set(keyHash, { apiKey, until: now() + cache.cacheSeconds * 1000 });
      return apiKey;
    },

    create: (input) => createApiKey(db, input),
    list: () => listApiKeys(db),

    async revoke(id) {
      const revoked = await db.transaction(async (trx) => {
        const activeAdmins = await lockActiveAdminKeys(trx);
        if (activeAdmins.length === 1 && activeAdmins[0] === id) {
          throw new ConflictError(`key ${id} is the last active admin key: create another admin key before revoking this one`, { keyId: id });
        }
        return revokeApiKey(trx, id);
      });
      if (!revoked) throw new NotFoundError(`API key ${id}`);
      for (const [keyHash, entry] of accepted) if (entry.apiKey.id === id) accepted.delete(keyHash);
      return revoked;
    },
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createApiKey, findApiKeyByHash, hashApiKey, listApiKeys, revokeApiKey, type ApiKey, type ApiKeyRole } from '../../db/repositories/api-keys';
import { NotFoundError, UnauthorizedError } from '../errors';

export interface ApiKeyService {
  /** The admin key to print at start-up: REPLEN_ADMIN_KEY, else the one kept in DATA_DIR/admin-key, else a new one. */
  ensureAdminKey(options: { configuredKey?: string; dataDir: string }): Promise<string>;
  authenticate(key: string): Promise<ApiKey>;
  create(input: { name: string; role: ApiKeyRole }): Promise<{ key: string; apiKey: ApiKey }>;
  list(): Promise<ApiKey[]>;
  revoke(id: number): Promise<ApiKey>;
}

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
        key = `rpl_${randomBytes(32).toString('base64url')}`;
        fs.mkdirSync(path.dirname(keyFile), { recursive: true });
        fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
      }
      if (!(await findApiKeyByHash(db, hashApiKey(key)))) await createApiKey(db, { name: 'admin', role: 'admin', key });
      return key;
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
      const revoked = await revokeApiKey(db, id);
      if (!revoked) throw new NotFoundError(`API key ${id}`);
      for (const [keyHash, entry] of accepted) if (entry.apiKey.id === id) accepted.delete(keyHash);
      return revoked;
    },
  };
}

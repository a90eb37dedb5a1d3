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

export function createApiKeyService(db: Knex): ApiKeyService {
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
      const apiKey = await findApiKeyByHash(db, hashApiKey(key));
      if (!apiKey || apiKey.revokedAt) throw new UnauthorizedError();
      return apiKey;
    },

    create: (input) => createApiKey(db, input),
    list: () => listApiKeys(db),

    async revoke(id) {
      const revoked = await revokeApiKey(db, id);
      if (!revoked) throw new NotFoundError(`API key ${id}`);
      return revoked;
    },
  };
}

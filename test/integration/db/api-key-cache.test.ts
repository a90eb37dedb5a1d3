import type { Knex } from 'knex';
import { createApiKeyService } from '../../../src/services/api-key-service';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

describe.each(testEngines())('API keys remembered for API_KEY_CACHE_SECONDS on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  const lookups: string[] = [];
  const countLookups = (query: { sql: string }) => {
    if (query.sql.includes('api_keys') && query.sql.startsWith('select')) lookups.push(query.sql);
  };
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    db.on('query', countLookups);
  });
  afterAll(async () => {
    db.off('query', countLookups);
    await testDb.drop();
  });
  beforeEach(() => lookups.splice(0));

  it('asks the database once per key within the cache time, and again after it', async () => {
    let clock = 1_000_000;
    const apiKeys = createApiKeyService(db, { cacheSeconds: 10, now: () => clock });
    const { key, apiKey } = await apiKeys.create({ name: 'alice', role: 'buyer' });
    expect(await apiKeys.authenticate(key)).toEqual(apiKey);
    expect(await apiKeys.authenticate(key)).toEqual(apiKey);
    expect(lookups).toHaveLength(1);
    clock += 10_001;
    await apiKeys.authenticate(key);
    expect(lookups).toHaveLength(2);
  });

  it('forgets a key revoked through this process at once; one revoked elsewhere is refused once the cache time is over', async () => {
    let clock = 1_000_000;
    const apiKeys = createApiKeyService(db, { cacheSeconds: 10, now: () => clock });
    const here = await apiKeys.create({ name: 'bob', role: 'buyer' });
    await apiKeys.authenticate(here.key);
    await apiKeys.revoke(here.apiKey.id);
    await expect(apiKeys.authenticate(here.key)).rejects.toMatchObject({ statusCode: 401 });

    const elsewhere = await apiKeys.create({ name: 'carol', role: 'viewer' });
    await apiKeys.authenticate(elsewhere.key);
    // Another process (the CLI, a second API) revokes it: this one still trusts it until the cache time is over.
    await createApiKeyService(db).revoke(elsewhere.apiKey.id);
    await expect(apiKeys.authenticate(elsewhere.key)).resolves.toMatchObject({ name: 'carol' });
    clock += 10_001;
    await expect(apiKeys.authenticate(elsewhere.key)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('never remembers a refused key, and with 0 asks on every request', async () => {
    const apiKeys = createApiKeyService(db, { cacheSeconds: 0 });
    await expect(apiKeys.authenticate('rpl_not-a-key')).rejects.toMatchObject({ statusCode: 401 });
    await expect(apiKeys.authenticate('rpl_not-a-key')).rejects.toMatchObject({ statusCode: 401 });
    const { key } = await apiKeys.create({ name: 'dave', role: 'viewer' });
    await apiKeys.authenticate(key);
    await apiKeys.authenticate(key);
    expect(lookups).toHaveLength(4);
  });
});

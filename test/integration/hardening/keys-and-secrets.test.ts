import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { hashApiKey } from '../../../db/repositories/api-keys';
import { processors } from '../../../jobs/processors';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { apiKeyListResponse } from '../../../src/http/schemas';
import { createLogger } from '../../../src/logger';
import { expectShape, openTestApp, type TestApp } from '../../helpers/catalogue';
import { testEngines } from '../../helpers/database';
import { seedCatalogue } from '../connectors/setup';
import { databaseFingerprint } from './helpers';

/** Items 8, 9 and 10 of issue 15: the last admin key, upstream errors kept to admins, short key prefixes. */
describe.each(testEngines())('keys and secrets on %s', (engine) => {
  let testApp: TestApp;
  const as = (key: string) => ({
    get: (url: string) => request(testApp.app).get(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(testApp.app).delete(url).set('Authorization', `Bearer ${key}`),
    post: (url: string, body: object) => request(testApp.app).post(url).set('Authorization', `Bearer ${key}`).send(body),
  });
  const keyIdOf = async (name: string) => (await testApp.db.raw(`select id from api_keys where name = ?`, [name])).rows[0].id as number;

  beforeAll(async () => {
    testApp = await openTestApp(engine);
  });
  afterAll(() => testApp.testDb.drop());

  it('8. refuses to revoke the last active admin key (409), also when two admins revoke each other at once', async () => {
    const admin = as(testApp.keys.admin);
    const adminId = await keyIdOf('admin');
    const before = await databaseFingerprint(testApp.db);
    const last = await admin.delete(`/keys/${adminId}`).expect(409);
    expect(last.body).toEqual({
      error: { code: 'conflict', message: `key ${adminId} is the last active admin key: create another admin key before revoking this one`, details: { keyId: adminId } },
    });
    expect(await databaseFingerprint(testApp.db)).toEqual(before);

    const second = (await admin.post('/keys', { name: 'second admin', role: 'admin' }).expect(201)).body;
    // Each revokes the other at the same moment: one goes through; the other finds it would leave no admin (409), or,
    // where the two run one after the other (PGlite has one connection), that its own key is revoked (401).
    await Promise.all([admin.get('/keys').expect(200), as(second.key).get('/keys').expect(200)]);
    const statuses = await Promise.all([admin.delete(`/keys/${second.id}`), as(second.key).delete(`/keys/${adminId}`)]);
    expect(statuses.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect([[401], [409]]).toContainEqual(statuses.filter((answer) => answer.status !== 200).map((answer) => answer.status));
    const active = (await testApp.db.raw(`select id from api_keys where role = 'admin' and revoked_at is null`)).rows;
    expect(active).toEqual([{ id: statuses[0].status === 200 ? adminId : second.id }]);
    if (statuses[0].status !== 200) testApp.keys.admin = second.key;
    // Other roles' keys are revoked as before.
    const other = (await as(testApp.keys.admin).post('/keys', { name: 'to revoke', role: 'erp' }).expect(201)).body;
    await as(testApp.keys.admin).delete(`/keys/${other.id}`).expect(200);
  });

  it('8. start-up reports a configured admin key that was revoked, as revoked', async () => {
    const { apiKeys } = testApp.services;
    const configuredKey = 'a-configured-admin-key-0123456789';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-admin-key-'));
    try {
      const first = await apiKeys.ensureAdminKey({ configuredKey, dataDir });
      expect(first).toMatchObject({ key: configuredKey, from: 'REPLEN_ADMIN_KEY', apiKey: { role: 'admin', revokedAt: null } });
      await apiKeys.revoke(first.apiKey.id);
      const again = await apiKeys.ensureAdminKey({ configuredKey, dataDir });
      expect(again).toMatchObject({ from: 'REPLEN_ADMIN_KEY', apiKey: { id: first.apiKey.id, revokedAt: expect.any(Date) } });
      await expect(apiKeys.authenticate(configuredKey)).rejects.toThrow('missing or invalid API key');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('8. processes starting at once with one configured admin key store it once (a worker used to die on the unique key)', async () => {
    const configuredKey = 'a-key-three-processes-start-with-0123';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-admin-key-'));
    try {
      const ensured = await Promise.all([1, 2, 3].map(() => testApp.services.apiKeys.ensureAdminKey({ configuredKey, dataDir })));
      const { rows } = await testApp.db.raw(`select id from api_keys where key_hash = ?`, [hashApiKey(configuredKey)]);
      expect(rows).toHaveLength(1);
      expect(ensured.map((one) => one.apiKey.id)).toEqual([rows[0].id, rows[0].id, rows[0].id]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('10. shows a prefix of 8 characters of generated keys only, none of a configured key, and forgets a longer one stored before', async () => {
    const admin = as(testApp.keys.admin);
    const created = (await admin.post('/keys', { name: 'prefix test', role: 'viewer' }).expect(201)).body;
    expect(created.prefix).toBe(created.key.slice(0, 8));
    const configuredKey = 'another-configured-key-0123456789';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-admin-key-'));
    try {
      // A key stored with a 12-character prefix by an earlier version: start-up clears it.
      const { apiKey } = await testApp.services.apiKeys.create({ name: 'old configured', role: 'admin' });
      await testApp.db.raw(`update api_keys set key_hash = ?, prefix = ? where id = ?`, [hashApiKey(configuredKey), configuredKey.slice(0, 12), apiKey.id]);
      const ensured = await testApp.services.apiKeys.ensureAdminKey({ configuredKey, dataDir });
      expect(ensured.apiKey).toMatchObject({ id: apiKey.id, prefix: null });
      const generated = await testApp.services.apiKeys.ensureAdminKey({ dataDir });
      expect(generated).toMatchObject({ from: 'DATA_DIR/admin-key', apiKey: { prefix: generated.key.slice(0, 8) } });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const listed = await admin.get('/keys').expect(200);
    expectShape(apiKeyListResponse, listed.body);
    for (const key of listed.body.data) expect(key.prefix === null || key.prefix.length <= 8).toBe(true);
    expect(listed.body.data.find((key: { name: string }) => key.name === 'old configured').prefix).toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(configuredKey.slice(0, 9));
  });

  it("9. GET /sources shows upstream answers and database errors to admins only; other keys see the request and status", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-sources-secret-'));
    const erp = http.createServer((_request, response) => void response.writeHead(500).end('PG::ConnectionBad host=10.1.2.3 password=hunter2'));
    await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
    try {
      const testDb = testApp.testDb;
      await seedCatalogue(testDb.db);
      await testDb.db.raw(`alter table daily_sales add constraint refuses_4242 check (quantity <> 4242)`);
      fs.mkdirSync(path.join(folder, 'drop'));
      fs.writeFileSync(path.join(folder, 'drop', 'daily-sales-1.csv'), 'sku,location,sales_date,quantity\nSKU-A,DC1,2026-01-20,4242\n');
      const sourcesFile = path.join(folder, 'sources.json');
      const url = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/replen/daily-sales`;
      fs.writeFileSync(
        sourcesFile,
        JSON.stringify([
          { name: 'drop', type: 'csv-folder', folder: 'drop', settleSeconds: 0 },
          { name: 'erp-sales', type: 'http', url, kind: 'daily-sales', timeoutSeconds: 5 },
        ]),
      );
      const logger = createLogger('silent');
      const services = createServices({ db: testDb.db, config: loadConfig({ SOURCES_FILE: sourcesFile }), logger, dispatcher: { dispatchRun: async () => {} } });
      const app = createApp({ services, logger });
      await processors['pull-source']({ source: 'drop' }, services);
      await expect(processors['pull-source']({ source: 'erp-sales' }, services)).rejects.toThrow('hunter2');
      const before = await databaseFingerprint(testDb.db);

      const errorsSeenBy = async (key: string) => {
        const answer = await request(app).get('/sources').set('Authorization', `Bearer ${key}`).expect(200);
        return Object.fromEntries(answer.body.data.map((source: { name: string; lastError: { message: string } }) => [source.name, source.lastError.message]));
      };
      for (const role of ['viewer', 'buyer', 'erp'] as const) {
        expect(await errorsSeenBy(testApp.keys[role])).toEqual({
          drop: '1 file moved to failed/: daily-sales-1.csv',
          'erp-sales': `source erp-sales: GET ${url}?limit=1000 answered 500`,
        });
      }
      expect(await errorsSeenBy(testApp.keys.admin)).toEqual({
        drop: expect.stringContaining('violates check constraint "refuses_4242"'),
        'erp-sales': `source erp-sales: GET ${url}?limit=1000 answered 500: PG::ConnectionBad host=10.1.2.3 password=hunter2`,
      });
      expect(await databaseFingerprint(testDb.db)).toEqual(before);
    } finally {
      await new Promise((resolve) => erp.close(resolve));
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

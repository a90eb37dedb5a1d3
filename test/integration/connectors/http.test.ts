import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpSource } from '../../../src/services/connectors/sources';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { connectorsFor, dailySales, seedCatalogue, storedCursor } from './setup';

const TOKEN = 'erp-test-token-0123456789';

/**
 * A stand-in ERP following the documented contract: records with updated_since < updatedAt, oldest first, `limit`
 * at a time; nextCursor is the updatedAt of the page's last record. `failOn` makes the n-th request answer 500.
 */
function fakeErp() {
  const records: Array<{ updatedAt: string; record: Record<string, unknown> }> = [];
  const requests: string[] = [];
  const erp = { records, requests, failOn: 0, delayMs: 0, server: http.createServer() };
  erp.server.on('request', (request, response) => {
    requests.push(request.url!);
    const url = new URL(request.url!, 'http://erp');
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return answer(401, { error: 'bad token' });
    if (requests.length === erp.failOn) return answer(500, { error: 'ERP database restarting' });
    const since = url.searchParams.get('updated_since') ?? '';
    const newer = records.filter((entry) => entry.updatedAt > since).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    const page = newer.slice(0, Number(url.searchParams.get('limit')));
    const body = { data: page.map((entry) => entry.record), nextCursor: page.at(-1)?.updatedAt ?? (since || null), hasMore: newer.length > page.length };
    setTimeout(() => answer(200, body), erp.delayMs);
  });
  return erp;
}

const sale = (updatedAt: string, sku: string, salesDate: string, quantity: number) => ({ updatedAt, record: { sku, location: 'DC1', salesDate, quantity } });

describe.each(testEngines())('HTTP connector on %s', (engine) => {
  let testDb: TestDb;
  let erp: ReturnType<typeof fakeErp>;
  let source: HttpSource;
  const pull = () => connectorsFor(testDb.db, [source]).pull('erp');

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
    erp = fakeErp();
    await new Promise<void>((resolve) => erp.server.listen(0, '127.0.0.1', resolve));
    const { port } = erp.server.address() as AddressInfo;
    source = { name: 'erp', type: 'http', url: `http://127.0.0.1:${port}/api/daily-sales?site=all`, kind: 'daily-sales', token: TOKEN, tokenEnv: 'ERP_TOKEN', pageSize: 2, timeoutSeconds: 5, schedule: '0 1 * * *' };
  });
  afterAll(async () => {
    await new Promise((resolve) => erp.server.close(resolve));
    await testDb.drop();
  });
  beforeEach(() => {
    erp.requests.length = 0;
    erp.failOn = 0;
  });

  it('commits page 1 with its cursor when page 2 fails, resumes after page 1, and a re-run changes nothing', async () => {
    erp.records.push(
      sale('2026-11-26T08:00:00Z', 'SKU-A', '2026-11-20', 1),
      sale('2026-11-26T08:00:01Z', 'SKU-A', '2026-11-21', 2),
      sale('2026-11-26T08:00:02Z', 'SKU-B', '2026-11-20', 3),
      sale('2026-11-26T08:00:03Z', 'SKU-B', '2026-11-21', 4),
      sale('2026-11-26T08:00:04Z', 'SKU-C', '2026-11-20', 5),
    );
    erp.failOn = 2;
    await expect(pull()).rejects.toThrow(/^source erp: GET http:\/\/127\.0\.0\.1:\d+\/api\/daily-sales\?site=all&updated_since=2026-11-26T08%3A00%3A01Z&limit=2 answered 500/);
    expect(await storedCursor(testDb.db, 'erp')).toBe('2026-11-26T08:00:01Z');
    expect(await dailySales(testDb.db)).toEqual({ 'SKU-A/DC1/2026-11-20': 1, 'SKU-A/DC1/2026-11-21': 2 });
    expect(erp.requests[0]).toBe('/api/daily-sales?site=all&limit=2');

    erp.failOn = 0;
    erp.requests.length = 0;
    const resumed = await pull();
    expect(erp.requests[0]).toContain('updated_since=2026-11-26T08%3A00%3A01Z');
    expect(resumed).toEqual({ source: 'erp', type: 'http', pages: 2, cursor: '2026-11-26T08:00:04Z', counts: { daily_sales: { inserted: 3, updated: 0, unchanged: 0 } } });
    const after = await dailySales(testDb.db);
    expect(Object.keys(after)).toHaveLength(5);

    const rerun = await pull();
    expect(rerun).toEqual({ source: 'erp', type: 'http', pages: 1, cursor: '2026-11-26T08:00:04Z', counts: {} });
    expect(await dailySales(testDb.db)).toEqual(after);
  });

  it('picks up records updated since the cursor and updates only those', async () => {
    erp.records.push(sale('2026-11-26T09:00:00Z', 'SKU-A', '2026-11-20', 10), sale('2026-11-26T09:00:01Z', 'SKU-C', '2026-11-22', 6));
    const report = await pull();
    expect(report.counts).toEqual({ daily_sales: { inserted: 1, updated: 1, unchanged: 0 } });
    expect(await dailySales(testDb.db)).toMatchObject({ 'SKU-A/DC1/2026-11-20': 10, 'SKU-C/DC1/2026-11-22': 6 });
    expect(await storedCursor(testDb.db, 'erp')).toBe('2026-11-26T09:00:01Z');
  });

  it('rejects a page with a bad record whole, naming the page, row, field and reason, and keeps the cursor', async () => {
    erp.records.push(sale('2026-11-26T10:00:00Z', 'SKU-B', '2026-11-23', 1), sale('2026-11-26T10:00:01Z', 'NOPE', '2026-11-23', 1));
    const before = await dailySales(testDb.db);
    const error = await pull().catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'import_rejected',
      message: 'source erp page 1 (updated_since 2026-11-26T09:00:01Z): 1 rows rejected; nothing was imported',
      details: [{ row: 2, field: 'sku', reason: 'unknown SKU NOPE' }],
    });
    expect(await storedCursor(testDb.db, 'erp')).toBe('2026-11-26T09:00:01Z');
    expect(await dailySales(testDb.db)).toEqual(before);
    erp.records.pop();
    erp.records.pop();
  });

  it('stops without importing when another pull of the same source committed a cursor meanwhile', async () => {
    erp.records.push(sale('2026-11-26T11:00:00Z', 'SKU-B', '2026-11-24', 8));
    erp.delayMs = 300;
    try {
      const pulling = pull();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await testDb.db.raw(`update source_cursors set cursor = '2026-11-26T10:30:00Z' where source = 'erp'`);
      await expect(pulling).rejects.toThrow('source erp: another pull of this source committed first; this one stops');
    } finally {
      erp.delayMs = 0;
    }
    expect((await dailySales(testDb.db))['SKU-B/DC1/2026-11-24']).toBeUndefined();
    expect(await storedCursor(testDb.db, 'erp')).toBe('2026-11-26T10:30:00Z');
    await pull();
    expect((await dailySales(testDb.db))['SKU-B/DC1/2026-11-24']).toBe(8);
  });

  it('says what went wrong on a refused token and on a timeout', async () => {
    await expect(connectorsFor(testDb.db, [{ ...source, token: 'wrong' }]).pull('erp')).rejects.toThrow(/answered 401: \{"error":"bad token"\}$/);
    erp.delayMs = 1500;
    try {
      await expect(connectorsFor(testDb.db, [{ ...source, timeoutSeconds: 1 }]).pull('erp')).rejects.toThrow(/failed: timed out after 1 s$/);
    } finally {
      erp.delayMs = 0;
    }
    expect(await storedCursor(testDb.db, 'erp')).toBe('2026-11-26T11:00:00Z');
  });
});

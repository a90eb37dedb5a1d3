import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { processors } from '../../../jobs/processors';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { sourceListResponse } from '../../../src/http/routes/sources';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { expectShape } from '../../helpers/catalogue';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { seedCatalogue } from '../connectors/setup';

const salesCsv = (rows: string[]) => ['sku,location,sales_date,quantity', ...rows].join('\n') + '\n';

/** The value of the one sample of `name` with exactly these labels, from Prometheus text; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${wanted}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

// The tests run in order on one database: each reads what the pulls before it left.
describe.each(testEngines())('GET /sources and the source metrics on %s', (engine) => {
  let testDb: TestDb;
  let folder: string;
  let services: Services;
  let app: Express;
  let viewerKey: string;
  // A stand-in ERP: the first request fails (500), the next answers one page of two sales with a cursor.
  let erpRequests = 0;
  const erp = http.createServer((_request, response) => {
    erpRequests += 1;
    if (erpRequests === 1) return void response.writeHead(500).end('ERP database restarting');
    const data = [
      { sku: 'SKU-A', location: 'DC2', salesDate: '2026-01-19', quantity: 6 },
      { sku: 'SKU-B', location: 'DC2', salesDate: '2026-01-19', quantity: 2 },
    ];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, nextCursor: '2026-11-26T23:59:00Z', hasMore: false }));
  });

  const drop = (name: string, content: string) => fs.writeFileSync(path.join(folder, name), content);
  const sources = async () => {
    const response = await request(app).get('/sources').set('Authorization', `Bearer ${viewerKey}`).expect(200);
    expectShape(sourceListResponse, response.body);
    return response.body.data as Array<Record<string, any>>;
  };
  const dropStatus = async () => (await sources()).find((source) => source.name === 'drop')!;
  const scrape = async () => (await request(app).get('/metrics').set('Authorization', `Bearer ${viewerKey}`).expect(200)).text;
  const pull = (source: string) => processors['pull-source']({ source }, services);

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
    await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-sources-route-'));
    fs.mkdirSync(path.join(folder, 'drop'));
    const sourcesFile = path.join(folder, 'sources.json');
    fs.writeFileSync(
      sourcesFile,
      JSON.stringify([
        { name: 'drop', type: 'csv-folder', folder: 'drop', settleSeconds: 0, schedule: '*/15 * * * *' },
        { name: 'erp-sales', type: 'http', url: `http://127.0.0.1:${(erp.address() as AddressInfo).port}/replen/daily-sales`, kind: 'daily-sales', timeoutSeconds: 5 },
      ]),
    );
    const logger = createLogger('silent');
    services = createServices({ db: testDb.db, config: loadConfig({ SOURCES_FILE: sourcesFile }), logger, dispatcher: { dispatchRun: async () => {} } });
    app = createApp({ services, logger });
    viewerKey = (await services.apiKeys.create({ name: 'viewer', role: 'viewer' })).key;
  });
  afterAll(async () => {
    await new Promise((resolve) => erp.close(resolve));
    fs.rmSync(folder, { recursive: true, force: true });
    await testDb.drop();
  });

  it('needs a key, and lists each configured source, never pulled, with the files waiting in a CSV folder', async () => {
    await request(app).get('/sources').expect(401);
    await request(app).get('/sources?verbose=1').set('Authorization', `Bearer ${viewerKey}`).expect(400);
    drop('drop/daily-sales-1.csv', salesCsv(['SKU-A,DC1,2026-01-20,4', 'SKU-B,DC1,2026-01-20,3']));
    drop('drop/notes.txt', 'not a CSV file: not waiting');

    const listed = await sources();
    const never = { cursor: null, lastPull: null, lastSuccessAt: null, lastError: null, failedPulls: 0, rowsImported: {} };
    expect(listed).toEqual([
      { name: 'drop', type: 'csv-folder', kind: null, schedule: '*/15 * * * *', ...never, filesWaiting: 1 },
      { name: 'erp-sales', type: 'http', kind: 'daily-sales', schedule: '0 1 * * *', ...never, filesWaiting: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain('/replen/daily-sales');

    const metrics = await scrape();
    expect(metrics).toContain('# TYPE replen_source_last_success_timestamp_seconds gauge');
    expect(sample(metrics, 'replen_source_last_success_timestamp_seconds', { source: 'drop' })).toBeUndefined();
    expect(sample(metrics, 'replen_source_pull_failures_total', { source: 'drop' })).toBe(0);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'erp-sales', kind: 'daily-sales' })).toBe(0);
  });

  it('after a successful pull shows when it finished, the rows it imported by kind and per table, and no files waiting', async () => {
    await pull('drop');

    const status = await dropStatus();
    expect(status).toMatchObject({
      lastPull: {
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        outcome: 'succeeded',
        rows: { 'daily-sales': 2 },
        counts: { daily_sales: { inserted: 2, updated: 0, unchanged: 0 } },
      },
      lastError: null,
      failedPulls: 0,
      rowsImported: { 'daily-sales': 2 },
      filesWaiting: 0,
    });
    expect(status.lastSuccessAt).toBe(status.lastPull.at);

    const metrics = await scrape();
    expect(sample(metrics, 'replen_source_last_success_timestamp_seconds', { source: 'drop' })).toBe(Date.parse(status.lastSuccessAt) / 1000);
    expect(sample(metrics, 'replen_source_pull_failures_total', { source: 'drop' })).toBe(0);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'drop', kind: 'daily-sales' })).toBe(2);
  });

  it('after a pull that moved a file to failed/ shows the error, keeps the last success, and counts the rows the other files imported', async () => {
    const before = await dropStatus();
    drop('drop/items-new.csv', 'sku,description\nNEW-1,Bolt\nNEW-2,Nut\nNEW-3,Washer\n');
    drop('drop/daily-sales-2.csv', salesCsv(['SKU-A,DC1,2026-01-21,1', 'NOPE,DC1,2026-01-21,1']));
    await pull('drop');

    const status = await dropStatus();
    expect(status).toMatchObject({
      lastPull: { outcome: 'failed', rows: { items: 3 }, counts: { items: { inserted: 3, updated: 0, unchanged: 0 } } },
      lastSuccessAt: before.lastSuccessAt,
      // A viewer's key: the files' names, not why (an admin's key sees that).
      lastError: { message: '1 file moved to failed/: daily-sales-2.csv' },
      failedPulls: 1,
      rowsImported: { 'daily-sales': 2, items: 3 },
      filesWaiting: 0,
    });
    expect(status.lastError.at).toBe(status.lastPull.at);
    expect(Date.parse(status.lastPull.at)).toBeGreaterThanOrEqual(Date.parse(before.lastPull.at));

    const metrics = await scrape();
    expect(sample(metrics, 'replen_source_last_success_timestamp_seconds', { source: 'drop' })).toBe(Date.parse(before.lastSuccessAt) / 1000);
    expect(sample(metrics, 'replen_source_pull_failures_total', { source: 'drop' })).toBe(1);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'drop', kind: 'items' })).toBe(3);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'drop', kind: 'daily-sales' })).toBe(2);
  });

  it('shows an HTTP source\'s failed pull with its message, then its cursor and rows after a successful one', async () => {
    const erpStatus = async () => (await sources()).find((source) => source.name === 'erp-sales')!;
    await expect(pull('erp-sales')).rejects.toThrow(/^source erp-sales: GET .*\/replen\/daily-sales\?limit=1000 answered 500/);
    const failed = await erpStatus();
    expect(failed).toMatchObject({
      cursor: null,
      lastPull: { outcome: 'failed', rows: {}, counts: {} },
      lastSuccessAt: null,
      // A viewer's key: the request and the status, not what the ERP answered (an admin's key sees that).
      lastError: { message: expect.stringMatching(/^source erp-sales: GET .*\/replen\/daily-sales\?limit=1000 answered 500$/), at: failed.lastPull.at },
      failedPulls: 1,
      rowsImported: {},
    });

    await pull('erp-sales');
    const pulled = await erpStatus();
    expect(pulled).toMatchObject({
      cursor: { value: '2026-11-26T23:59:00Z', updatedAt: expect.stringMatching(/Z$/) },
      lastPull: { outcome: 'succeeded', rows: { 'daily-sales': 2 }, counts: { daily_sales: { inserted: 2, updated: 0, unchanged: 0 } } },
      lastError: failed.lastError,
      failedPulls: 1,
      rowsImported: { 'daily-sales': 2 },
    });
    expect(pulled.lastSuccessAt).toBe(pulled.lastPull.at);
    const metrics = await scrape();
    expect(sample(metrics, 'replen_source_pull_failures_total', { source: 'erp-sales' })).toBe(1);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'erp-sales', kind: 'daily-sales' })).toBe(2);
    expect(sample(metrics, 'replen_source_last_success_timestamp_seconds', { source: 'erp-sales' })).toBe(Date.parse(pulled.lastSuccessAt) / 1000);
  });

  it('after a CSV folder pull that failed with an error shows its message, and a later success keeps that error beside its own time', async () => {

    // The folder gone: the pull throws, and the listing says the folder cannot be read.
    fs.renameSync(path.join(folder, 'drop'), path.join(folder, 'moved'));
    await expect(pull('drop')).rejects.toThrow('source drop: cannot read the folder');
    expect(await dropStatus()).toMatchObject({ lastPull: { outcome: 'failed', rows: {} }, lastError: { message: expect.stringContaining('cannot read the folder') }, failedPulls: 2, filesWaiting: null });

    fs.renameSync(path.join(folder, 'moved'), path.join(folder, 'drop'));
    drop('drop/daily-sales-3.csv', salesCsv(['SKU-C,DC2,2026-01-22,5']));
    await pull('drop');
    const recovered = await dropStatus();
    expect(recovered).toMatchObject({
      lastPull: { outcome: 'succeeded', rows: { 'daily-sales': 1 } },
      lastError: { message: expect.stringContaining('cannot read the folder') },
      failedPulls: 2,
      rowsImported: { 'daily-sales': 3, items: 3 },
    });
    expect(recovered.lastSuccessAt).toBe(recovered.lastPull.at);
    expect(Date.parse(recovered.lastSuccessAt)).toBeGreaterThanOrEqual(Date.parse(recovered.lastError.at));

    const metrics = await scrape();
    expect(sample(metrics, 'replen_source_pull_failures_total', { source: 'drop' })).toBe(2);
    expect(sample(metrics, 'replen_source_rows_imported_total', { source: 'drop', kind: 'daily-sales' })).toBe(3);
    expect(sample(metrics, 'replen_source_last_success_timestamp_seconds', { source: 'drop' })).toBe(Date.parse(recovered.lastSuccessAt) / 1000);
  });
});

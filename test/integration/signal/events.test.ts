/**
 * Events and promotions through the API on PostgreSQL and PGlite: POST /imports/events (JSON and CSV), idempotent,
 * every bad row rejected with its reason and nothing applied; then a forecast stage over 60 weeks of sales in which a
 * past promotion week is explained (kept, where the same spike without an event is cleaned) and future events lift
 * the forecast by the given uplift, the item's measured one, or its category's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { connectorsFor } from '../connectors/setup';
import { addDays } from '../../../db/dates';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { testEngines } from '../../helpers/database';
import { openTestApp, type TestApp } from '../../helpers/catalogue';

const AS_OF = '2024-06-30';
const WEEKS = 60;
const FIRST_MONDAY = addDays(AS_OF, -7 * WEEKS + 1);
const weekStart = (week: number) => addDays(FIRST_MONDAY, 7 * week);
/** Forecast week k (0-based) starts on the Monday after AS_OF plus k weeks. */
const futureWeek = (k: number) => addDays(AS_OF, 1 + 7 * k);
const PROMOTION_WEEK = 40;
const SPIKE_WEEK = 30;
const steady = (w: number) => 100 + ((w * 37) % 11) - 5;

describe.each(testEngines())('events and promotions on %s', (engine) => {
  let t: TestApp;
  const post = (body: unknown, query = '') => request(t.app).post(`/imports/events${query}`).set('Authorization', `Bearer ${t.keys.erp}`).send(body as object);
  const postCsv = (body: string) => request(t.app).post('/imports/events').set('Authorization', `Bearer ${t.keys.erp}`).set('Content-Type', 'text/csv').send(body);
  const count = async () => Number((await t.db.raw('select count(*)::int as n from demand_events')).rows[0].n);

  beforeAll(async () => {
    t = await openTestApp(engine);
    await t.db.raw(`insert into locations (external_id, code, name) values ('L1', 'MAIN', 'Main'), ('L2', 'NORTH', 'North')`);
    const items = await request(t.app)
      .post('/imports/items')
      .set('Authorization', `Bearer ${t.keys.erp}`)
      .send([
        { sku: 'P-1', category: 'snacks' },
        { sku: 'P-2', category: 'snacks', likeSku: 'P-1' },
        { sku: 'P-3' },
      ])
      .expect(200);
    expect(items.body.items).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
  });
  afterAll(() => t.testDb.drop());

  it('imports events on a SKU or a category, at a location or all, and changes nothing on a re-post', async () => {
    const events = [
      { externalId: 'EV-PAST', sku: 'P-1', kind: 'promotion', startDate: weekStart(PROMOTION_WEEK), endDate: addDays(weekStart(PROMOTION_WEEK), 6) },
      { externalId: 'EV-NEXT', sku: 'P-1', location: 'MAIN', kind: 'promotion', startDate: futureWeek(2), endDate: addDays(futureWeek(2), 6) },
      { externalId: 'EV-CAT', category: 'snacks', kind: 'promotion', startDate: futureWeek(4), endDate: addDays(futureWeek(4), 6) },
    ];
    expect((await post(events).expect(200)).body).toEqual({ demand_events: { inserted: 3, updated: 0, unchanged: 0 }, errors: [] });
    expect((await post(events).expect(200)).body).toEqual({ demand_events: { inserted: 0, updated: 0, unchanged: 3 }, errors: [] });
    const csv = `external_id,sku,location,kind,start_date,end_date,expected_uplift\nEV-PRICE,P-3,MAIN,price-change,${futureWeek(1)},${addDays(futureWeek(1), 6)},-0.2\n`;
    expect((await postCsv(csv).expect(200)).body.demand_events).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const { rows } = await t.db.raw(
      `select e.external_id, i.sku, e.category, l.code, e.expected_uplift::float8 as uplift from demand_events e
         left join items i on i.id = e.item_id left join locations l on l.id = e.location_id order by e.external_id`,
    );
    expect(rows).toEqual([
      { external_id: 'EV-CAT', sku: null, category: 'snacks', code: null, uplift: null },
      { external_id: 'EV-NEXT', sku: 'P-1', category: null, code: 'MAIN', uplift: null },
      { external_id: 'EV-PAST', sku: 'P-1', category: null, code: null, uplift: null },
      { external_id: 'EV-PRICE', sku: 'P-3', category: null, code: 'MAIN', uplift: -0.2 },
    ]);
  });

  it('rejects a batch with an unknown SKU, category or location, an end before its start, an uplift that is no number: each row with its reason, nothing applied', async () => {
    const before = await count();
    const good = { externalId: 'EV-OK', sku: 'P-3', kind: 'promotion', startDate: '2024-08-01', endDate: '2024-08-03' };
    const rejected = await post([
      good,
      { ...good, externalId: 'EV-B1', sku: 'NOPE' },
      { externalId: 'EV-B2', category: 'toys', kind: 'promotion', startDate: '2024-08-01', endDate: '2024-08-02' },
      { ...good, externalId: 'EV-B3', startDate: '2024-08-05', endDate: '2024-08-01' },
      { ...good, externalId: 'EV-B4', expectedUplift: 'lots' },
      { ...good, externalId: 'EV-B5', category: 'snacks' },
      { ...good, externalId: 'EV-B6', location: 'MOON' },
      { ...good, externalId: 'EV-B7', kind: 'Big Sale!' },
    ]).expect(422);
    expect(rejected.body.error.code).toBe('import_rejected');
    expect(rejected.body.error.details).toEqual([
      { row: 2, field: 'sku', reason: 'unknown SKU NOPE' },
      { row: 3, field: 'category', reason: 'unknown category toys: no item has it' },
      { row: 4, field: 'endDate', reason: 'end date 2024-08-01 is before start date 2024-08-05' },
      { row: 5, field: 'expectedUplift', reason: 'expected a decimal number, got "lots"' },
      { row: 6, field: 'sku', reason: 'name either a sku or a category, not both or neither' },
      { row: 7, field: 'location', reason: 'unknown location MOON' },
      { row: 8, field: 'kind', reason: 'expected a lowercase word such as promotion or price-change' },
    ]);
    expect(await count()).toBe(before);
    const csv = await postCsv(`external_id,sku,kind,start_date,end_date,expected_uplift\nEV-C1,P-3,promotion,2024-08-01,2024-08-02,abc\n`).expect(422);
    expect(csv.body.error.details).toEqual([{ row: 2, field: 'expected_uplift', reason: 'expected a decimal number, got "abc"' }]);
    expect(await count()).toBe(before);
  });

  it('pulls an events file from a CSV folder after the items file it needs; a bad events file goes to failed/ whole', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-events-'));
    try {
      fs.writeFileSync(path.join(folder, 'items-drop.csv'), 'sku,category\nP-5,drinks\n');
      fs.writeFileSync(path.join(folder, 'events-drop.csv'), 'external_id,category,kind,start_date,end_date,expected_uplift\nEV-DRINKS,drinks,promotion,2024-09-02,2024-09-08,0.25\n');
      fs.writeFileSync(path.join(folder, 'events-bad.csv'), 'external_id,sku,kind,start_date,end_date\nEV-GOOD,P-5,promotion,2024-09-02,2024-09-08\nEV-BAD,P-5,promotion,2024-09-08,2024-09-02\n');
      const before = await count();
      const report = await connectorsFor(t.db, [{ name: 'drop', type: 'csv-folder', folder, schedule: '0 1 * * *', settleSeconds: 0 }]).pull('drop');
      expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([
        ['items-drop.csv', 'imported'],
        ['events-bad.csv', 'failed'],
        ['events-drop.csv', 'imported'],
      ]);
      expect(JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'events-bad.csv.error.json'), 'utf8'))).toMatchObject({
        code: 'import_rejected',
        errors: [{ row: 3, field: 'end_date', reason: 'end date 2024-09-02 is before start date 2024-09-08' }],
      });
      expect(await count()).toBe(before + 1);
      expect((await t.db.raw(`select category, expected_uplift::float8 as uplift from demand_events where external_id = 'EV-DRINKS'`)).rows).toEqual([{ category: 'drinks', uplift: 0.25 }]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it("rejects an item like an unknown SKU or like itself", async () => {
    const rejected = await request(t.app)
      .post('/imports/items')
      .set('Authorization', `Bearer ${t.keys.erp}`)
      .send([{ sku: 'P-9', likeSku: 'NOPE' }, { sku: 'P-8', likeSku: 'P-8' }])
      .expect(422);
    expect(rejected.body.error.details).toEqual([
      { row: 1, field: 'likeSku', reason: 'unknown SKU NOPE' },
      { row: 2, field: 'likeSku', reason: 'an item cannot be like itself' },
    ]);
  });

  it('explains the past promotion week, cleans an unexplained spike, and lifts the future event weeks', async () => {
    const ids = new Map<string, number>((await t.db.raw(`select sku, id from items`)).rows.map((row: { sku: string; id: number }) => [row.sku, row.id]));
    const location = Number((await t.db.raw(`select id from locations where code = 'MAIN'`)).rows[0].id);
    const weekly = (sku: string, w: number) => {
      if (sku === 'P-1' && w === PROMOTION_WEEK) return 2 * steady(w);
      if (sku === 'P-3' && w === SPIKE_WEEK) return 2 * steady(w);
      return steady(w);
    };
    const rows = ['P-1', 'P-2', 'P-3'].flatMap((sku) =>
      Array.from({ length: WEEKS }, (_, w) => ({ item_id: ids.get(sku), location_id: location, sales_date: addDays(weekStart(w), 2), quantity: weekly(sku, w) })),
    );
    await t.db.batchInsert('daily_sales', rows, 1000);
    const { rows: run } = await t.db.raw(`insert into forecast_runs (kind, trigger, as_of_date) values ('pipeline', 'test', ?) returning id`, [AS_OF]);
    const runId = Number(run[0].id);
    await createForecastStage({ db: t.db, horizonWeeks: 8, historyWeeks: 104, reselectDays: 0 })(runId, AS_OF, { firstItemId: Math.min(...ids.values()), lastItemId: Math.max(...ids.values()) });

    const fit = async (sku: string) => {
      const { rows: fits } = await t.db.raw(`select params from forecast_fits where run_id = ? and item_id = ?`, [runId, ids.get(sku)!]);
      const params = fits[0].params;
      return (typeof params === 'string' ? JSON.parse(params) : params) as { cleaned: Array<{ weekStart: string }>; events?: Array<Record<string, unknown>> };
    };
    const means = async (sku: string) =>
      (await t.db.raw(`select mean::float8 as mean from forecasts where run_id = ? and item_id = ? order by step`, [runId, ids.get(sku)!])).rows.map((row: { mean: number }) => row.mean);

    const p1 = await fit('P-1');
    expect(p1.cleaned.map((week) => week.weekStart)).not.toContain(weekStart(PROMOTION_WEEK));
    expect((await fit('P-3')).cleaned.map((week) => week.weekStart)).toContain(weekStart(SPIKE_WEEK));

    // P-1's promotion doubled its week: measured uplift ≈ 1 (the steady weeks vary by ±5 %).
    const [next, category] = p1.events!;
    expect(next).toMatchObject({ kind: 'promotion', upliftSource: 'item', weeks: [futureWeek(2), futureWeek(4)] });
    expect(next.uplift as number).toBeGreaterThan(0.85);
    expect(next.uplift as number).toBeLessThan(1.15);
    expect(category).toBeUndefined();
    const p1Means = await means('P-1');
    expect(p1Means[2] / p1Means[1]).toBeCloseTo(1 + (next.uplift as number), 1);

    // P-2 had no promotion of its own: the category's (P-1's evidence) lifts its week 4.
    const p2 = await fit('P-2');
    expect(p2.events).toEqual([{ kind: 'promotion', uplift: next.uplift, upliftSource: 'category', weeks: [futureWeek(4)] }]);
    const p2Means = await means('P-2');
    expect(p2Means[4] / p2Means[3]).toBeCloseTo(1 + (next.uplift as number), 1);

    // P-3's price change came with its uplift: week 1 at 0.8.
    expect((await fit('P-3')).events).toEqual([{ kind: 'price-change', uplift: -0.2, upliftSource: 'given', weeks: [futureWeek(1)] }]);
    const p3Means = await means('P-3');
    expect(p3Means[1] / p3Means[2]).toBeCloseTo(0.8, 1);
  }, 120_000);
});

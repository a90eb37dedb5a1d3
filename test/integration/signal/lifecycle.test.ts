/**
 * New and dying items through the API on PostgreSQL and PGlite: items imported with a likeSku or a category; after a
 * forecast and a plan stage over 60 weeks of sales, an item selling for 3 weeks is forecast from its like item scaled
 * to those weeks, one selling for 2 from its category's profile, both marked "new"; an item without a sale for 10
 * weeks (it sold every week before) is marked "dying", forecast at zero and not reordered, and GET /exceptions shows
 * its stock on hand and on order at risk of becoming excess.
 */
import request from 'supertest';
import { addDays } from '../../../db/dates';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { createPlanStage } from '../../../src/services/plan-stage';
import { testEngines } from '../../helpers/database';
import { openTestApp, type TestApp } from '../../helpers/catalogue';

const AS_OF = '2024-06-30';
const WEEKS = 60;
const FIRST_MONDAY = addDays(AS_OF, -7 * WEEKS + 1);
/** Weekly sales per SKU, oldest first (0 = none that week). */
const weekly: Record<string, (w: number) => number> = {
  'OLD-1': (w) => 100 + ((w * 37) % 7) - 3,
  'OLD-2': (w) => 50 + ((w * 23) % 5) - 2,
  'NEW-LIKE': (w) => (w >= WEEKS - 3 ? 50 : 0),
  'NEW-CAT': (w) => (w >= WEEKS - 2 ? 30 : 0),
  DYING: (w) => (w < WEEKS - 10 ? 40 + (w % 3) : 0),
};

describe.each(testEngines())('new and dying items on %s', (engine) => {
  let t: TestApp;
  let runId: number;
  const ids = new Map<string, number>();
  const fitOf = async (sku: string) => {
    const { rows } = await t.db.raw(`select demand_class, params from forecast_fits where run_id = ? and item_id = ?`, [runId, ids.get(sku)!]);
    const params = typeof rows[0].params === 'string' ? JSON.parse(rows[0].params) : rows[0].params;
    return { demandClass: rows[0].demand_class as string, lifecycle: params.lifecycle as Record<string, unknown> | undefined };
  };
  const means = async (sku: string) =>
    (await t.db.raw(`select mean::float8 as mean from forecasts where run_id = ? and item_id = ? order by step`, [runId, ids.get(sku)!])).rows.map((row: { mean: number }) => row.mean);

  beforeAll(async () => {
    t = await openTestApp(engine);
    const { db } = t;
    await db.raw(`insert into locations (external_id, code, name) values ('L1', 'MAIN', 'Main')`);
    await db.raw(`insert into suppliers (external_id, name) values ('S1', 'One')`);
    const erp = `Bearer ${t.keys.erp}`;
    await request(t.app)
      .post('/imports/items')
      .set('Authorization', erp)
      .send([
        { sku: 'OLD-1', category: 'tools', unitCost: 2 },
        { sku: 'OLD-2', category: 'tools', unitCost: 2 },
        { sku: 'NEW-LIKE', likeSku: 'OLD-1', unitCost: 2 },
        { sku: 'NEW-CAT', category: 'tools', unitCost: 2 },
        { sku: 'DYING', unitCost: 2.5 },
      ])
      .expect(200);
    for (const row of (await db.raw(`select sku, id from items`)).rows) ids.set(row.sku, row.id);
    await request(t.app)
      .post('/imports/supplier-items')
      .set('Authorization', erp)
      .send([...ids.keys()].map((sku) => ({ externalId: `SI-${sku}`, supplier: 'S1', sku, unitCost: 2, promisedLeadTimeDays: 14 })))
      .expect(200);
    const location = Number((await db.raw(`select id from locations`)).rows[0].id);
    const sales = [...ids].flatMap(([sku, itemId]) =>
      Array.from({ length: WEEKS }, (_, w) => ({ item_id: itemId, location_id: location, sales_date: addDays(FIRST_MONDAY, 7 * w + 2), quantity: weekly[sku](w) })),
    );
    await db.batchInsert('daily_sales', sales, 1000);
    await request(t.app)
      .post('/imports/on-hand')
      .set('Authorization', erp)
      .send([...ids.keys()].map((sku) => ({ sku, location: 'MAIN', snapshotDate: AS_OF, quantity: sku === 'DYING' ? 20 : 0 })))
      .expect(200);
    await request(t.app)
      .post('/imports/purchase-orders')
      .set('Authorization', erp)
      .send([{ externalId: 'PO-D', supplier: 'S1', location: 'MAIN', orderDate: '2024-06-20', lines: [{ externalId: 'PO-D-1', sku: 'DYING', quantityOrdered: 10 }] }])
      .expect(200);
    runId = Number((await db.raw(`insert into forecast_runs (kind, trigger, as_of_date, status, finished_at) values ('pipeline', 'test', ?, 'succeeded', now()) returning id`, [AS_OF])).rows[0].id);
    const range = { firstItemId: Math.min(...ids.values()), lastItemId: Math.max(...ids.values()) };
    await createForecastStage({ db, horizonWeeks: 8, historyWeeks: 104, reselectDays: 0 })(runId, AS_OF, range);
    await createPlanStage({ db, serviceLevels: { A: 0.95, B: 0.95, C: 0.95 }, historyWeeks: 104 })(runId, AS_OF);
  }, 120_000);
  afterAll(() => t.testDb.drop());

  it('forecasts an item with 3 weeks of sales from its like item, scaled to them (50 against 100: ×0.5)', async () => {
    const fit = await fitOf('NEW-LIKE');
    expect(fit.demandClass).toBe('new');
    expect(fit.lifecycle).toMatchObject({ status: 'new', basis: 'like-sku', reference: 'OLD-1', ownWeeks: 3 });
    const oldWeeks = [WEEKS - 3, WEEKS - 2, WEEKS - 1].reduce((sum, w) => sum + weekly['OLD-1'](w), 0);
    expect(fit.lifecycle!.scale).toBeCloseTo(150 / oldWeeks, 10);
    for (const mean of await means('NEW-LIKE')) expect(mean).toBeCloseTo(50, -1);
  });

  it("forecasts an item with 2 weeks of sales from its category's profile (OLD-1 and OLD-2), scaled to them", async () => {
    const fit = await fitOf('NEW-CAT');
    expect(fit).toMatchObject({ demandClass: 'new', lifecycle: { status: 'new', basis: 'category', reference: 'tools', ownWeeks: 2 } });
    const profile = (w: number) => (weekly['OLD-1'](w) + weekly['OLD-2'](w)) / 2;
    expect(fit.lifecycle!.scale).toBeCloseTo(60 / (profile(WEEKS - 2) + profile(WEEKS - 1)), 10);
    for (const mean of await means('NEW-CAT')) expect(mean).toBeCloseTo(30, -1);
    // The items with their own history are forecast from it.
    expect((await fitOf('OLD-1')).lifecycle).toBeUndefined();
  });

  it('marks an item without a sale for 10 weeks dying: forecast at zero, not reordered, its stock at risk of excess', async () => {
    const fit = await fitOf('DYING');
    expect(fit).toMatchObject({ demandClass: 'dying', lifecycle: { status: 'dying', weeksSinceLastSale: 10, usualIntervalWeeks: 1, lastSaleWeek: addDays(FIRST_MONDAY, 7 * (WEEKS - 11)) } });
    expect(await means('DYING')).toEqual(new Array(8).fill(0));
    const { rows: recommendations } = await t.db.raw(`select quantity from recommendations where run_id = ? and item_id = ?`, [runId, ids.get('DYING')!]);
    expect(recommendations).toEqual([]);
    const { rows: policies } = await t.db.raw(`select order_up_to::float8 as order_up_to, explanation from inventory_policies where run_id = ? and item_id = ?`, [runId, ids.get('DYING')!]);
    expect(policies[0].order_up_to).toBe(0);
    const notes = (typeof policies[0].explanation === 'string' ? JSON.parse(policies[0].explanation) : policies[0].explanation).notes;
    expect(notes).toContain('dying: no sale for clearly longer than its usual interval; not reordered on its old rate');
    // The new items are planned on their reference forecast.
    expect((await t.db.raw(`select count(*)::int as n from recommendations where run_id = ? and item_id = ?`, [runId, ids.get('NEW-LIKE')!])).rows[0].n).toBe(1);
  });

  it('raises new and dying exceptions through GET /exceptions with the numbers behind them', async () => {
    const get = (kind: string) => request(t.app).get(`/exceptions?kind=${kind}`).set('Authorization', `Bearer ${t.keys.viewer}`).expect(200);
    const fresh = (await get('new')).body.data;
    expect(fresh.map((e: { sku: string }) => e.sku).sort()).toEqual(['NEW-CAT', 'NEW-LIKE']);
    expect(fresh.find((e: { sku: string }) => e.sku === 'NEW-LIKE')).toMatchObject({
      runId,
      details: { basis: 'like-sku', reference: 'OLD-1', ownWeeks: 3 },
      action: expect.stringMatching(/^forecast from like item OLD-1 scaled ×0\.\d+ to its first 3 weeks, until 8 weeks of its own sales take over$/),
    });
    const [dying] = (await get('dying')).body.data;
    expect(dying).toMatchObject({
      sku: 'DYING',
      details: { weeksSinceLastSale: 10, onHand: 20, onOrder: 10, atRiskUnits: 30, atRiskValue: 75 },
      action: 'no sale for 10 weeks (usually every 1): forecast at zero and not reordered; 20 on hand and 10 on order at risk of becoming excess',
    });
  });
});

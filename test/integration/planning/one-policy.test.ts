import { addDays } from '../../../db/dates';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { createPlanStage } from '../../../src/services/plan-stage';
import { samplingSeed } from '../../../src/services/planning/planning-demand';
import { plannerOrderUpTo } from '../../../src/services/replay/backtest';
import { openTestDb, type TestDb } from '../../helpers/database';

/*
 * One policy: the plan stage (a nightly run, reading its history and forecasts from the database) and the backtest
 * (src/services/replay/backtest.ts, on the same weekly history in memory) give the same order-up-to level.
 * Three items, 60 weeks of daily sales ending Sunday 2024-06-30, one supplier promising 14 days (2 weeks; no receipts,
 * so its spread is a quarter of the promise: 0.5 weeks), reviewing every 7 days:
 *   1 smooth (ETS errors), 2 intermittent (TSB samples), 3 smooth but slow (samples: under 10 units over L + R).
 */
const AS_OF = '2024-06-30';
const WEEKS = 60;
const FIRST_MONDAY = addDays(AS_OF, -7 * WEEKS + 1);
const weekly: Record<number, number[]> = {
  1: Array.from({ length: WEEKS }, (_, w) => 40 + ((w * 37) % 17) + (w % 5)),
  2: Array.from({ length: WEEKS }, (_, w) => (w % 4 === 1 ? 3 + (w % 7) : 0)),
  3: Array.from({ length: WEEKS }, (_, w) => 1 + (w % 3 === 0 ? 1 : 0)),
};
const serviceLevel = 0.95;
const horizonWeeks = 8;

describe('one policy: the plan stage and the backtest order up to the same level for the same history', () => {
  let testDb: TestDb;
  let levels: Map<number, number>;
  let methods: Map<number, string>;

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    const { db } = testDb;
    await db('locations').insert({ id: 1, external_id: 'L1', code: 'MAIN', name: 'Main' });
    await db('suppliers').insert({ id: 1, external_id: 'S1', name: 'One', review_period_days: 7 });
    await db('items').insert([1, 2, 3].map((id) => ({ id, external_id: `I${id}`, sku: `SKU-${id}`, unit_cost: 1, unit_price: 2 })));
    await db('supplier_items').insert([1, 2, 3].map((id) => ({ external_id: `SI-${id}`, supplier_id: 1, item_id: id, unit_cost: 1, promised_lead_time_days: 14 })));
    // Each week's units sold on its Wednesday; every other day of the week a zero row, as an ERP reports a day without sales.
    const rows = Object.entries(weekly).flatMap(([itemId, values]) =>
      values.flatMap((quantity, week) =>
        Array.from({ length: 7 }, (_, day) => ({ item_id: Number(itemId), location_id: 1, sales_date: addDays(FIRST_MONDAY, 7 * week + day), quantity: day === 2 ? quantity : 0 })),
      ),
    );
    await db.batchInsert('daily_sales', rows, 1000);
    await db('on_hand_snapshots').insert([1, 2, 3].map((id) => ({ item_id: id, location_id: 1, snapshot_date: AS_OF, quantity: 0 })));
    const { rows: run } = await db.raw(`insert into forecast_runs (kind, trigger, as_of_date) values ('pipeline', 'test', ?) returning id`, [AS_OF]);
    const runId = Number(run[0].id);
    await createForecastStage({ db, horizonWeeks, historyWeeks: 156, reselectDays: 0 })(runId, AS_OF, { firstItemId: 1, lastItemId: 3 });
    await createPlanStage({ db, serviceLevels: { A: serviceLevel, B: serviceLevel, C: serviceLevel }, historyWeeks: 156 })(runId, AS_OF);
    const policies = await db('inventory_policies').where({ run_id: runId }).select('item_id', 'order_up_to', 'explanation');
    levels = new Map(policies.map((row) => [Number(row.item_id), Number(row.order_up_to)]));
    methods = new Map(policies.map((row) => [Number(row.item_id), (typeof row.explanation === 'string' ? JSON.parse(row.explanation) : row.explanation).safetyStockMethod]));
  }, 120_000);

  afterAll(() => testDb.drop());

  it.each([
    [1, 'smooth', 'error-quantile-cycle'],
    [2, 'intermittent', 'samples-quantile'],
    [3, 'smooth', 'samples-quantile'],
  ])('item %i (%s, buffered by %s)', (itemId, demandClass, method) => {
    expect(methods.get(itemId)).toBe(method);
    const backtest = plannerOrderUpTo(weekly[itemId], [serviceLevel], {
      leadTime: 2,
      reviewPeriod: 1,
      leadTimeStdDev: 0.5,
      seasonLength: 52,
      horizon: horizonWeeks,
      seed: samplingSeed(itemId, 1),
    });
    expect(backtest.demandClass).toBe(demandClass);
    expect(levels.get(itemId)).toBeGreaterThan(0);
    expect(backtest.orderUpTo[0]).toBeCloseTo(levels.get(itemId)!, 9);
  });
});

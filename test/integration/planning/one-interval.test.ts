import request from 'supertest';
import { addDays } from '../../../db/dates';
import { protectionDemandLevel, type ProtectionDemandRecord } from '../../../models/policy/protection-demand';
import { recommendationDetailResponse } from '../../../src/http/schemas';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { createPlanStage } from '../../../src/services/plan-stage';
import { testEngines } from '../../helpers/database';
import { expectShape, openTestApp, type TestApp } from '../../helpers/catalogue';

/*
 * One record of uncertainty (issue 10, item 5): the interval the page draws for a line (GET /recommendations/:id,
 * protectionDemand) and the level the planner set (inventory_policies) come from one record, the policy's
 * protectionDemand, read by one function (protectionDemandLevel). A nightly forecast and plan stage over three items
 * (as test/integration/planning/one-policy.test.ts: 60 weeks of sales to Sunday 2024-06-30, a supplier promising 14
 * days, weekly review, nothing on hand), on PostgreSQL and PGlite:
 *   1 smooth (the forecast's errors over L + R), 2 intermittent (TSB samples), 3 smooth but slow (samples).
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
const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

describe.each(testEngines())('one record: the interval a line shows and the level the planner set, on %s', (engine) => {
  let t: TestApp;
  let runId: number;
  const policies = new Map<number, { orderUpTo: number; explanation: { protectionDemand: ProtectionDemandRecord; safetyStockMethod: string } }>();
  const lines = new Map<number, number>();

  beforeAll(async () => {
    t = await openTestApp(engine);
    const { db } = t;
    await db('locations').insert({ id: 1, external_id: 'L1', code: 'MAIN', name: 'Main' });
    await db('suppliers').insert({ id: 1, external_id: 'S1', name: 'One', review_period_days: 7 });
    await db('items').insert([1, 2, 3].map((id) => ({ id, external_id: `I${id}`, sku: `ONE-${id}`, unit_cost: 1, unit_price: 2 })));
    await db('supplier_items').insert([1, 2, 3].map((id) => ({ external_id: `SI-${id}`, supplier_id: 1, item_id: id, unit_cost: 1, promised_lead_time_days: 14 })));
    const rows = Object.entries(weekly).flatMap(([itemId, values]) =>
      values.flatMap((quantity, week) =>
        Array.from({ length: 7 }, (_, day) => ({ item_id: Number(itemId), location_id: 1, sales_date: addDays(FIRST_MONDAY, 7 * week + day), quantity: day === 2 ? quantity : 0 })),
      ),
    );
    await db.batchInsert('daily_sales', rows, 1000);
    await db('on_hand_snapshots').insert([1, 2, 3].map((id) => ({ item_id: id, location_id: 1, snapshot_date: AS_OF, quantity: 0 })));
    const { rows: run } = await db.raw(`insert into forecast_runs (kind, trigger, as_of_date, status) values ('pipeline', 'test', ?, 'running') returning id`, [AS_OF]);
    runId = Number(run[0].id);
    await createForecastStage({ db, horizonWeeks: 8, historyWeeks: 156, reselectDays: 0 })(runId, AS_OF, { firstItemId: 1, lastItemId: 3 });
    await createPlanStage({ db, serviceLevels: { A: serviceLevel, B: serviceLevel, C: serviceLevel }, historyWeeks: 156 })(runId, AS_OF);
    for (const row of await db('inventory_policies').where({ run_id: runId }).select('item_id', 'order_up_to', 'explanation')) {
      policies.set(Number(row.item_id), { orderUpTo: Number(row.order_up_to), explanation: json(row.explanation) });
    }
    for (const row of await db('recommendations').where({ run_id: runId }).select('id', 'item_id')) lines.set(Number(row.item_id), Number(row.id));
  }, 180_000);

  afterAll(() => t.testDb.drop());

  it.each([
    [1, 'error-quantile-cycle', 'forecast-errors'],
    [2, 'samples-quantile', 'samples'],
    [3, 'samples-quantile', 'samples'],
  ])('item %i (%s): the detail shows at the target the level the policy holds, from the policy\'s record', async (itemId, method, source) => {
    const policy = policies.get(itemId)!;
    expect(policy.explanation.safetyStockMethod).toBe(method);
    expect(lines.has(itemId)).toBe(true);
    const response = await request(t.app).get(`/recommendations/${lines.get(itemId)}`).set('Authorization', `Bearer ${t.keys.viewer}`).expect(200);
    expectShape(recommendationDetailResponse, response.body);
    const shown = response.body.protectionDemand;
    expect(shown.source).toBe(source);
    expect(shown.points.map((point: { probability: number }) => point.probability)).toEqual([0.8, 0.95]);
    const target = shown.points.find((point: { target: boolean }) => point.target);
    expect(target.probability).toBe(serviceLevel);
    // The number the page draws at the target is the order-up-to level the planner stored, to the last digit.
    expect(target.level).toBe(policy.orderUpTo);
    // Every point the page draws is the policy row's own record read by the planner's function (not a second record).
    const record = policy.explanation.protectionDemand;
    for (const point of shown.points) expect(point.level).toBe(protectionDemandLevel(record, point.probability));
    expect(shown.forecastDemand).toBe(record.forecastDemand);
    // The 80 % level sits below the target's; only a cycle-sized sample record may put a level under the forecast over
    // the protection interval (most cycles of an intermittent item have no demand to miss).
    expect(shown.points[0].level).toBeLessThanOrEqual(target.level);
    if (!(record.kind === 'samples' && record.cycleSized)) expect(shown.points[0].level).toBeGreaterThanOrEqual(shown.forecastDemand);
    else expect(shown.points[0].level).toBeGreaterThanOrEqual(0);
  });
});

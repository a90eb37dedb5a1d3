import type { Knex } from 'knex';
import { replaceChunkForecasts, type ForecastFitRow, type ForecastRow } from '../../../db/repositories/forecasts';
import { draftPurchaseOrdersForRun } from '../../../db/repositories/planning';
import { addDays } from '../../../db/dates';
import { protectionErrorsAt, type ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import { errorPlusNormalQuantile } from '../../../models/policy/safety-stock';
import { normalQuantile } from '../../../models/stats/normal';
import { safetyFactorForFillRate } from '../../../models/policy/safety-stock';
import { createPlanStage } from '../../../src/services/plan-stage';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

/*
 * A hand-made catalogue whose plan can be checked with a pencil. History ends Sunday 2024-06-30; the plan day is
 * Monday 2024-07-01. One location. Forecasts are weekly (periodDays = 7) and flat.
 *
 * Suppliers: S1 "Quick" (review 7 days, no minimum, never delivered: its lead times are its promises, spread 25%);
 *            S2 "Late" (review 14 days, minimum order 2,000; promises 28 days and delivered all 8 receipts in 42).
 * Items (revenue over the last 52 weeks = units × price 10, item 4 price 5):
 *   1: 300 × 10 = 3,000   S1 only (moq 40, multiple 12)               forecast 10/wk, σ 3
 *   2: 500 × 10 = 5,000   S2 primary (cost 5), S1 alternative (cost 6, moq 10, multiple 10)   forecast 20/wk, σ 4
 *   3: 150 × 10 = 1,500   S2 only (multiple 5)   (+1,000 units sold in 2023-05, outside the 52 weeks)   forecast 5/wk, σ 2
 *   4: 100 ×  5 =   500   S2 only, intermittent, plenty of stock      forecast 0.5/wk
 * ABC (cumulative share before the item < 0.8 → A, < 0.95 → B): item 2 (0) A, item 1 (0.5) A, item 3 (0.8) B, item 4 (0.95) C.
 *
 * S2's learned lead time (learnLeadTimes, credibility k = 5): prior mean = promised 28 + mean lateness 14 = 42 = each
 * item's own mean → 42 days. Spread: all receipts equal, so pooled variance 0 with df = 8 receipts − 2 items = 6;
 * prior variance = (1 − 6/11) × (0.25 × 28)² = 245/11; an item with n = 4 receipts keeps (1 − 3/8) of it:
 * σ_L² = 5/8 × 245/11 = 1225/88 days².
 */
const AS_OF = '2024-06-30';
const PLAN_DATE = '2024-07-01';
const zA = normalQuantile(0.98);
const zB = normalQuantile(0.95);

async function insertCatalogue(db: Knex): Promise<void> {
  await db('locations').insert({ id: 1, external_id: 'L1', code: 'EAST', name: 'East' });
  await db('suppliers').insert([
    { id: 1, external_id: 'S1', name: 'Quick', review_period_days: 7, min_order_value: 0 },
    { id: 2, external_id: 'S2', name: 'Late', review_period_days: 14, min_order_value: 2000 },
  ]);
  await db('items').insert([
    { id: 1, external_id: 'I1', sku: 'SKU-1', unit_cost: 4, unit_price: 10 },
    { id: 2, external_id: 'I2', sku: 'SKU-2', unit_cost: 5, unit_price: 10 },
    { id: 3, external_id: 'I3', sku: 'SKU-3', unit_cost: 10, unit_price: 10 },
    { id: 4, external_id: 'I4', sku: 'SKU-4', unit_cost: 2.5, unit_price: 5 },
  ]);
  await db('supplier_items').insert([
    { external_id: 'SI-1-1', supplier_id: 1, item_id: 1, unit_cost: 4, moq: 40, order_multiple: 12, promised_lead_time_days: 14, priority: 1 },
    { external_id: 'SI-2-2', supplier_id: 2, item_id: 2, unit_cost: 5, moq: 1, order_multiple: 1, promised_lead_time_days: 28, priority: 1 },
    { external_id: 'SI-1-2', supplier_id: 1, item_id: 2, unit_cost: 6, moq: 10, order_multiple: 10, promised_lead_time_days: 14, priority: 2 },
    { external_id: 'SI-2-3', supplier_id: 2, item_id: 3, unit_cost: 10, moq: 1, order_multiple: 5, promised_lead_time_days: 28, priority: 1 },
    { external_id: 'SI-2-4', supplier_id: 2, item_id: 4, unit_cost: 2.5, moq: 1, order_multiple: 1, promised_lead_time_days: 28, priority: 1 },
  ]);
  await db('daily_sales').insert([
    { item_id: 1, location_id: 1, sales_date: '2024-06-10', quantity: 300 },
    { item_id: 2, location_id: 1, sales_date: '2024-06-11', quantity: 500 },
    { item_id: 3, location_id: 1, sales_date: '2024-06-12', quantity: 150 },
    { item_id: 3, location_id: 1, sales_date: '2023-05-01', quantity: 1000 },
    // Item 4 sells 10 units every fourth Monday, ten times.
    ...Array.from({ length: 10 }, (_, k) => ({ item_id: 4, location_id: 1, sales_date: addDays('2023-08-07', 28 * k), quantity: 10 })),
  ]);
  await db('on_hand_snapshots').insert([
    { item_id: 1, location_id: 1, snapshot_date: '2024-06-23', quantity: 50 },
    { item_id: 1, location_id: 1, snapshot_date: '2024-06-30', quantity: 12 },
    { item_id: 2, location_id: 1, snapshot_date: '2024-06-30', quantity: 70 },
    { item_id: 3, location_id: 1, snapshot_date: '2024-06-30', quantity: 45 },
    { item_id: 4, location_id: 1, snapshot_date: '2024-06-30', quantity: 200 },
  ]);
  // S2's history: four closed orders, each with items 2 and 3, promised in 28 days and received in 42.
  for (let k = 0; k < 4; k++) {
    const orderDate = addDays('2024-01-01', 28 * k);
    await db('purchase_orders').insert({
      id: 10 + k, external_id: `PO-${k}`, supplier_id: 2, location_id: 1, order_date: orderDate, promised_date: addDays(orderDate, 28), status: 'closed',
    });
    for (const itemId of [2, 3]) {
      const lineId = 100 + 10 * k + itemId;
      await db('purchase_order_lines').insert({ id: lineId, external_id: `POL-${lineId}`, purchase_order_id: 10 + k, item_id: itemId, quantity_ordered: 50, quantity_received: 50 });
      await db('receipts').insert({ external_id: `R-${lineId}`, purchase_order_line_id: lineId, received_date: addDays(orderDate, 42), quantity: 50 });
    }
  }
  // Item 1: 5 units still to come from S1 (nothing received yet), 2 units owed to a customer.
  await db('purchase_orders').insert({ id: 20, external_id: 'PO-OPEN', supplier_id: 1, location_id: 1, order_date: '2024-06-24', expected_date: '2024-07-05', status: 'open' });
  await db('purchase_order_lines').insert({ id: 200, external_id: 'POL-200', purchase_order_id: 20, item_id: 1, quantity_ordered: 5, quantity_received: 0 });
  await db('sales_orders').insert({ id: 1, external_id: 'SO-1', customer_ref: 'C1', location_id: 1, order_date: '2024-06-28', status: 'open' });
  await db('sales_order_lines').insert({ external_id: 'SOL-1', sales_order_id: 1, item_id: 1, quantity_ordered: 2, quantity_backordered: 2 });
}

const flatForecasts: Array<{ itemId: number; mean: number; errorSd: number; method: string; demandClass: string }> = [
  { itemId: 1, mean: 10, errorSd: 3, method: 'ets', demandClass: 'smooth' },
  { itemId: 2, mean: 20, errorSd: 4, method: 'ets', demandClass: 'smooth' },
  { itemId: 3, mean: 5, errorSd: 2, method: 'theta', demandClass: 'smooth' },
  { itemId: 4, mean: 0.5, errorSd: 1.2, method: 'tsb', demandClass: 'intermittent' },
];

/** A succeeded run holding 26 weeks of flat forecasts for every item, with error summaries for the items given. */
async function runWithForecasts(db: Knex, protectionErrors: Record<number, ProtectionErrorSummary> = {}): Promise<number> {
  const { rows } = await db.raw(`insert into forecast_runs (kind, trigger, status, as_of_date) values ('pipeline', 'test', 'succeeded', ?) returning id`, [AS_OF]);
  const runId = Number(rows[0].id);
  const forecasts: ForecastRow[] = [];
  const fits: ForecastFitRow[] = [];
  for (const f of flatForecasts) {
    for (let step = 1; step <= 26; step++) {
      forecasts.push({ itemId: f.itemId, locationId: 1, method: f.method, demandClass: f.demandClass, periodStart: addDays(PLAN_DATE, 7 * (step - 1)), step, mean: f.mean, lo80: null, hi80: null, lo95: null, hi95: null });
    }
    fits.push({ itemId: f.itemId, locationId: 1, method: f.method, demandClass: f.demandClass, accuracy: {}, errorSd: f.errorSd, protectionErrors: protectionErrors[f.itemId] ?? null, params: {} });
  }
  await replaceChunkForecasts(db, runId, [1, 2, 3, 4], { forecasts, fits });
  return runId;
}

interface RecommendationRecord {
  id: number;
  item_id: number;
  supplier_id: number | null;
  status: string;
  quantity: number;
  suggested_quantity: number;
  unit_cost: number;
  need_by_date: string | null;
  projected_stockout_date: string | null;
  urgency: string;
  explanation: Record<string, any>;
}

async function recommendationsOf(db: Knex, runId: number): Promise<Map<number, RecommendationRecord>> {
  const { rows } = await db.raw(
    `select id, item_id, supplier_id, status, quantity::float8 as quantity, suggested_quantity::float8 as suggested_quantity,
            unit_cost::float8 as unit_cost, need_by_date, projected_stockout_date, urgency, explanation
       from recommendations where run_id = ? order by item_id`,
    [runId],
  );
  return new Map(rows.map((row: RecommendationRecord) => [row.item_id, row]));
}

async function policiesOf(db: Knex, runId: number) {
  const { rows } = await db.raw(
    `select item_id, supplier_id, service_level, safety_stock, reorder_point, order_up_to, eoq, explanation
       from inventory_policies where run_id = ? order by item_id`,
    [runId],
  );
  return new Map<number, Record<string, any>>(rows.map((row: { item_id: number }) => [row.item_id, row]));
}

describe.each(testEngines())('plan stage on a hand-made catalogue on %s', (engine) => {
  let testDb: TestDb;
  let runId: number;
  let counts: Record<string, number>;
  const stage = () =>
    createPlanStage({ db: testDb.db, serviceLevels: { A: 0.98, B: 0.95, C: 0.9 }, historyWeeks: 52, chunkSize: 2, demandSampleCount: 2000 });

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await insertCatalogue(testDb.db);
    runId = await runWithForecasts(testDb.db);
    counts = await stage()(runId, AS_OF);
  });
  afterAll(() => testDb.drop());

  it('plans every forecast item × location and counts what it wrote', async () => {
    expect(counts).toEqual({
      plannedItems: 4,
      recommendations: 3,
      criticalRecommendations: 1,
      unsourcedRecommendations: 0,
      previousDecisionsShown: 0,
      planErrors: 0,
      draftPurchaseOrders: 2,
      draftPurchaseOrdersBelowMinimum: 1,
    });
  });

  it('item 1: S = demand over L + R plus z·σ, the order raised to the MOQ then the case multiple, critical before arrival', async () => {
    // L = 14 days = 2 weeks (S1's promise, never delivered), σ_L = 0.25 × 14 = 3.5 days = 0.5 weeks, R = 7 days = 1 week.
    // σ over protection = √((L + R)·σ_d² + d²·σ_L²) = √(3·3² + 10²·0.5²) = √52; class A → 98%, SS = z(0.98)·√52 = 14.81.
    // S = 3 weeks × 10 + 14.81 = 44.81; IP = on hand 12 (latest snapshot) + open 5 − backordered 2 = 15; need 29.81
    // → MOQ 40 → next multiple of 12: 48.
    const safetyStock = zA * Math.sqrt(52);
    const policy = (await policiesOf(testDb.db, runId)).get(1)!;
    expect(policy.safety_stock).toBeCloseTo(safetyStock, 9);
    expect(policy.order_up_to).toBeCloseTo(30 + safetyStock, 9);
    expect(policy.reorder_point).toBeNull();
    expect(policy.service_level).toBe(0.98);
    expect(policy.explanation).toMatchObject({ inventoryPosition: 15, onHand: 12, onOrder: 5, backordered: 2, policyKind: 'periodic', abcClass: 'A' });

    const recommendation = (await recommendationsOf(testDb.db, runId)).get(1)!;
    expect(recommendation.explanation.netRequirement).toBeCloseTo(30 + safetyStock - 15, 9);
    expect(recommendation.explanation.rounding).toMatchObject({ afterMoq: 40, afterMultiple: 48, orderQuantity: 48 });
    expect(recommendation).toMatchObject({ supplier_id: 1, status: 'proposed', quantity: 48, suggested_quantity: 48, unit_cost: 4 });
    // Available 12 − 2 = 10 units, + the open 5 expected on 2024-07-05 (day 4, before they run out on day 7): 15 units at
    // 10/week last 10.5 days → stock-out 2024-07-11, still before a 14-day delivery.
    expect(recommendation).toMatchObject({ projected_stockout_date: '2024-07-11', need_by_date: '2024-07-11', urgency: 'critical' });
    expect(recommendation.explanation.scheduledReceipts).toEqual([{ date: '2024-07-05', quantity: 5 }]);
    expect(recommendation.explanation).toMatchObject({ demandStdDevSource: 'one-period-sd', protectionErrors: null });
    expect(recommendation.explanation).toMatchObject({
      abcClass: 'A',
      abcClassSource: 'revenue-52-weeks',
      serviceLevelSource: 'class-A',
      forecastMethod: 'ets',
      demandClass: 'smooth',
      forecastStdDevSource: 'forecast-residuals',
      openPurchaseEarliestExpectedDate: '2024-07-05',
      previousDecision: null,
    });
  });

  it('item 2: the primary S2 cannot deliver before the stock-out, so S1 is chosen and the policy replanned at 14 days', async () => {
    // Cover = 70 / 20 per week = 3.5 weeks = 24.5 days < S2's 42 days; S1 delivers in 14 → primary-too-slow.
    // Replanned: L = 2 weeks, σ_L = 0.5, R = S2's 14 days = 2 weeks (the item's review cycle): σ = √(4·4² + 20²·0.5²) = √164;
    // S = 80 + z(0.98)·√164 = 106.30; IP = 70 → 36.30 → S1's multiple of 10: 40. Stock-out in 24.5 < 14 + 14 days: high.
    const recommendation = (await recommendationsOf(testDb.db, runId)).get(2)!;
    expect(recommendation).toMatchObject({ supplier_id: 1, quantity: 40, unit_cost: 6, urgency: 'high', projected_stockout_date: '2024-07-25' });
    expect(recommendation.explanation.reasonCode).toBe('primary-too-slow');
    expect(recommendation.explanation.replannedForChosenSupplier).toBe(true);
    expect(recommendation.explanation.orderUpTo).toBeCloseTo(80 + zA * Math.sqrt(164), 9);
    const late = recommendation.explanation.leadTimes.find((entry: { supplierId: number }) => entry.supplierId === 2);
    expect(late).toMatchObject({ promisedDays: 28, source: 'blended', receiptCount: 4, meanLatenessDays: 14 });
    expect(late.plannedMeanDays).toBeCloseTo(42, 9);
  });

  it('item 3: the late supplier is planned at the 42 days it delivers in, not the 28 it promises', async () => {
    // L = 42 days = 6 weeks, σ_L² = 1225/88 days² = 25/88 weeks², R = 2 weeks; σ = √(8·2² + 5²·25/88); class B → 95%.
    // S = 8 × 5 + z(0.95)·σ = 50.29; IP = 45 → 5.29 → multiple of 5: 10. Cover 9 weeks = 63 days ≥ 42 + 14: normal.
    const sigma = Math.sqrt(8 * 4 + 25 * (25 / 88));
    const recommendation = (await recommendationsOf(testDb.db, runId)).get(3)!;
    expect(recommendation.explanation.leadTimeMeanDays).toBeCloseTo(42, 9);
    expect(recommendation.explanation.leadTimeStdDevDays).toBeCloseTo(Math.sqrt(1225 / 88), 9);
    expect(recommendation.explanation.safetyStock).toBeCloseTo(zB * sigma, 9);
    expect(recommendation.explanation).toMatchObject({ abcClass: 'B', serviceLevel: 0.95, reasonCode: 'primary' });
    expect(recommendation).toMatchObject({ supplier_id: 2, quantity: 10, urgency: 'normal', need_by_date: '2024-09-02' });
  });

  it('item 4: intermittent demand is buffered from simulated demand over the protection interval, and is not due', async () => {
    const policies = await policiesOf(testDb.db, runId);
    expect(policies.get(4)!.explanation).toMatchObject({ safetyStockMethod: 'samples-quantile', sampleCount: 2000, abcClass: 'C', serviceLevel: 0.9 });
    expect((await recommendationsOf(testDb.db, runId)).has(4)).toBe(false);
    expect(policies.get(4)!.explanation.pullForward).toMatchObject({ supplierId: '2', quantity: 1, unitCost: 2.5 });
  });

  it('groups lines into draft purchase orders per supplier × location, with the shortfall and a pull-forward under the minimum', async () => {
    const orders = await draftPurchaseOrdersForRun(testDb.db, runId);
    expect(orders.map((order) => [order.supplierId, order.lines.map((line) => [line.sku, line.quantity])])).toEqual([
      [1, [['SKU-1', 48], ['SKU-2', 40]]],
      [2, [['SKU-3', 10]]],
    ]);
    expect(orders[0]).toMatchObject({ orderValue: 48 * 4 + 40 * 6, minimumOrderValue: null, shortfall: 0, pullForward: [] });
    // S2: 10 × 10 = 100 against a minimum of 2,000 → shortfall 1,900; item 4 (not due) is suggested to fill it.
    expect(orders[1]).toMatchObject({ orderValue: 100, minimumOrderValue: 2000, shortfall: 1900 });
    expect(orders[1].pullForward).toEqual([expect.objectContaining({ itemId: 4, sku: 'SKU-4', quantity: 1, value: 2.5, cumulativeOrderValue: 102.5, suggested: true })]);
  });

  it('a rerun of the same run gives the same counts and rows, and keeps a buyer decision already made on it', async () => {
    const before = await recommendationsOf(testDb.db, runId);
    const policiesBefore = await policiesOf(testDb.db, runId);
    await testDb.db.raw(`update recommendations set status = 'rejected', decided_by = 'ann', decided_at = now(), reason_code = 'overstock' where run_id = ? and item_id = 2`, [runId]);

    expect(await stage()(runId, AS_OF)).toEqual(counts);
    const after = await recommendationsOf(testDb.db, runId);
    expect([...after.keys()]).toEqual([1, 2, 3]);
    expect(after.get(2)).toMatchObject({ id: before.get(2)!.id, status: 'rejected' });
    expect(after.get(1)!.id).not.toBe(before.get(1)!.id);
    expect(after.get(1)!.explanation).toEqual(before.get(1)!.explanation);
    // The simulated buffer of the intermittent item is seeded per item, so it is the same number again.
    expect((await policiesOf(testDb.db, runId)).get(4)!.safety_stock).toBe(policiesBefore.get(4)!.safety_stock);
    const { rows } = await testDb.db.raw(`select (select count(*) from inventory_policies where run_id = ?)::int as policies, (select count(*) from draft_purchase_orders where run_id = ?)::int as drafts`, [runId, runId]);
    expect(rows[0]).toEqual({ policies: 4, drafts: 2 });
  });

  it('the next run shows an earlier rejection, and counts an approved, edited, unexported quantity as on order', async () => {
    // Run 1: item 1 rejected; item 3 edited from 10 to 20 and approved (not yet exported).
    await testDb.db.raw(
      `update recommendations set status = 'rejected', decided_by = 'ann', decided_at = '2024-07-01T09:00:00Z', reason_code = 'overstock' where run_id = ? and item_id = 1`,
      [runId],
    );
    await testDb.db.raw(`update recommendations set status = 'approved', quantity = 20, decided_by = 'bob', decided_at = '2024-07-01T10:00:00Z' where run_id = ? and item_id = 3`, [runId]);
    const nextRunId = await runWithForecasts(testDb.db);
    const nextCounts = await stage()(nextRunId, AS_OF);
    const next = await recommendationsOf(testDb.db, nextRunId);

    // Item 1 is proposed again at the same 48, with the buyer's rejection beside it.
    expect(next.get(1)).toMatchObject({ status: 'proposed', quantity: 48 });
    expect(next.get(1)!.explanation.previousDecision).toEqual({
      runId, status: 'rejected', quantity: 48, suggested: 48, reasonCode: 'overstock', decidedBy: 'ann', decidedAt: '2024-07-01T09:00:00.000Z',
    });
    // Item 3: IP = 45 + 20 approved = 65 ≥ S = 50.29, so no second order; the policy says why.
    expect(next.has(3)).toBe(false);
    const policy3 = (await policiesOf(testDb.db, nextRunId)).get(3)!;
    expect(policy3.explanation).toMatchObject({ approvedNotExportedQuantity: 20, onOrder: 20, inventoryPosition: 65 });
    expect(policy3.explanation.previousDecision).toMatchObject({ runId, status: 'approved', quantity: 20, suggested: 10, decidedBy: 'bob' });
    // Item 2 was rejected on the rerun of run 1 above: shown too.
    expect(next.get(2)!.explanation.previousDecision).toMatchObject({ status: 'rejected', reasonCode: 'overstock' });
    expect(nextCounts).toMatchObject({ recommendations: 2, previousDecisionsShown: 2, draftPurchaseOrders: 1 });
  });

  it('the stored error summary sets the buffer, and an open order arriving before the stock-out takes a line off critical', async () => {
    // Item 1 gets 20 more units on an open order expected 2024-07-05 (day 4, before its stock-out on day 7 without them).
    await testDb.db('purchase_orders').insert({ id: 21, external_id: 'PO-OPEN-2', supplier_id: 1, location_id: 1, order_date: '2024-06-28', expected_date: '2024-07-05', status: 'open' });
    await testDb.db('purchase_order_lines').insert({ id: 201, external_id: 'POL-201', purchase_order_id: 21, item_id: 1, quantity_ordered: 20, quantity_received: 0 });
    // Errors over 1, 2 and 4 weeks (absolute); the 98 % quantile (8th value of a row) is 8 over 2 weeks and 12 over 4.
    const row = (q98: number) => [q98 / 2, 0, q98 / 3, q98 / 2.5, q98 / 2, q98 * 0.7, q98 * 0.9, q98, q98 * 1.1, q98 * 1.2];
    const summary: ProtectionErrorSummary = { scale: 'absolute', horizons: [1, 2, 4], rows: [row(5), row(8), row(12)] };
    const nextRunId = await runWithForecasts(testDb.db, { 1: summary });
    await stage()(nextRunId, AS_OF);

    // H = L + R = 2 + 1 = 3 weeks: q = 10 halfway between 8 and 12; σ_L = 0.5 week × 10/week: the 98 % quantile of the
    // 3-week error plus 5·Z.
    const safetyStock = errorPlusNormalQuantile(protectionErrorsAt(summary, 3), 5, 0.98);
    const recommendation = (await recommendationsOf(testDb.db, nextRunId)).get(1)!;
    expect(recommendation.explanation).toMatchObject({ safetyStockMethod: 'error-quantile-cycle', demandStdDevSource: 'protection-errors' });
    expect(recommendation.explanation.protectionErrors).toMatchObject({ horizonPeriods: 3, scale: 'absolute', errorQuantile: 10, extrapolated: false });
    // The summary went through forecast_fits as real (4-byte) values: 1e-6 of them.
    expect(recommendation.explanation.safetyStock).toBeCloseTo(safetyStock, 5);
    // IP = 12 + 5 + 20 − 2 = 35 < S = 30 + 14.33: still an order (48 after MOQ and case). Stock: 10, + 25 on day 4 →
    // 35 units last 24.5 days ≥ L + R = 21: normal, where the projection without arrival dates said critical (day 7).
    expect(recommendation).toMatchObject({ quantity: 48, urgency: 'normal', projected_stockout_date: '2024-07-25' });
    expect(recommendation.explanation.daysOfCover).toBeCloseTo(24.5, 9);
  });

  it('buffers a smooth item selling fewer than 10 units over L + R from samples, as the backtest does, and one selling 12 from σ', async () => {
    // Items 1–4 are unchanged by the rule (items 1–3 sold hundreds of units since their first sale). Two new items, S1
    // only (L = 2 weeks + R = 1 = 3 weeks), sell every Monday of the last 20 weeks: item 5 one unit (3 over L + R: a slow
    // mover), item 6 four (12: not). Both forecast smooth.
    await testDb.db('items').insert([
      { id: 5, external_id: 'I5', sku: 'SKU-5', unit_cost: 1, unit_price: 2 },
      { id: 6, external_id: 'I6', sku: 'SKU-6', unit_cost: 1, unit_price: 2 },
    ]);
    await testDb.db('supplier_items').insert([5, 6].map((itemId) => ({ external_id: `SI-1-${itemId}`, supplier_id: 1, item_id: itemId, unit_cost: 1, moq: 1, order_multiple: 1, promised_lead_time_days: 14, priority: 1 })));
    await testDb.db('daily_sales').insert(
      [5, 6].flatMap((itemId) => Array.from({ length: 20 }, (_, week) => ({ item_id: itemId, location_id: 1, sales_date: addDays('2024-02-12', 7 * week), quantity: itemId === 5 ? 1 : 4 }))),
    );
    const { rows } = await testDb.db.raw(`insert into forecast_runs (kind, trigger, status, as_of_date) values ('pipeline', 'test', 'succeeded', ?) returning id`, [AS_OF]);
    const slowRunId = Number(rows[0].id);
    const forecasts: ForecastRow[] = [];
    const fits: ForecastFitRow[] = [];
    for (const [itemId, mean] of [[5, 1], [6, 4]]) {
      for (let step = 1; step <= 26; step++) {
        forecasts.push({ itemId, locationId: 1, method: 'ets', demandClass: 'smooth', periodStart: addDays(PLAN_DATE, 7 * (step - 1)), step, mean, lo80: null, hi80: null, lo95: null, hi95: null });
      }
      fits.push({ itemId, locationId: 1, method: 'ets', demandClass: 'smooth', accuracy: {}, errorSd: 0.5, protectionErrors: null, params: {} });
    }
    await replaceChunkForecasts(testDb.db, slowRunId, [5, 6], { forecasts, fits });
    expect(await stage()(slowRunId, AS_OF)).toMatchObject({ plannedItems: 2, planErrors: 0 });

    const policies = await policiesOf(testDb.db, slowRunId);
    // Item 5 sells exactly 1 a week, so a sample is the number of weeks drawn over L + R (gamma, mean 3, sd 0.5): mean ≈ 3.
    expect(policies.get(5)!.explanation).toMatchObject({ demandClass: 'smooth', safetyStockMethod: 'samples-quantile', sampleCount: 2000, protectionPeriods: 3 });
    expect(policies.get(5)!.explanation.sampleMean).toBeCloseTo(3, 1);
    expect(policies.get(5)!.explanation.notes).toContain('slow mover: fewer than 10 units over the protection interval');
    expect(policies.get(6)!.explanation).toMatchObject({ demandClass: 'smooth', safetyStockMethod: 'normal-cycle', sampleCount: null });
  });
  it("cuts an order to the supplier item's maximum (supplier_items.max_order_quantity), and says so", async () => {
    // Item 1 still needs about 10 or more (S ≈ 44.8 against a position of at most 35): a cap of 5 cuts it.
    await testDb.db('supplier_items').where({ external_id: 'SI-1-1' }).update({ moq: 1, order_multiple: 1, max_order_quantity: 5 });
    try {
      const cappedRunId = await runWithForecasts(testDb.db);
      await stage()(cappedRunId, AS_OF);
      const recommendation = (await recommendationsOf(testDb.db, cappedRunId)).get(1)!;
      expect(recommendation.quantity).toBe(5);
      expect(recommendation.explanation.orderConstraints).toMatchObject({ moq: 1, orderMultiple: 1, maxOrderQuantity: 5 });
      expect(recommendation.explanation.rounding).toMatchObject({ orderQuantity: 5, capped: true });
      expect(recommendation.explanation.rounding.afterMultiple).toBeGreaterThan(5);
    } finally {
      await testDb.db('supplier_items').where({ external_id: 'SI-1-1' }).update({ moq: 40, order_multiple: 12, max_order_quantity: null });
    }
  });

  it('plans a class to a fill-rate target when its service measure says so (SERVICE_MEASURE_A), the others to cycle service', async () => {
    const fillRateRunId = await runWithForecasts(testDb.db);
    const serviceLevels = { A: 0.98, B: 0.95, C: 0.9 };
    await createPlanStage({
      db: testDb.db,
      serviceLevels,
      serviceMeasures: { A: 'fill-rate', B: 'cycle', C: 'cycle' },
      historyWeeks: 52,
      chunkSize: 2,
      demandSampleCount: 2000,
    })(fillRateRunId, AS_OF);
    const policies = await policiesOf(testDb.db, fillRateRunId);
    // Item 1 (A): Q = demand over one review = 10, σ over L + R = √52 as in item 1's cycle test: k solves G(k) = 0.02·10/√52.
    const k = safetyFactorForFillRate(0.98, 10, Math.sqrt(52));
    expect(policies.get(1)!.explanation).toMatchObject({ serviceMeasure: 'fill-rate', safetyStockMethod: 'normal-fill-rate', fillRateOrderQuantity: 10 });
    expect(policies.get(1)!.explanation.safetyFactor).toBeCloseTo(k, 12);
    expect(policies.get(1)!.safety_stock).toBeCloseTo(k * Math.sqrt(52), 9);
    // Item 4 keeps cycle service at its class's level. Its class is B or C: items 5 and 6 of the slow-mover test above
    // joined the revenue ranking and move it from C to B when the file runs in order.
    const item4 = policies.get(4)!.explanation as { abcClass: keyof typeof serviceLevels };
    expect(item4.abcClass).not.toBe('A');
    expect(item4).toMatchObject({ serviceMeasure: 'cycle', serviceLevel: serviceLevels[item4.abcClass] });
  });
});

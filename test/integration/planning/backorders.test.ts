import type { Knex } from 'knex';
import request from 'supertest';
import { backorderDetailResponse, backorderPageResponse, skuDetailResponse } from '../../../src/http/schemas';
import { createBackorderStage } from '../../../src/services/backorder-stage';
import { testEngines } from '../../helpers/database';
import {
  expectShape,
  insertItem,
  insertLocation,
  insertOnHand,
  insertReceipt,
  insertRecommendation,
  insertRun,
  insertSourcedItem,
  insertSupplier,
  openTestApp,
  type TestApp,
} from '../../helpers/catalogue';

/*
 * A small catalogue, as-of date 2026-11-22: stock ships from 11-23.
 *
 * Supplier S quotes 28 days on item A and delivered its last three orders in 35 days each (promised 28 → 7 days late).
 * learnLeadTimes (k = 5, n = 3): planned mean 35 (own mean 35 and prior 28 + 7 agree); variance: own weight
 * (3 − 1) / (3 − 1 + 5) = 2/7 on 0, the prior's 5/7 on [supplier df 2 → weight 2/7 on pooled 0, 5/7 on (0.25 × 28)² = 49
 * → 35] → 25, sd 5. Lateness N(7, 5²): mean 35 − 28 = 7 days. PO-2, 12 days past its promise and not come, says the
 * supplier is later than its receipts show (latenessShiftFromOrdersOut, the receipts weighing 3 + 5 = 8 deliveries):
 * the μ where −8(μ − 7) / 25 + φ(z) / Φ(z) / 5 = 0, z = (μ − 12) / 5, is 7.8675 (R: uniroot), so lateness N(7.8675, 5²)
 * and lead time N(35.8675, 5²). An open order has not come by the as-of date, so its ETA
 * is the median, its late case the 90 % quantile, of the deliveries later than that (delayQuantile; cq(m, s, q, a) from R
 * as in test/unit/policy/backorder-allocation.test.ts), rounded up to whole days with a tenth of a day's slack.
 *
 * Item A at DC: on hand 5, of which 3 committed to an open line that is not backordered → 2 free (11-23).
 *   PO-2: 8 open, promised 11-10, 12 days overdue (a = 12): cq(7.8675, 5, .5, 12) = 14.215 → 11-10 + 15 = 11-25
 *     (late case cq(7.8675, 5, .9, 12) = 18.093 → + 18 = 11-28, within the slack), where the receipts alone said 11-17:
 *     "tomorrow".
 *   PO-1: 10 ordered − 4 received = 6 open, promised 12-01 (a = −9, barely moves): cq(7.8675, 5, .5, −9) = 7.870 → + 8
 *     = 12-09 (late case cq(7.8675, 5, .9, −9) = 14.276 → + 15 = 12-16).
 *   Approved recommendation (earlier run) of 20: ordered 11-23 at the earliest, lead time N(35.8675, 5²): + 36 = 12-29
 *     (late case qnorm(.9, 35.8675, 5) = 42.275 → + 43 = 2027-01-05).
 *   A cancelled PO of 100 is not supply. Supply in arrival order: 2 (11-23), 8 (11-25), 6 (12-09), 20 (12-29) = 36 units.
 *   Lines by priority (promise, else order date): L2 (no promise, ordered 11-02) 10; L1 (promised 11-05) 4;
 *   L3 (promised 11-20, ordered 11-03) 15; L4 (promised 11-20, ordered 11-10) 12.
 *   L2: free 2 + PO-2 8 → ETA 11-25 (late 11-28). L1: PO-1 4 → 12-09 (12-16). L3: PO-1 2 + rec 13 → 12-29 (2027-01-05).
 *   L4: rec 7, 5 short; this run proposes only 3 more → partial, not-enough-supply.
 * Item B at DC: no supply; this run proposes 50 → L5 (6) uncovered, awaiting approval.
 * Item C at DC: nothing → L6 (2) uncovered, no incoming supply. A closed sales order's backorder is not read.
 */
describe.each(testEngines())('backorder allocation on %s', (engine) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const get = (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${t.keys.viewer}`);

  async function insertId(db: Knex, sql: string, bindings: Knex.RawBinding[]): Promise<number> {
    const { rows } = await db.raw(`${sql} returning id`, bindings);
    return Number(rows[0].id);
  }

  async function purchaseLine(input: { externalId: string; itemId: number; status?: string; promisedDate: string; ordered: number; received?: number }) {
    const orderId = await insertId(
      t.db,
      `insert into purchase_orders (external_id, supplier_id, location_id, order_date, promised_date, status) values (?, ?, ?, '2026-10-20', ?, ?)`,
      [input.externalId, ids.supplier, ids.dc, input.promisedDate, input.status ?? 'open'],
    );
    return insertId(
      t.db,
      `insert into purchase_order_lines (external_id, purchase_order_id, item_id, quantity_ordered, quantity_received) values (?, ?, ?, ?, ?)`,
      [`${input.externalId}-1`, orderId, input.itemId, input.ordered, input.received ?? 0],
    );
  }

  async function salesLine(input: {
    order: string;
    customer?: string;
    itemId: number;
    orderDate: string;
    orderPromise?: string;
    linePromise?: string;
    ordered?: number;
    backordered: number;
    status?: string;
    erpEta?: string;
  }) {
    const orderId = await insertId(
      t.db,
      `insert into sales_orders (external_id, customer_ref, location_id, order_date, promised_date, status) values (?, ?, ?, ?, ?, ?)`,
      [input.order, input.customer ?? 'C-1', ids.dc, input.orderDate, input.orderPromise ?? null, input.status ?? 'open'],
    );
    return insertId(
      t.db,
      `insert into sales_order_lines (external_id, sales_order_id, item_id, quantity_ordered, quantity_backordered, promised_date, eta)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [`${input.order}-1`, orderId, input.itemId, input.ordered ?? input.backordered, input.backordered, input.linePromise ?? null, input.erpEta ?? null],
    );
  }

  beforeAll(async () => {
    t = await openTestApp(engine);
    const db = t.db;
    ids.dc = await insertLocation(db, 'DC');
    ids.supplier = await insertSupplier(db);
    ids.a = await insertSourcedItem(db, { supplierId: ids.supplier, sku: 'BO-A', promisedLeadTimeDays: 28 });
    ids.b = await insertSourcedItem(db, { supplierId: ids.supplier, sku: 'BO-B', promisedLeadTimeDays: 28 });
    ids.c = await insertItem(db, { sku: 'BO-C' });
    for (const [orderDate, promisedDate, receivedDate] of [
      ['2026-03-01', '2026-03-29', '2026-04-05'],
      ['2026-05-01', '2026-05-29', '2026-06-05'],
      ['2026-07-01', '2026-07-29', '2026-08-05'],
    ]) {
      await insertReceipt(db, { supplierId: ids.supplier, itemId: ids.a, locationId: ids.dc, orderDate, promisedDate, receivedDate });
    }
    ids.earlierRun = await insertRun(db);
    ids.run = await insertRun(db);

    await insertOnHand(db, { itemId: ids.a, locationId: ids.dc, date: '2026-11-22', quantity: 5 });
    await salesLine({ order: 'SO-COMMITTED', itemId: ids.a, orderDate: '2026-11-21', ordered: 3, backordered: 0 });
    ids.po1 = await purchaseLine({ externalId: 'PO-1', itemId: ids.a, promisedDate: '2026-12-01', ordered: 10, received: 4 });
    ids.po2 = await purchaseLine({ externalId: 'PO-2', itemId: ids.a, promisedDate: '2026-11-10', ordered: 8 });
    await purchaseLine({ externalId: 'PO-CANCELLED', itemId: ids.a, promisedDate: '2026-11-01', ordered: 100, status: 'cancelled' });
    ids.approved = await insertRecommendation(db, { runId: ids.earlierRun, itemId: ids.a, locationId: ids.dc, supplierId: ids.supplier, quantity: 20, status: 'approved' });
    ids.proposedA = await insertRecommendation(db, { runId: ids.run, itemId: ids.a, locationId: ids.dc, supplierId: ids.supplier, quantity: 3 });
    ids.proposedB = await insertRecommendation(db, { runId: ids.run, itemId: ids.b, locationId: ids.dc, supplierId: ids.supplier, quantity: 50 });

    ids.l1 = await salesLine({ order: 'SO-1', itemId: ids.a, orderDate: '2026-11-01', orderPromise: '2026-11-05', backordered: 4, erpEta: '2026-12-01' });
    ids.l2 = await salesLine({ order: 'SO-2', itemId: ids.a, orderDate: '2026-11-02', backordered: 10 });
    ids.l3 = await salesLine({ order: 'SO-3', customer: 'C-2', itemId: ids.a, orderDate: '2026-11-03', linePromise: '2026-11-20', backordered: 15 });
    ids.l4 = await salesLine({ order: 'SO-4', itemId: ids.a, orderDate: '2026-11-10', orderPromise: '2026-11-20', backordered: 12 });
    ids.l5 = await salesLine({ order: 'SO-5', itemId: ids.b, orderDate: '2026-11-04', backordered: 6 });
    ids.l6 = await salesLine({ order: 'SO-6', itemId: ids.c, orderDate: '2026-11-05', backordered: 2 });
    await salesLine({ order: 'SO-CLOSED', itemId: ids.a, orderDate: '2026-10-01', backordered: 9, status: 'closed' });
  });
  afterAll(() => t.testDb.drop());

  const stage = () => createBackorderStage({ db: t.db })(ids.run, '2026-11-22');
  const storedRows = async (runId: number) =>
    (await t.db.raw(`select to_jsonb(a)::text as row from backorder_allocations a where run_id = ? order by sales_order_line_id`, [runId])).rows.map(
      (row: { row: string }) => row.row,
    );

  it('allocates by the rule and counts the lines in the run', async () => {
    expect(await stage()).toEqual({
      backorderLines: 6,
      backorderLinesCovered: 3,
      backorderLinesPartial: 1,
      backorderLinesUncovered: 2,
      backorderLinesAwaitingApproval: 1,
      backorderSupplyUndated: 0,
      // Every line gets its first promise: covered for L1, L2, L3; uncovered for L4, L5, L6 (one webhook event each).
      backorderPromisesChanged: 6,
      backorderEvents: 6,
    });
    const { rows } = await t.db.raw(
      `select sales_order_line_id, priority_rank, quantity_allocated::float8 as allocated, quantity_uncovered::float8 as uncovered, status, eta,
              eta_late_case, uncovered_reason
         from backorder_allocations where run_id = ? order by sales_order_line_id`,
      [ids.run],
    );
    expect(rows).toEqual([
      { sales_order_line_id: ids.l1, priority_rank: 2, allocated: 4, uncovered: 0, status: 'covered', eta: '2026-12-09', eta_late_case: '2026-12-16', uncovered_reason: null },
      { sales_order_line_id: ids.l2, priority_rank: 1, allocated: 10, uncovered: 0, status: 'covered', eta: '2026-11-25', eta_late_case: '2026-11-28', uncovered_reason: null },
      { sales_order_line_id: ids.l3, priority_rank: 3, allocated: 15, uncovered: 0, status: 'covered', eta: '2026-12-29', eta_late_case: '2027-01-05', uncovered_reason: null },
      { sales_order_line_id: ids.l4, priority_rank: 4, allocated: 7, uncovered: 5, status: 'partial', eta: null, eta_late_case: null, uncovered_reason: 'not-enough-supply' },
      { sales_order_line_id: ids.l5, priority_rank: 1, allocated: 0, uncovered: 6, status: 'uncovered', eta: null, eta_late_case: null, uncovered_reason: 'awaiting-approval' },
      { sales_order_line_id: ids.l6, priority_rank: 1, allocated: 0, uncovered: 2, status: 'uncovered', eta: null, eta_late_case: null, uncovered_reason: 'no-incoming-supply' },
    ]);
    // The ERP's own ETA on the line stays as the ERP sent it.
    const erp = await t.db.raw(`select eta from sales_order_lines where id = ?`, [ids.l1]);
    expect(erp.rows[0].eta).toBe('2026-12-01');
  });

  it('writes identical rows when the run is allocated again', async () => {
    const before = await storedRows(ids.run);
    expect(before).toHaveLength(6);
    await stage();
    expect(await storedRows(ids.run)).toEqual(before);
  });

  it('lists the latest run earliest ETA first, lines without one last, page by page', async () => {
    const all = await get('/backorders').expect(200);
    expectShape(backorderPageResponse, all.body);
    expect(all.body.runId).toBe(ids.run);
    expect(all.body.data.map((row: { salesOrderLineId: number }) => row.salesOrderLineId)).toEqual([ids.l2, ids.l1, ids.l3, ids.l4, ids.l5, ids.l6]);
    expect(all.body.data[1]).toMatchObject({
      salesOrderReference: 'SO-1',
      salesOrderLineReference: 'SO-1-1',
      customerRef: 'C-1',
      sku: 'BO-A',
      locationCode: 'DC',
      promisedDate: '2026-11-05',
      priorityDate: '2026-11-05',
      eta: '2026-12-09',
      erpEta: '2026-12-01',
      uncoveredMessage: null,
    });
    expect(all.body.data[4].uncoveredMessage).toMatch(/not yet approved/);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(`/backorders?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...page.body.data.map((row: { salesOrderLineId: number }) => row.salesOrderLineId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.l2, ids.l1, ids.l3, ids.l4, ids.l5, ids.l6]);
  });

  it.each([
    ['sku=BO-B', ['l5']],
    ['status=uncovered', ['l5', 'l6']],
    ['status=covered&customer=C-2', ['l3']],
    ['salesOrder=SO-4', ['l4']],
    ['locationId=999999', []],
  ])('filters by %s', async (query, expected) => {
    const response = await get(`/backorders?${query}`).expect(200);
    expect(response.body.data.map((row: { salesOrderLineId: number }) => row.salesOrderLineId)).toEqual(expected.map((name) => ids[name]));
  });

  it('shows one line with the supply behind its ETA', async () => {
    const response = await get(`/backorders/${ids.l3}`).expect(200);
    expectShape(backorderDetailResponse, response.body);
    expect(response.body).toMatchObject({ status: 'covered', eta: '2026-12-29', etaLateCase: '2027-01-05', quantityAwaitingApproval: 0, recommendationId: ids.proposedA });
    expect(response.body.pieces).toEqual([
      {
        kind: 'purchase-order', sourceId: ids.po1, reference: 'PO-1 / PO-1-1', supplierId: ids.supplier, quantity: 2,
        arrivalDate: '2026-12-09', lateCaseArrivalDate: '2026-12-16', basis: 'promised', promisedDate: '2026-12-01', latenessDays: expect.closeTo(7.8675, 4),
      },
      {
        kind: 'approved-recommendation', sourceId: ids.approved, reference: null, supplierId: ids.supplier, quantity: 13,
        arrivalDate: '2026-12-29', lateCaseArrivalDate: '2027-01-05', basis: 'lead-time', promisedDate: null, latenessDays: null,
      },
    ]);
    const partial = await get(`/backorders/${ids.l4}`).expect(200);
    // 5 short, the run proposes 3: approving would cover 3 of them.
    expect(partial.body).toMatchObject({ quantityUncovered: 5, uncoveredReason: 'not-enough-supply', quantityAwaitingApproval: 3, recommendationId: ids.proposedA });
    const awaiting = await get(`/backorders/${ids.l5}`).expect(200);
    expect(awaiting.body).toMatchObject({ quantityUncovered: 6, uncoveredReason: 'awaiting-approval', quantityAwaitingApproval: 6, recommendationId: ids.proposedB, pieces: [] });
    const onHand = await get(`/backorders/${ids.l2}`).expect(200);
    expect(onHand.body.pieces.map((piece: { kind: string; quantity: number; basis: string }) => [piece.kind, piece.quantity, piece.basis])).toEqual([
      ['on-hand', 2, 'on-hand'],
      ['purchase-order', 8, 'promised'],
    ]);
  });

  it('answers 404 for a line not backordered in the run, 400 for a cursor of another listing', async () => {
    await get('/backorders/999999').expect(404);
    await get(`/backorders/${ids.l1}?runId=${ids.earlierRun}`).expect(404);
    const foreign = Buffer.from(JSON.stringify(['recommendations:urgency', '0', '2026-01-01', 1])).toString('base64url');
    const response = await get(`/backorders?cursor=${foreign}`).expect(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('sums the allocation up on the SKU page', async () => {
    const response = await get(`/skus/BO-A?runId=${ids.run}`).expect(200);
    expectShape(skuDetailResponse, response.body);
    // Lines L1–L4 at DC: L1–L3 covered, L4 short of 5; the latest ETA of a covered line is L3's.
    expect(response.body.locations.map((location: { locationCode: string; backorders: unknown }) => [location.locationCode, location.backorders])).toEqual([
      ['DC', { lines: 4, coveredLines: 3, quantityUncovered: 5, latestEta: '2026-12-29' }],
    ]);
  });

  it('runs as a stage of every pipeline run, after planning', async () => {
    const nextRun = await insertRun(t.db);
    const counts = await t.services.pipeline.planRun(nextRun);
    // The earlier run's approval still counts; this run proposes nothing, so L5 has no supply at all now.
    expect(counts).toMatchObject({ backorderLines: 6, backorderLinesCovered: 3, backorderLinesPartial: 1, backorderLinesUncovered: 2, backorderLinesAwaitingApproval: 0 });
    expect((await t.services.pipeline.getRun(nextRun)).counts).toMatchObject({ backorderLines: 6 });
    const rows = await storedRows(nextRun);
    expect(rows).toHaveLength(6);
    // Running the run's stages again rewrites the same allocation rows.
    await t.services.pipeline.planRun(nextRun);
    expect(await storedRows(nextRun)).toEqual(rows);
  });
});

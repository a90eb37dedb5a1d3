import request from 'supertest';
import { processors } from '../../../jobs/processors';
import { backorderAccuracyResponse, backorderDetailResponse, backorderPageResponse } from '../../../src/http/schemas';
import { createBackorderStage } from '../../../src/services/backorder-stage';
import { createWebhookService } from '../../../src/services/webhook-service';
import { testEngines } from '../../helpers/database';
import { expectShape, insertLocation, insertRun, insertSourcedItem, insertSupplier, openTestApp, type TestApp } from '../../helpers/catalogue';
import { Receiver } from './receiver';

/*
 * Item P-A at DC-P, no lead-time history: the lead time learned is the prior alone, the quoted 28 days with sd
 * 0.25 × 28 = 7 (as in test/integration/planning/backorders.test.ts), so mean lateness 0 (a purchase order arrives on its
 * promise) and late case 1.28155 × 7 = 8.97 → 9 days after it. (As of 11-22 PO-P has not come 16 days before its
 * promise, which moves them to 0.10 and 9.02 days, cq(0, 7, q, −16) in test/unit/policy/backorder-allocation.test.ts:
 * still 0 and 9 whole days, a tenth of a day's slack aside.) Sales-order line SO-P1 (customer C-P) waits for 4 units; PO-P has 10, promised 2026-12-08.
 *   Run 1, as of 11-22: SO-P1 covered by PO-P, ETA 12-08 (first promise) → backorder.covered.
 *   Run 2, as of 11-23: the supplier moved PO-P to 12-22 → ETA 12-22, cause supplier-delay → backorder.eta_changed.
 *   Run 3, as of 12-20: the ERP shipped SO-P1 (backorder 0) → shipped on 12-20: 12 days after the first ETA (12-08),
 *   2 days before the last (12-22). Late cases 12-17 and 12-31: 3 days late on the first, on time on the last.
 */
describe.each(testEngines())('backorder promises: history, events, customer totals and ETA accuracy on %s', (engine) => {
  let t: TestApp;
  let receiver: Receiver;
  let lineId: number;
  const runs: number[] = [];
  const read = (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${t.keys.viewer}`);
  const deliver = () => processors['deliver-webhooks']({}, { webhooks: createWebhookService({ db: t.db, now: () => new Date(Date.now() + 1000) }) });
  const runStage = async (asOfDate: string) => {
    const runId = await insertRun(t.db, { asOfDate });
    runs.push(runId);
    return createBackorderStage({ db: t.db })(runId, asOfDate);
  };

  beforeAll(async () => {
    t = await openTestApp(engine);
    receiver = new Receiver();
    const url = await receiver.start();
    const created = await request(t.app)
      .post('/webhooks')
      .set('Authorization', `Bearer ${t.keys.admin}`)
      .send({ url, events: ['backorder.covered', 'backorder.uncovered', 'backorder.eta_changed'] })
      .expect(201);
    receiver.secret = created.body.secret;
    const location = await insertLocation(t.db, 'DC-P');
    const supplier = await insertSupplier(t.db);
    const item = await insertSourcedItem(t.db, { supplierId: supplier, sku: 'P-A', promisedLeadTimeDays: 28 });
    const order = await t.db.raw(
      `insert into purchase_orders (external_id, supplier_id, location_id, order_date, promised_date) values ('PO-P', ?, ?, '2026-11-01', '2026-12-08') returning id`,
      [supplier, location],
    );
    await t.db.raw(`insert into purchase_order_lines (external_id, purchase_order_id, item_id, quantity_ordered) values ('PO-P-1', ?, ?, 10)`, [order.rows[0].id, item]);
    const salesOrder = await t.db.raw(
      `insert into sales_orders (external_id, customer_ref, location_id, order_date) values ('SO-P1', 'C-P', ?, '2026-11-10') returning id`,
      [location],
    );
    const line = await t.db.raw(
      `insert into sales_order_lines (external_id, sales_order_id, item_id, quantity_ordered, quantity_backordered) values ('SO-P1-1', ?, ?, 4, 4) returning id`,
      [salesOrder.rows[0].id, item],
    );
    lineId = line.rows[0].id;
  });
  afterAll(async () => {
    await receiver.close();
    await t.testDb.drop();
  });

  it('keeps the first promise, sends backorder.covered, and totals the customer', async () => {
    expect(await runStage('2026-11-22')).toMatchObject({ backorderLinesCovered: 1, backorderPromisesChanged: 1, backorderEvents: 1 });
    await deliver();
    expect(receiver.received.map((event) => [event.type, event.data.eta, event.data.cause, event.verified])).toEqual([['backorder.covered', '2026-12-08', 'first-promise', true]]);
    const page = (await read(`/backorders?customer=C-P&runId=${runs[0]}`).expect(200)).body;
    expectShape(backorderPageResponse, page);
    expect(page.customerTotals).toEqual({
      customerRef: 'C-P',
      lines: 1,
      units: 4,
      coveredLines: 1,
      unitsUncovered: 0,
      earliestEta: '2026-12-08',
      latestEta: '2026-12-08',
      latestEtaLateCase: '2026-12-17',
    });
  });

  it('records a supplier delay in the history with its cause, sends backorder.eta_changed, and lists the line by changedSince', async () => {
    const before = new Date().toISOString();
    await t.db.raw(`update purchase_orders set promised_date = '2026-12-22' where external_id = 'PO-P'`);
    expect(await runStage('2026-11-22')).toMatchObject({ backorderPromisesChanged: 1 });
    // The next run finds nothing new: no history row, no event.
    expect(await runStage('2026-11-23')).toMatchObject({ backorderPromisesChanged: 0, backorderEvents: 0 });
    await deliver();
    expect(receiver.received.map((event) => [event.type, event.data.previousEta, event.data.eta, event.data.cause])).toEqual([
      ['backorder.covered', null, '2026-12-08', 'first-promise'],
      ['backorder.eta_changed', '2026-12-08', '2026-12-22', 'supplier-delay'],
    ]);
    const detail = (await read(`/backorders/${lineId}?runId=${runs[2]}`).expect(200)).body;
    expectShape(backorderDetailResponse, detail);
    expect(detail.history.map((entry: { cause: string; oldEta: string | null; newEta: string }) => [entry.cause, entry.oldEta, entry.newEta])).toEqual([
      ['first-promise', null, '2026-12-08'],
      ['supplier-delay', '2026-12-08', '2026-12-22'],
    ]);
    expect(detail.history[1]).toMatchObject({ changedOn: '2026-11-22', oldSupply: [expect.stringMatching(/^purchase-order:\d+$/)] });
    const changed = (await read(`/backorders?runId=${runs[2]}&changedSince=${encodeURIComponent(before)}`).expect(200)).body;
    expect(changed.data.map((row: { salesOrderLineId: number }) => row.salesOrderLineId)).toEqual([lineId]);
    const later = (await read(`/backorders?runId=${runs[2]}&changedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).expect(200)).body;
    expect(later.data).toEqual([]);
    await read('/backorders?changedSince=yesterday').expect(400);
  });

  it('measures ETA accuracy of the shipped line against its first and last ETA', async () => {
    await t.db.raw(`update sales_order_lines set quantity_backordered = 0, quantity_shipped = 4 where id = ?`, [lineId]);
    expect(await runStage('2026-12-20')).toMatchObject({ backorderLines: 0, backorderPromisesChanged: 1, backorderEvents: 0 });
    const accuracy = (await read('/backorders/accuracy').expect(200)).body;
    expectShape(backorderAccuracyResponse, accuracy);
    expect(accuracy.overall).toMatchObject({ lines: 1, units: 4 });
    expect(accuracy.overall.measures).toEqual({
      firstEta: { onTimeLines: 0, onTimeUnits: 0, meanDaysLate: 12 },
      lastEta: { onTimeLines: 1, onTimeUnits: 1, meanDaysLate: 0 },
      firstEtaLateCase: { onTimeLines: 0, onTimeUnits: 0, meanDaysLate: 3 },
      lastEtaLateCase: { onTimeLines: 1, onTimeUnits: 1, meanDaysLate: 0 },
    });
    expect(accuracy.suppliers).toEqual([expect.objectContaining({ supplierId: expect.any(Number), lines: 1 })]);
    // No line shipped in the range: nothing measured, zeros rather than nulls.
    const none = (await read('/backorders/accuracy?from=2026-12-21').expect(200)).body;
    expectShape(backorderAccuracyResponse, none);
    expect(none).toEqual({ overall: expect.objectContaining({ lines: 0, units: 0 }), suppliers: [] });
    await read('/backorders/accuracy?from=2026-13-01').expect(400);
    const metrics = await read('/metrics').expect(200);
    expect(metrics.text).toMatch(/replen_backorder_eta_on_time_ratio\{measure="firstEta"\} 0\n/);
    expect(metrics.text).toMatch(/replen_backorder_eta_on_time_ratio\{measure="lastEtaLateCase"\} 1\n/);
  });
});

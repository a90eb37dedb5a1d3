import request from 'supertest';
import { backorderDetailResponse } from '../../../src/http/schemas';
import { createBackorderStage } from '../../../src/services/backorder-stage';
import { testEngines } from '../../helpers/database';
import { expectShape, insertLocation, insertRun, insertSourcedItem, openTestApp, type TestApp } from '../../helpers/catalogue';

/*
 * A backordered line is scored on the day it shipped, not on the as-of date of the next run. Item S-A at DC-S, no
 * lead-time history (quoted 28 days, sd 7: lateness N(0, 7²)). PO-S of 10 units promised 11-20.
 *   Run 1, as of 11-10: SO-S1 (4), SO-S2 (3) and SO-S3 (2) covered by PO-S. It has not come 10 days before its promise
 *   (8 % of such deliveries would have): median cq(0, 7, .5, −10) = 0.673 → 1 day, ETA 11-21; late case
 *   cq(0, 7, .9, −10) = 9.285 → 10 days, 11-30 (cq as in test/unit/policy/backorder-allocation.test.ts).
 *   Receipt RC-S of 7 on 11-18: allocated to SO-S1 (4) and SO-S2 (3) at import.
 *   The ERP then ships all three: SO-S1 with shippedDate 11-19, SO-S2 without one, SO-S3 with a stale 11-05 (before
 *   run 1 found it backordered, so not the shipment that cleared it).
 *   Run 2, as of 12-06: SO-S1 shipped 11-19 (the ERP's date), SO-S2 11-18 (its receipt), SO-S3 12-06 (the run's date).
 *   By eta (11-21): 2 lines of 3, 7 units of 9 on time, SO-S3 15 days late.
 */
describe.each(testEngines())('the ship date of a backordered line on %s', (engine) => {
  let t: TestApp;
  const erp = (url: string) => request(t.app).post(url).set('Authorization', `Bearer ${t.keys.erp}`);
  const read = (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${t.keys.viewer}`);
  const runs: number[] = [];
  const runStage = async (asOfDate: string) => {
    runs.push(await insertRun(t.db, { asOfDate }));
    return createBackorderStage({ db: t.db })(runs[runs.length - 1], asOfDate);
  };
  const salesOrder = (externalId: string, orderDate: string, quantity: number, shipped?: { shippedDate?: string }) => ({
    externalId,
    customerRef: 'C-S',
    location: 'DC-S',
    orderDate,
    lines: [
      {
        externalId: `${externalId}-1`,
        sku: 'S-A',
        quantityOrdered: quantity,
        quantityShipped: shipped ? quantity : 0,
        quantityBackordered: shipped ? 0 : quantity,
        ...(shipped?.shippedDate && { shippedDate: shipped.shippedDate }),
      },
    ],
  });
  const lineId = async (externalId: string) => (await t.db.raw('select id from sales_order_lines where external_id = ?', [externalId])).rows[0].id as number;

  beforeAll(async () => {
    t = await openTestApp(engine);
    await insertLocation(t.db, 'DC-S');
    const supplierExternalId = 'SUP-S';
    const supplier = (await t.db.raw(`insert into suppliers (external_id, name) values (?, 'Ship dates supplier') returning id`, [supplierExternalId])).rows[0].id;
    await insertSourcedItem(t.db, { supplierId: supplier, sku: 'S-A', promisedLeadTimeDays: 28 });
    await erp('/imports/sales-orders').send([salesOrder('SO-S1', '2026-11-01', 4), salesOrder('SO-S2', '2026-11-02', 3), salesOrder('SO-S3', '2026-11-03', 2)]).expect(200);
    await erp('/imports/purchase-orders')
      .send([{ externalId: 'PO-S', supplier: supplierExternalId, location: 'DC-S', orderDate: '2026-10-20', promisedDate: '2026-11-20', lines: [{ externalId: 'PO-S-1', sku: 'S-A', quantityOrdered: 10 }] }])
      .expect(200);
  });
  afterAll(async () => {
    await t.testDb.drop();
  });

  it('refuses a shipped date in the future, naming the field', async () => {
    const response = await erp('/imports/sales-orders').send([salesOrder('SO-S1', '2026-11-01', 4, { shippedDate: '2099-01-01' })]).expect(422);
    expect(response.body.error.details).toEqual([{ row: 1, field: 'lines.0.shippedDate', reason: expect.stringMatching(/^date 2099-01-01 is in the future/) }]);
  });

  it("takes the ERP's shipped date, else the receipt allocated to the line, else the run's date, and names the receipt in the history", async () => {
    expect(await runStage('2026-11-10')).toMatchObject({ backorderLinesCovered: 3 });
    await erp('/imports/receipts').send([{ externalId: 'RC-S', purchaseOrder: 'PO-S', purchaseOrderLine: 'PO-S-1', receivedDate: '2026-11-18', quantity: 7 }]).expect(200);
    await erp('/imports/sales-orders')
      .send([salesOrder('SO-S1', '2026-11-01', 4, { shippedDate: '2026-11-19' }), salesOrder('SO-S2', '2026-11-02', 3, {}), salesOrder('SO-S3', '2026-11-03', 2, { shippedDate: '2026-11-05' })])
      .expect(200);
    expect(await runStage('2026-12-06')).toMatchObject({ backorderLines: 0, backorderPromisesChanged: 3 });

    const { rows } = await t.db.raw(
      `select sol.external_id, p.status, p.shipped_on::text as shipped_on from backorder_promises p join sales_order_lines sol on sol.id = p.sales_order_line_id order by sol.external_id`,
    );
    expect(rows).toEqual([
      { external_id: 'SO-S1-1', status: 'shipped', shipped_on: '2026-11-19' },
      { external_id: 'SO-S2-1', status: 'shipped', shipped_on: '2026-11-18' },
      { external_id: 'SO-S3-1', status: 'shipped', shipped_on: '2026-12-06' },
    ]);
    const accuracy = (await read('/backorders/accuracy').expect(200)).body;
    expect(accuracy.overall).toMatchObject({ lines: 3, units: 9 });
    expect(accuracy.overall.measures.firstEta).toEqual({ onTimeLines: 2 / 3, onTimeUnits: 7 / 9, meanDaysLate: 15 / 3 });

    const detail = (await read(`/backorders/${await lineId('SO-S2-1')}?runId=${runs[0]}`).expect(200)).body;
    expectShape(backorderDetailResponse, detail);
    expect(detail.history.map((entry: { cause: string; receipt: string | null }) => [entry.cause, entry.receipt])).toEqual([
      ['first-promise', null],
      ['shipped', 'RC-S'],
    ]);
    const unallocated = (await read(`/backorders/${await lineId('SO-S3-1')}?runId=${runs[0]}`).expect(200)).body;
    expect(unallocated.history.at(-1)).toMatchObject({ cause: 'shipped', receipt: null });
  });
});

import request from 'supertest';
import { locationListResponse, skuDetailResponse, skuPageResponse, supplierDetailResponse, supplierPageResponse } from '../../../src/http/schemas';
import { testEngines } from '../../helpers/database';
import {
  insertBackorder,
  insertDailySales,
  insertForecast,
  insertItem,
  insertLocation,
  insertOnHand,
  insertOpenPurchaseOrder,
  insertPolicy,
  insertReceipt,
  insertRecommendation,
  insertRun,
  insertSourcedItem,
  insertSupplier,
  insertSupplierItem,
  expectShape,
  openTestApp,
  type TestApp,
} from '../../helpers/catalogue';

describe.each(testEngines())('suppliers and SKUs over HTTP on %s', (engine) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const get = (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${t.keys.viewer}`);

  beforeAll(async () => {
    t = await openTestApp(engine);
    const db = t.db;
    ids.location = await insertLocation(db, 'DC1');
    ids.supplier = await insertSupplier(db, { name: 'Acme' });
    ids.other = await insertSupplier(db, { name: 'Other' });
    ids.received = await insertSourcedItem(db, { supplierId: ids.supplier, sku: 'RCV-1', promisedLeadTimeDays: 14 });
    ids.neverReceived = await insertSourcedItem(db, { supplierId: ids.supplier, sku: 'NEW-1', promisedLeadTimeDays: 10 });
    await insertSupplierItem(db, { supplierId: ids.other, itemId: ids.received, promisedLeadTimeDays: 5, priority: 2 });
    // Acme: 14, 18 and 22 days against a 14-day promise. Other: one receipt after 100 days, which must not count for Acme.
    for (const [orderDate, promisedDate, receivedDate] of [
      ['2026-01-01', '2026-01-15', '2026-01-15'],
      ['2026-02-01', '2026-02-15', '2026-02-19'],
      ['2026-03-01', '2026-03-15', '2026-03-23'],
    ]) {
      await insertReceipt(db, { supplierId: ids.supplier, itemId: ids.received, locationId: ids.location, orderDate, promisedDate, receivedDate });
    }
    await insertReceipt(db, { supplierId: ids.other, itemId: ids.received, locationId: ids.location, orderDate: '2026-01-01',
      promisedDate: '2026-01-06', receivedDate: '2026-04-11' });
  });
  afterAll(() => t.testDb.drop());

  describe('locations', () => {
    it('lists every location by code in one answer, for filters', async () => {
      const response = await get('/locations').expect(200);
      expectShape(locationListResponse, response.body);
      expect(response.body.data).toEqual([expect.objectContaining({ id: ids.location, code: 'DC1' })]);
      // Not paged, so paging parameters are unknown ones: 400 like every other listing's unknown parameters.
      await get('/locations?limit=5').expect(400);
    });
  });

  describe('suppliers', () => {
    it('lists suppliers with their item counts, a page at a time', async () => {
      const first = await get('/suppliers?limit=1').expect(200);
      expectShape(supplierPageResponse, first.body);
      expect(first.body.data).toEqual([expect.objectContaining({ id: ids.supplier, name: 'Acme', itemCount: 2, currency: 'USD' })]);
      const second = await get(`/suppliers?limit=1&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.data.map((s: { id: number }) => s.id)).toEqual([ids.other]);
      const end = await get(`/suppliers?limit=1&cursor=${second.body.nextCursor}`).expect(200);
      expect(end.body).toEqual({ data: [], nextCursor: null });
    });

    it("shows lead times learned from the supplier's own receipts only, shrunk toward its record for items without receipts", async () => {
      const response = await get(`/suppliers/${ids.supplier}`).expect(200);
      expectShape(supplierDetailResponse, response.body);
      expect(response.body.overall).toMatchObject({ receiptCount: 3, meanDays: 18, p50Days: 18, meanLatenessDays: 4 });
      expect(response.body.overall.onTimeRate).toBeCloseTo(1 / 3, 12);
      const [neverReceived, received] = response.body.items;
      expect(received).toMatchObject({ sku: 'RCV-1', offered: true, promisedLeadTimeDays: 14 });
      // Prior mean = promise 14 + mean lateness 4 = 18; the item's own mean is 18: the blend is 18.
      expect(received.leadTime).toMatchObject({ source: 'blended', plannedMeanDays: 18, promisedDays: 14 });
      expect(received.leadTime.itemWeight).toBeCloseTo(3 / 8, 12);
      expect(received.leadTime.observed).toMatchObject({ receiptCount: 3, stdDevDays: 4 });
      // No receipts of its own: its 10-day promise plus the supplier's 4 days of lateness.
      expect(neverReceived).toMatchObject({ sku: 'NEW-1', leadTime: { source: 'supplier', plannedMeanDays: 14, itemWeight: 0 } });
    });

    it('answers 404 for an unknown supplier and 400 for a malformed id or cursor', async () => {
      await get('/suppliers/999999').expect(404);
      await get('/suppliers/x').expect(400);
      await get('/suppliers?cursor=abc').expect(400);
    });
  });

  describe('SKUs', () => {
    beforeAll(async () => {
      const db = t.db;
      ids.run = await insertRun(db, { asOfDate: '2026-11-22' });
      ids.sku = await insertItem(db, { sku: 'WIDGET-9', unitCost: 4 });
      await insertSupplierItem(db, { supplierId: ids.supplier, itemId: ids.sku });
      await insertDailySales(db, {
        itemId: ids.sku,
        locationId: ids.location,
        days: [
          { date: '2026-11-10', quantity: 4 },
          { date: '2026-11-20', quantity: 5 },
          { date: '2026-11-21', quantity: 3, outOfStock: true },
        ],
      });
      await insertOnHand(db, { itemId: ids.sku, locationId: ids.location, date: '2026-11-01', quantity: 80 });
      await insertOnHand(db, { itemId: ids.sku, locationId: ids.location, date: '2026-11-22', quantity: 50 });
      await insertBackorder(db, { itemId: ids.sku, locationId: ids.location, orderDate: '2026-11-20', quantity: 10 });
      await insertOpenPurchaseOrder(db, { supplierId: ids.supplier, itemId: ids.sku, locationId: ids.location, orderDate: '2026-11-15',
        expectedDate: '2026-12-01', quantity: 30 });
      await insertForecast(db, { runId: ids.run, itemId: ids.sku, locationId: ids.location, periodStart: '2026-11-23', means: [20, 20, 20, 20] });
      await insertPolicy(db, { runId: ids.run, itemId: ids.sku, locationId: ids.location, supplierId: ids.supplier, safetyStock: 12,
        reorderPoint: 52, orderUpTo: 92 });
      ids.recommendation = await insertRecommendation(db, { runId: ids.run, itemId: ids.sku, locationId: ids.location, supplierId: ids.supplier,
        quantity: 24 });
    });

    it('lists SKUs in order, filtered by a case-insensitive prefix, a page at a time', async () => {
      const all = await get('/skus').expect(200);
      expectShape(skuPageResponse, all.body);
      expect(all.body.data.map((s: { sku: string }) => s.sku)).toEqual(['NEW-1', 'RCV-1', 'WIDGET-9']);
      expect((await get('/skus?search=wid').expect(200)).body.data.map((s: { sku: string }) => s.sku)).toEqual(['WIDGET-9']);
      const first = await get('/skus?limit=2').expect(200);
      const second = await get(`/skus?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ sku: 'WIDGET-9' })], nextCursor: null });
    });

    it('shows weekly history, the forecast with intervals, the policy, stock position and the projected stock-out', async () => {
      const response = await get('/skus/WIDGET-9?historyWeeks=4').expect(200);
      const body = response.body;
      expectShape(skuDetailResponse, body);
      expect(body).toMatchObject({ sku: 'WIDGET-9', runId: ids.run, asOfDate: '2026-11-22' });
      expect(body.weekEnds).toEqual(['2026-11-01', '2026-11-08', '2026-11-15', '2026-11-22']);
      expect(body.locations).toHaveLength(1);
      const [location] = body.locations;
      expect(location).toMatchObject({
        locationCode: 'DC1',
        history: { quantities: [0, 0, 4, 8], outOfStockDays: [0, 0, 0, 1] },
        onHand: 50,
        onHandDate: '2026-11-22',
        onOrder: 30,
        onOrderEarliestExpectedDate: '2026-12-01',
        backordered: 10,
        policy: { safetyStock: 12, reorderPoint: 52, orderUpTo: 92, serviceLevel: 0.95 },
        recommendation: { id: ids.recommendation, status: 'proposed', quantity: 24 },
      });
      expect(location.forecast).toMatchObject({ method: 'ets', accuracy: { mase: 0.8 }, errorSd: 3 });
      expect(location.forecast.periods[0]).toEqual({ step: 1, periodStart: '2026-11-23', mean: 20, lo80: 16, hi80: 24, lo95: 12, hi95: 28 });
      expect(location.forecast.periods.map((p: { periodStart: string }) => p.periodStart)).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']);
      // 50 on hand − 10 backordered = 40 units at 20 a week last 14 days, past day 8 (2026-12-01) when the open order's
      // 30 arrive: 70 units last 3.5 weeks = 24.5 days from 2026-11-23, out on 2026-12-17.
      expect(location.projectedStockout).toEqual({ stockoutDate: '2026-12-17', daysOfCover: 24.5, horizonDays: 28 });
    });

    it('projects the stock-out as the planner does: an open order arriving in time pushes it out, a late one does not', async () => {
      const projection = async () => (await get('/skus/WIDGET-9').expect(200)).body.locations[0].projectedStockout;
      const expectOrderOn = (date: string | null) =>
        t.db.raw(`update purchase_orders set expected_date = ? where id in (select purchase_order_id from purchase_order_lines where item_id = ?)`, [date, ids.sku]);
      try {
        // Due 2026-12-08, day 15: the 40 units ran out on day 14, so the stock-out stays where it is without the order.
        await expectOrderOn('2026-12-08');
        expect(await projection()).toEqual({ stockoutDate: '2026-12-07', daysOfCover: 14, horizonDays: 28 });
        // Without an expected date the order is on order but, as in the planner, out of the projection.
        await expectOrderOn(null);
        expect(await projection()).toEqual({ stockoutDate: '2026-12-07', daysOfCover: 14, horizonDays: 28 });
        // Due 2026-12-07, day 14, the morning the stock would run out: 70 units, 24.5 days, out on 2026-12-17.
        await expectOrderOn('2026-12-07');
        expect(await projection()).toEqual({ stockoutDate: '2026-12-17', daysOfCover: 24.5, horizonDays: 28 });
      } finally {
        await expectOrderOn('2026-12-01');
      }
    });

    it('shows a periodic-review policy, which has no reorder point, as reorderPoint null', async () => {
      await t.db.raw('update inventory_policies set reorder_point = null where run_id = ?', [ids.run]);
      try {
        const body = (await get('/skus/WIDGET-9').expect(200)).body;
        expectShape(skuDetailResponse, body);
        expect(body.locations[0].policy).toMatchObject({ reorderPoint: null, orderUpTo: 92 });
      } finally {
        await t.db.raw('update inventory_policies set reorder_point = 52 where run_id = ?', [ids.run]);
      }
    });

    it('without a succeeded run shows history up to the last day of sales, stock and orders, and no forecast or policy', async () => {
      await t.db.raw(`update forecast_runs set status = 'failed' where id = ?`, [ids.run]);
      try {
        const body = (await get('/skus/WIDGET-9?historyWeeks=2').expect(200)).body;
        expectShape(skuDetailResponse, body);
        // The last sale of any item was on Saturday 2026-11-21: history ends with the last whole week, on Sunday the 15th.
        expect(body).toMatchObject({ runId: null, asOfDate: '2026-11-21', weekEnds: ['2026-11-08', '2026-11-15'] });
        expect(body.locations).toEqual([
          expect.objectContaining({
            locationCode: 'DC1',
            history: { quantities: [0, 4], outOfStockDays: [0, 0] },
            forecast: null,
            policy: null,
            recommendation: null,
            backorders: null,
            projectedStockout: null,
            onHand: 50,
            onOrder: 30,
            backordered: 10,
          }),
        ]);
      } finally {
        await t.db.raw(`update forecast_runs set status = 'succeeded' where id = ?`, [ids.run]);
      }
    });

    it('answers 404 for an unknown SKU or run and 400 for unknown parameters', async () => {
      await get('/skus/NOPE').expect(404);
      await get('/skus/WIDGET-9?runId=999999').expect(404);
      await get('/skus/WIDGET-9?historyWeeks=0').expect(400);
      await get('/skus/WIDGET-9?weeks=4').expect(400);
      await get('/skus?limit=1000').expect(400);
    });
  });
});

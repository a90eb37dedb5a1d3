import request from 'supertest';
import readXlsxFile from 'read-excel-file/node';
import { learnLeadTimes } from '../../../models/policy/lead-time';
import * as format from '../../../src/web/client/format';
import {
  bulkDecisionResponse,
  draftOrderListResponse,
  draftOrderResponse,
  noteResponse,
  recommendationDetailResponse,
  recommendationPageResponse,
  skuPageResponse,
  supplierLeadTimeResponse,
} from '../../../src/http/schemas';
import { testEngines } from '../../helpers/database';
import {
  expectShape,
  insertForecast,
  insertItem,
  insertLocation,
  insertReceipt,
  insertRecommendation,
  insertRun,
  insertSourcedItem,
  insertSupplier,
  insertSupplierItem,
  openTestApp,
  type TestApp,
} from '../../helpers/catalogue';

/**
 * What the buyers' page asks of the API (issue 14): search, the stock figures of a line, decided lines across runs,
 * undo, reasons for odd quantities, notes, decisions on several lines, the stock projection, draft orders as they
 * stand, exports and the suppliers' delivery record.
 */
describe.each(testEngines())('the buyers’ workbench API on %s', (engine) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const auth = (role: keyof TestApp['keys']) => `Bearer ${t.keys[role]}`;
  const get = (url: string, role: keyof TestApp['keys'] = 'viewer') => request(t.app).get(url).set('Authorization', auth(role));
  const post = (url: string, body: object, role: keyof TestApp['keys'] = 'buyer') => request(t.app).post(url).set('Authorization', auth(role)).send(body);
  const patch = (id: number, version: number, body: object) =>
    request(t.app).patch(`/recommendations/${id}`).set('Authorization', auth('buyer')).set('If-Match', `W/"${id}-${version}"`).send(body);
  const idsOf = (body: { data: Array<{ id: number }> }) => body.data.map((row) => row.id);
  const planned = { planDate: '2026-11-23', leadTimeMeanDays: 13.2, onHand: 5, onOrder: 40, backordered: 12, daysOfCover: 2.5 };

  beforeAll(async () => {
    t = await openTestApp(engine);
    const db = t.db;
    ids.location = await insertLocation(db, 'WB-DC');
    ids.supplier = await insertSupplier(db, { name: 'Workbench Supplies' });
    await db('suppliers').where({ id: ids.supplier }).update({ currency: 'EUR', min_order_value: 1000 });
    ids.other = await insertSupplier(db, { name: 'Other Supplier' });
    ids.oldRun = await insertRun(db, { asOfDate: '2026-11-15' });
    ids.run = await insertRun(db, { asOfDate: '2026-11-22' });
    ids.alpha = await insertSourcedItem(db, { supplierId: ids.supplier, sku: 'WB-ALPHA-1', moq: 10, orderMultiple: 5, unitCost: 20 });
    ids.beta = await insertItem(db, { sku: 'WB-BETA-2' });
    await db('items').where({ id: ids.beta }).update({ description: 'Blue widget 50% off' });
    await insertSupplierItem(db, { supplierId: ids.supplier, itemId: ids.beta });
    await db('supplier_items').where({ item_id: ids.beta }).update({ supplier_sku: 'ACME=77' });
    ids.gamma = await insertSourcedItem(db, { supplierId: ids.other, sku: 'WB-GAMMA-3' });
    await db('items').where({ id: ids.gamma }).update({ description: '=HYPERLINK("http://x","click")' });
    const base = { runId: ids.run, locationId: ids.location };
    ids.rAlpha = await insertRecommendation(db, {
      ...base, itemId: ids.alpha, supplierId: ids.supplier, quantity: 30, unitCost: 20, urgency: 'critical', projectedStockoutDate: '2026-11-25',
      explanation: { abcClass: 'A', ...planned },
    });
    ids.rBeta = await insertRecommendation(db, { ...base, itemId: ids.beta, supplierId: ids.supplier, quantity: 10, unitCost: 10 });
    ids.rGamma = await insertRecommendation(db, { ...base, itemId: ids.gamma, supplierId: ids.other, quantity: 4, unitCost: 3 });
    ids.rOld = await insertRecommendation(db, { runId: ids.oldRun, locationId: ids.location, itemId: ids.alpha, supplierId: ids.supplier, quantity: 15 });
  });
  afterAll(() => t.testDb.drop());

  describe('search (q=)', () => {
    it.each([
      ['alpha', 'the SKU, in any case'],
      ['widget 50', 'the description'],
      ['acme=7', 'a supplier SKU'],
    ])('finds lines by %s (%s)', async (q) => {
      const response = await get(`/recommendations?q=${encodeURIComponent(q)}`).expect(200);
      expectShape(recommendationPageResponse, response.body);
      expect(response.body.data).toHaveLength(1);
      expect(response.body.data[0].sku).toBe(q === 'alpha' ? 'WB-ALPHA-1' : 'WB-BETA-2');
    });

    it('takes % and _ literally and combines with the other filters', async () => {
      expect(idsOf((await get(`/recommendations?q=${encodeURIComponent('50% off')}`).expect(200)).body)).toEqual([ids.rBeta]);
      expect(idsOf((await get(`/recommendations?q=${encodeURIComponent('widget 5%')}`).expect(200)).body)).toEqual([]);
      expect(idsOf((await get('/recommendations?q=WB_').expect(200)).body)).toEqual([]);
      expect(idsOf((await get(`/recommendations?q=WB-&supplierId=${ids.other}`).expect(200)).body)).toEqual([ids.rGamma]);
      await get(`/recommendations?q=${'x'.repeat(101)}`).expect(400);
      await get('/recommendations?q=').expect(400);
    });

    it('takes a term without three letters or digits in a row as the start of a SKU or supplier SKU', async () => {
      expect(idsOf((await get('/recommendations?q=wb&sort=value').expect(200)).body)).toEqual([ids.rAlpha, ids.rBeta, ids.rGamma]);
      expect(idsOf((await get('/recommendations?q=AC').expect(200)).body)).toEqual([ids.rBeta]);
      // Inside a SKU ("WB-BETA-2") a short term finds nothing: it would need a scan of every item.
      expect(idsOf((await get('/recommendations?q=ta').expect(200)).body)).toEqual([]);
      expect((await get('/skus?q=wb-b').expect(200)).body.data.map((sku: { sku: string }) => sku.sku)).toEqual(['WB-BETA-2']);
    });

    it('finds SKUs the same way on GET /skus', async () => {
      const response = await get(`/skus?q=${encodeURIComponent('WIDGET')}`).expect(200);
      expectShape(skuPageResponse, response.body);
      expect(response.body.data.map((sku: { sku: string }) => sku.sku)).toEqual(['WB-BETA-2']);
      expect((await get('/skus?q=wb-&limit=2').expect(200)).body.data.map((sku: { sku: string }) => sku.sku)).toEqual(['WB-ALPHA-1', 'WB-BETA-2']);
    });
  });

  it('shows a line with its stock position, the arrival of an order placed on the plan date, the days short and the currency', async () => {
    const response = await get(`/recommendations?q=alpha`).expect(200);
    // 2026-11-23 + ceil(13.2) = 2026-12-07: 12 days after the stock-out of 2026-11-25.
    expect(response.body.data[0]).toMatchObject({
      currency: 'EUR', onHand: 5, onOrder: 40, backordered: 12, daysOfCover: 2.5, expectedArrivalDate: '2026-12-07', daysShort: 12, noteCount: 0,
    });
    const plain = (await get(`/recommendations/${ids.rBeta}`).expect(200)).body;
    expect(plain).toMatchObject({ onHand: null, expectedArrivalDate: null, daysShort: null, supplierSku: 'ACME=77', projection: null });
  });

  describe('decisions', () => {
    it('undoes an approval back to proposed, and refuses to undo a line nobody decided (409)', async () => {
      const approved = await patch(ids.rGamma, 1, { action: 'approve' }).expect(200);
      expect(approved.body.status).toBe('approved');
      const undone = await patch(ids.rGamma, 2, { action: 'undo' }).expect(200);
      expect(undone.body).toMatchObject({ status: 'proposed', version: 3, reasonCode: null });
      expect(undone.body.events.map((event: { action: string }) => event.action)).toEqual(['approve', 'undo']);
      await patch(ids.rGamma, 3, { action: 'undo' }).expect(409);
    });

    it('asks for a reason for a quantity below the MOQ or above 3 times the suggestion (422), and keeps it in the history', async () => {
      const id = await insertRecommendation(t.db, { runId: ids.run, locationId: ids.location, itemId: await insertSourcedItem(t.db, { supplierId: ids.supplier, moq: 10 }), supplierId: ids.supplier, quantity: 20 });
      const below = await patch(id, 1, { action: 'set-quantity', quantity: 5 }).expect(422);
      expect(below.body.error.details).toMatchObject({ rule: 'below-moq', quantity: 5, moq: 10 });
      const above = await patch(id, 1, { action: 'set-quantity', quantity: 61 }).expect(422);
      expect(above.body.error.details).toMatchObject({ rule: 'above-suggestion', suggestedQuantity: 20 });
      await patch(id, 1, { action: 'set-quantity', quantity: 60 }).expect(200);
      const justified = await patch(id, 2, { action: 'set-quantity', quantity: 5, reason: 'sample for a trial' }).expect(200);
      expect(justified.body.events.at(-1)).toMatchObject({ action: 'set-quantity', reason: 'sample for a trial' });
    });

    it('keeps notes on a line in its history without changing its version, and counts them on the list', async () => {
      const note = await post(`/recommendations/${ids.rBeta}/notes`, { text: 'ask about the price rise' }).expect(201);
      expectShape(noteResponse, note.body);
      expect(note.body).toMatchObject({ action: 'note', actor: 'buyer', reason: 'ask about the price rise' });
      const detail = (await get(`/recommendations/${ids.rBeta}`).expect(200)).body;
      expect(detail).toMatchObject({ version: 1, noteCount: 1 });
      expect(detail.events.at(-1)).toMatchObject({ action: 'note', reason: 'ask about the price rise' });
      await post(`/recommendations/${ids.rBeta}/notes`, { text: '   ' }).expect(400);
      await post('/recommendations/999999/notes', { text: 'nobody' }).expect(404);
    });

    it('approves several lines at once, leaving a stale one and one whose status forbids it, and says why', async () => {
      const itemOf = () => insertSourcedItem(t.db, { supplierId: ids.other });
      const lines = [];
      for (const status of ['proposed', 'proposed', 'exported'] as const) {
        lines.push(await insertRecommendation(t.db, { runId: ids.run, locationId: ids.location, itemId: await itemOf(), supplierId: ids.other, status }));
      }
      const [fresh, stale, exported] = lines;
      const response = await post('/recommendations/decisions', {
        action: 'approve',
        lines: [{ id: fresh, version: 1 }, { id: stale, version: 4 }, { id: exported, version: 1 }, { id: 999999, version: 1 }],
      }).expect(200);
      expectShape(bulkDecisionResponse, response.body);
      expect(response.body.applied).toEqual([{ id: fresh, status: 'approved', version: 2 }]);
      expect(response.body.skipped).toEqual([
        { id: stale, reason: 'stale', status: 'proposed' },
        { id: exported, reason: 'not-allowed', status: 'exported' },
        { id: 999999, reason: 'not-found', status: null },
      ]);
      // The approved line went onto the supplier's suggested order, as a single approval puts it.
      const pulled = await request(t.app).get('/purchase-orders/suggested').set('Authorization', auth('erp')).expect(200);
      expect(pulled.body.data.flatMap((order: { lines: Array<{ recommendationId: number }> }) => order.lines.map((line) => line.recommendationId))).toContain(fresh);
      const rejected = await post('/recommendations/decisions', { action: 'reject', reasonCode: 'price', lines: [{ id: fresh, version: 2 }] }).expect(200);
      expect(rejected.body.applied).toEqual([{ id: fresh, status: 'rejected', version: 3 }]);
      await post('/recommendations/decisions', { action: 'reject', lines: [{ id: fresh, version: 3 }] }).expect(400);
      await post('/recommendations/decisions', { action: 'approve', lines: [{ id: fresh, version: 3 }, { id: fresh, version: 3 }] }).expect(400);
      await post('/recommendations/decisions', { action: 'approve', lines: [] }).expect(400);
    });

    it('finds decided lines of every run with status=decided, latest decision first, page by page', async () => {
      await patch(ids.rOld, 1, { action: 'approve' }).expect(200);
      await patch(ids.rAlpha, 1, { action: 'reject', reasonCode: 'overstock' }).expect(200);
      const decided = await get('/recommendations?status=decided&sort=decided').expect(200);
      expectShape(recommendationPageResponse, decided.body);
      const shown = idsOf(decided.body);
      expect(shown.slice(0, 2)).toEqual([ids.rAlpha, ids.rOld]);
      expect(shown).not.toContain(ids.rBeta);
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(`/recommendations?status=decided&sort=decided&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        paged.push(...idsOf(page.body));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(shown);
      expect(idsOf((await get(`/recommendations?status=decided&runId=${ids.oldRun}`).expect(200)).body)).toEqual([ids.rOld]);
      // Without status=decided the list stays on the latest run.
      expect(idsOf((await get('/recommendations?status=approved').expect(200)).body)).not.toContain(ids.rOld);
    });
  });

  it('projects the stock of a line with and without its order, from the explanation and the run’s forecast', async () => {
    const itemId = await insertSourcedItem(t.db, { supplierId: ids.supplier });
    await insertForecast(t.db, { runId: ids.run, itemId, locationId: ids.location, periodStart: '2026-11-23', means: [7, 7, 7, 7] });
    const id = await insertRecommendation(t.db, {
      runId: ids.run, itemId, locationId: ids.location, supplierId: ids.supplier, quantity: 20, projectedStockoutDate: '2026-11-26',
      explanation: {
        planDate: '2026-11-23', leadTimeMeanDays: 8, periodDays: 7, protectionPeriods: 2, availableOnHand: 3, safetyStock: 4, orderUpTo: 25,
        reorderPoint: null, scheduledReceipts: [{ date: '2026-11-30', quantity: 10 }],
      },
    });
    const detail = await get(`/recommendations/${id}`).expect(200);
    expectShape(recommendationDetailResponse, detail.body);
    const { projection } = detail.body;
    expect(projection).toMatchObject({ startDate: '2026-11-23', orderArrivalDate: '2026-12-01', orderQuantity: 20, safetyStock: 4, orderUpTo: 25, reorderPoint: null, protectionEndDate: '2026-12-07' });
    // 3 − 7 a week, +10 on 30 Nov (day 7), +20 on 1 Dec (day 8); to day 15 (the order's day + one week).
    expect(projection.points).toEqual([
      { date: '2026-11-23', withoutOrder: 3, withOrder: 3 },
      { date: '2026-11-30', withoutOrder: -4, withOrder: -4 },
      { date: '2026-11-30', withoutOrder: 6, withOrder: 6 },
      { date: '2026-12-01', withoutOrder: 5, withOrder: 5 },
      { date: '2026-12-01', withoutOrder: 5, withOrder: 25 },
      { date: '2026-12-07', withoutOrder: -1, withOrder: 19 },
      { date: '2026-12-08', withoutOrder: -2, withOrder: 18 },
    ]);
  });

  describe('draft orders', () => {
    let supplierId: number;
    let locationId: number;
    let lines: number[];
    beforeAll(async () => {
      supplierId = await insertSupplier(t.db, { name: 'Short Supplier' });
      await t.db('suppliers').where({ id: supplierId }).update({ currency: 'GBP', min_order_value: 500 });
      locationId = await insertLocation(t.db);
      const run = ids.run;
      lines = [];
      for (const [sku, quantity, cost] of [['DR-1', 10, 12], ['DR-2', 5, 20]] as const) {
        const itemId = await insertSourcedItem(t.db, { supplierId, sku, unitCost: cost, moq: 5 });
        lines.push(await insertRecommendation(t.db, { runId: run, itemId, locationId, supplierId, quantity, unitCost: cost }));
      }
      const spare = await insertSourcedItem(t.db, { supplierId, sku: 'DR-SPARE', unitCost: 50 });
      // The plan stage's snapshot: short by 280, with one item that could be pulled forward.
      await t.db.raw(
        `insert into draft_purchase_orders (run_id, supplier_id, location_id, currency, line_count, order_value, minimum_order_value, shortfall, lines, pull_forward)
         values (?, ?, ?, 'GBP', 2, 220, 500, 280, '[]'::jsonb, ?::jsonb)`,
        [run, supplierId, locationId, JSON.stringify([{ itemId: spare, sku: 'DR-SPARE', quantity: 4, unitCost: 50, value: 200, daysUntilReorder: 9, cumulativeOrderValue: 420, suggested: true }])],
      );
    });

    it('lists each order as its lines stand, with the value, the minimum order value, the shortfall and what could be pulled forward', async () => {
      const response = await get('/draft-orders').expect(200);
      expectShape(draftOrderListResponse, response.body);
      const order = response.body.data.find((entry: { supplierId: number }) => entry.supplierId === supplierId);
      expect(order).toMatchObject({ supplierName: 'Short Supplier', currency: 'GBP', lineCount: 2, proposedCount: 2, approvedCount: 0, orderValue: 220, minimumOrderValue: 500, shortfall: 280 });
      expect(order.pullForward).toEqual([expect.objectContaining({ sku: 'DR-SPARE', quantity: 4, value: 200, cumulativeOrderValue: 420, suggested: true })]);
      // A buyer doubles a line: the order is now worth 340, 160 short of its minimum.
      await patch(lines[0], 1, { action: 'set-quantity', quantity: 20 }).expect(200);
      const after = (await get(`/draft-orders?supplierId=${supplierId}`).expect(200)).body.data;
      expect(after).toEqual([expect.objectContaining({ orderValue: 340, shortfall: 160 })]);
    });

    it('shows one order with its lines and versions, and exports it as CSV and XLSX with the totals', async () => {
      const response = await get(`/draft-orders/${supplierId}/${locationId}`).expect(200);
      expectShape(draftOrderResponse, response.body);
      expect(response.body.lines.map((line: { sku: string; version: number; lineValue: number }) => [line.sku, line.version, line.lineValue])).toEqual([
        ['DR-1', 2, 240],
        ['DR-2', 1, 100],
      ]);
      const csv = await get(`/draft-orders/${supplierId}/${locationId}?format=csv`).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(/attachment; filename="draft-order-Short-Supplier-.*\.csv"/);
      const rows = csv.text.trim().split('\r\n');
      expect(rows[0]).toBe('supplier,location,sku,description,supplier_sku,status,urgency,projected_stockout,quantity,suggested_quantity,moq,currency,unit_cost,line_value');
      expect(rows.slice(-3).map((row) => row.split(',').slice(2, 3).concat(row.split(',').slice(-1)))).toEqual([
        ['order value', '340'],
        ['minimum order value', '500'],
        ['shortfall', '160'],
      ]);
      const xlsx = await get(`/draft-orders/${supplierId}/${locationId}`).set('Accept', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').buffer(true).parse(binary).expect(200);
      const [sheet] = await readXlsxFile(xlsx.body as Buffer);
      expect(sheet.data[1].slice(2, 3)).toEqual(['DR-1']);
      expect(sheet.data[1].at(-1)).toBe(240);
      expect(sheet.data.at(-1)).toEqual(expect.arrayContaining(['shortfall', 160]));
      await get(`/draft-orders/${supplierId}/999999`).expect(404);
    });
  });

  it('exports the list with its filters as CSV and XLSX, formula-like text made inert', async () => {
    const csv = await get(`/recommendations?supplierId=${ids.other}&q=gamma`).set('Accept', 'text/csv').expect(200);
    const [header, line, ...rest] = csv.text.trim().split('\r\n');
    expect(rest).toEqual([]);
    expect(header.split(',').slice(0, 6)).toEqual(['id', 'run_id', 'urgency', 'days_short', 'sku', 'description']);
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    const xlsx = await get(`/recommendations?supplierId=${ids.other}&q=gamma&format=xlsx`).buffer(true).parse(binary).expect(200);
    const [sheet] = await readXlsxFile(xlsx.body as Buffer);
    expect(sheet.data).toHaveLength(2);
    expect(sheet.data[1][5]).toBe(`'=HYPERLINK("http://x","click")`);
    expect(sheet.data[1][0]).toBe(ids.rGamma);
    await get('/recommendations?format=pdf').expect(400);
  });

  it('sums up each supplier’s deliveries as learnLeadTimes observes them, over the window and per month', async () => {
    const supplierId = await insertSupplier(t.db, { name: 'Late Supplier' });
    const itemId = await insertSourcedItem(t.db, { supplierId });
    const receipts = [
      { orderDate: '2026-08-01', promisedDate: '2026-08-11', receivedDate: '2026-08-15' },
      { orderDate: '2026-09-01', promisedDate: '2026-09-11', receivedDate: '2026-09-10' },
      { orderDate: '2026-10-01', promisedDate: '2026-10-11', receivedDate: '2026-10-20' },
      { orderDate: '2026-10-05', promisedDate: '2026-10-15', receivedDate: '2026-10-22' },
      // Before the 3-month window (Sep to Nov 2026) asked for below.
      { orderDate: '2026-06-01', promisedDate: '2026-06-05', receivedDate: '2026-06-05' },
    ];
    for (const receipt of receipts) await insertReceipt(t.db, { supplierId, itemId, locationId: ids.location, ...receipt });
    const response = await get('/suppliers/lead-times?months=3').expect(200);
    expectShape(supplierLeadTimeResponse, response.body);
    expect(response.body).toMatchObject({ endDate: '2026-11-22', months: 3 });
    const record = response.body.data.find((entry: { id: number }) => entry.id === supplierId);
    const [observed] = learnLeadTimes(receipts.slice(1, 4).map((receipt) => ({ supplierId: 's', sku: 'all', ...receipt }))).map((stats) => stats.observed);
    expect(record.receiptCount).toBe(3);
    expect(record.actualMeanDays).toBeCloseTo(observed.meanDays!, 10);
    expect(record.actualP90Days).toBeCloseTo(observed.p90Days!, 10);
    expect(record.meanLatenessDays).toBeCloseTo(observed.meanLatenessDays!, 10);
    expect(record.onTimeRate).toBeCloseTo(observed.onTimeRate!, 10);
    expect(record.promisedMeanDays).toBe(10);
    expect(record.months.map((month: { month: string; receiptCount: number; meanLatenessDays: number }) => [month.month, month.receiptCount, month.meanLatenessDays])).toEqual([
      ['2026-09', 1, -1],
      ['2026-10', 2, 8],
    ]);
    // Two months: the slope is the difference of their means, 8 − (−1) = 9 days a month.
    expect(record.latenessTrendDaysPerMonth).toBeCloseTo(9, 10);
    const quiet = response.body.data.find((entry: { id: number }) => entry.id === ids.other);
    expect(quiet).toMatchObject({ receiptCount: 0, onTimeRate: null, latenessTrendDaysPerMonth: null, months: [] });
    await get('/suppliers/lead-times?months=0').expect(400);
  });

  it('gives the lateness trend as the least-squares slope over every receipt, oldest month first', async () => {
    const supplierId = await insertSupplier(t.db, { name: 'Improving Supplier' });
    const itemId = await insertSourcedItem(t.db, { supplierId });
    // Lateness (received − promised): August 6 and 6, September 3, none in October, November 0.
    const receipts = [
      { orderDate: '2026-08-01', promisedDate: '2026-08-11', receivedDate: '2026-08-17' },
      { orderDate: '2026-08-03', promisedDate: '2026-08-13', receivedDate: '2026-08-19' },
      { orderDate: '2026-09-01', promisedDate: '2026-09-11', receivedDate: '2026-09-14' },
      { orderDate: '2026-11-01', promisedDate: '2026-11-11', receivedDate: '2026-11-11' },
    ];
    for (const receipt of receipts) await insertReceipt(t.db, { supplierId, itemId, locationId: ids.location, ...receipt });
    const response = await get('/suppliers/lead-times?months=4').expect(200);
    expectShape(supplierLeadTimeResponse, response.body);
    const record = response.body.data.find((entry: { id: number }) => entry.id === supplierId);
    expect(record.months.map((month: { month: string; meanLatenessDays: number }) => [month.month, month.meanLatenessDays])).toEqual([
      ['2026-08', 6],
      ['2026-09', 3],
      ['2026-11', 0],
    ]);
    // By hand, months counted from August (x = 0, 0, 1, 3; y = 6, 6, 3, 0): mean x 1, mean y 3.75,
    // Sxy = 2·(−1)(2.25) + 0 + 2·(−3.75) = −12, Sxx = 1 + 1 + 0 + 4 = 6: slope −2 days a month, deliveries less late.
    expect(record.meanLatenessDays).toBeCloseTo(3.75, 10);
    expect(record.latenessTrendDaysPerMonth).toBeCloseTo(-2, 10);
    expect(format.trendWords(record.latenessTrendDaysPerMonth, record.meanLatenessDays)).toBe('less late each month (−2 d a month)');
  });
});

/** supertest collects binary answers (XLSX) as a Buffer. */
function binary(response: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import { createImportService } from '../../../src/services/import-service';
import { testEngines } from '../../helpers/database';
import { openTestApp, type TestApp } from '../../helpers/catalogue';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/imports', name), 'utf8');
const TODAY = '2026-11-27';
const MAX_ROWS = 40;

describe.each(testEngines())('ERP push imports over HTTP on %s', (engine) => {
  let testApp: TestApp;
  let app: Express;
  const erp = () => `Bearer ${testApp.keys.erp}`;
  const postJson = (kind: string, body: unknown, query = '') => request(app).post(`/imports/${kind}${query}`).set('Authorization', erp()).send(body as object);
  const postCsv = (kind: string, body: string, query = '') =>
    request(app).post(`/imports/${kind}${query}`).set('Authorization', erp()).set('Content-Type', 'text/csv').send(body);
  const count = async (table: string) => Number((await testApp.db.raw(`select count(*) as n from ${table}`)).rows[0].n);

  beforeAll(async () => {
    testApp = await openTestApp(engine);
    // A fixed clock (mid-morning UTC on TODAY) and a small row cap, so "future" and "too many rows" are deterministic and cheap.
    const imports = createImportService({ db: testApp.db, now: () => new Date(`${TODAY}T09:30:00Z`), maxRows: MAX_ROWS });
    app = createApp({ services: { ...testApp.services, imports }, logger: createLogger('silent') });
    await testApp.db.raw(`insert into locations (external_id, code, name) values ('L1', 'DC1', 'Main'), ('L2', 'DC2', 'North')`);
    await testApp.db.raw(
      `insert into items (external_id, sku, unit_of_measure) values ('CSV-1', 'CSV-1', 'EA'), ('CSV-2', 'CSV-2', 'BOX'), ('OTHER', 'OTHER', 'EA')`,
    );
    await testApp.db.raw(`insert into suppliers (external_id, name) values ('S-CSV', 'CSV Supplies')`);
  });
  afterAll(() => testApp.testDb.drop());

  it('lets erp and admin keys import and refuses viewer and buyer keys (403) and missing keys (401)', async () => {
    const body = [{ externalId: 'S-ROLE', name: 'Role test' }];
    for (const role of ['viewer', 'buyer'] as const) {
      const refused = await request(app).post('/imports/suppliers').set('Authorization', `Bearer ${testApp.keys[role]}`).send(body).expect(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    await request(app).post('/imports/suppliers').send(body).expect(401);
    expect(await count(`suppliers where external_id = 'S-ROLE'`)).toBe(0);
    await postJson('suppliers', body).expect(200);
    const again = await request(app).post('/imports/suppliers').set('Authorization', `Bearer ${testApp.keys.admin}`).send(body).expect(200);
    expect(again.body).toEqual({ suppliers: { inserted: 0, updated: 0, unchanged: 1 }, errors: [] });
  });

  it('imports items from JSON, leaves them untouched on a re-post and updates only what changed', async () => {
    const items = [
      { externalId: 'ERP-J1', sku: 'J-1', description: 'Hex nut', unitCost: 0.1, unitPrice: 0.2 },
      { sku: 'J-2', unitOfMeasure: 'KG', unitCost: '4.5', active: false },
    ];
    const first = await postJson('items', items).expect(200);
    expect(first.body).toEqual({ items: { inserted: 2, updated: 0, unchanged: 0 }, errors: [] });
    const before = (await testApp.db.raw(`select sku, external_id, unit_of_measure, active, updated_at from items where sku like 'J-%' order by sku`)).rows;
    expect(before.map((row: Record<string, unknown>) => [row.sku, row.external_id, row.unit_of_measure, row.active])).toEqual([
      ['J-1', 'ERP-J1', 'EA', true],
      ['J-2', 'J-2', 'KG', false],
    ]);

    const repost = await postJson('items', items).expect(200);
    expect(repost.body.items).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const after = (await testApp.db.raw(`select updated_at from items where sku like 'J-%' order by sku`)).rows;
    expect(after.map((row: { updated_at: Date }) => row.updated_at.getTime())).toEqual(before.map((row: { updated_at: Date }) => row.updated_at.getTime()));

    const changed = await postJson('items', [{ ...items[0], unitCost: 0.12 }, items[1]]).expect(200);
    expect(changed.body.items).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
  });

  it('imports items and suppliers from CSV, quoted commas and empty cells (defaults) included', async () => {
    const items = await postCsv('items', fixture('items.csv')).expect(200);
    expect(items.body).toEqual({ items: { inserted: 2, updated: 0, unchanged: 0 }, errors: [] });
    const washer = (await testApp.db.raw(`select description, unit_of_measure, unit_cost::float8 as cost, active from items where sku = 'NEW-2'`)).rows[0];
    expect(washer).toEqual({ description: 'Washer', unit_of_measure: 'BOX', cost: 3.5, active: true });
    expect((await testApp.db.raw(`select description from items where sku = 'NEW-1'`)).rows[0].description).toBe('Bolt, M8');

    const suppliers = await postCsv('suppliers', fixture('suppliers.csv')).expect(200);
    expect(suppliers.body.suppliers).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const supplier = (await testApp.db.raw(`select currency, review_period_days, order_cost::float8 as order_cost from suppliers where external_id = 'S-NEW'`)).rows[0];
    expect(supplier).toEqual({ currency: 'EUR', review_period_days: 14, order_cost: 35 });
  });

  it('imports supplier items by supplier external id and SKU, from JSON and CSV', async () => {
    const json = await postJson('supplier-items', [
      { externalId: 'SI-J', supplier: 'S-CSV', sku: 'CSV-2', unitCost: 3, promisedLeadTimeDays: 21, unit: 'BOX' },
    ]).expect(200);
    expect(json.body.supplier_items).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const csv = await postCsv('supplier-items', fixture('supplier-items.csv')).expect(200);
    expect(csv.body.supplier_items).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const rows = (
      await testApp.db.raw(
        `select si.external_id, s.external_id as supplier, i.sku, si.moq::float8 as moq from supplier_items si
           join suppliers s on s.id = si.supplier_id join items i on i.id = si.item_id order by si.external_id`,
      )
    ).rows;
    expect(rows).toEqual([
      { external_id: 'SI-CSV-1', supplier: 'S-CSV', sku: 'CSV-1', moq: 100 },
      { external_id: 'SI-J', supplier: 'S-CSV', sku: 'CSV-2', moq: 1 },
    ]);
  });

  it('stores a supplier item\'s maximum order quantity, and refuses one that leaves no case at or above the MOQ', async () => {
    const offer = { externalId: 'SI-J', supplier: 'S-CSV', sku: 'CSV-2', unitCost: 3, promisedLeadTimeDays: 21, moq: 10, orderMultiple: 12 };
    expect((await postJson('supplier-items', [{ ...offer, maxOrderQuantity: 240 }]).expect(200)).body.supplier_items).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const stored = async () => (await testApp.db.raw(`select max_order_quantity::float8 as cap from supplier_items where external_id = 'SI-J'`)).rows[0].cap;
    expect(await stored()).toBe(240);
    // 11 holds no multiple of 12 at all: the plan could not order.
    const refused = await postJson('supplier-items', [{ ...offer, maxOrderQuantity: 11 }]).expect(422);
    expect(refused.body.error.details).toEqual([{ row: 1, field: 'maxOrderQuantity', reason: 'leaves no multiple of 12 at or above the MOQ 10' }]);
    // Sent again without one: no cap.
    await postJson('supplier-items', [offer]).expect(200);
    expect(await stored()).toBeNull();
  });

  it('imports daily sales from CSV and JSON; a re-post changes nothing and a corrected quantity updates one row', async () => {
    const csv = await postCsv('daily-sales', fixture('daily-sales.csv')).expect(200);
    expect(csv.body).toEqual({ daily_sales: { inserted: 3, updated: 0, unchanged: 0 }, errors: [] });
    expect((await postCsv('daily-sales', fixture('daily-sales.csv')).expect(200)).body.daily_sales).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await count('daily_sales')).toBe(3);

    const json = await postJson('daily-sales', [
      { sku: 'CSV-1', location: 'DC1', salesDate: '2026-11-20', quantity: 15 },
      { sku: 'CSV-1', location: 'DC2', salesDate: TODAY, quantity: 1 },
    ]).expect(200);
    expect(json.body.daily_sales).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
    const corrected = (await testApp.db.raw(`select quantity::float8 as q from daily_sales s join locations l on l.id = s.location_id where l.code = 'DC1' and sales_date = '2026-11-20'`)).rows;
    expect(corrected).toEqual([{ q: 15 }]);
  });

  it('imports on-hand snapshots from JSON and CSV', async () => {
    const json = await postJson('on-hand', [{ sku: 'CSV-1', location: 'DC2', snapshotDate: '2026-11-26', quantity: 9 }]).expect(200);
    expect(json.body.on_hand_snapshots).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const csv = await postCsv('on-hand', fixture('on-hand.csv')).expect(200);
    expect(csv.body.on_hand_snapshots).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await count('on_hand_snapshots')).toBe(3);
    const future = await postCsv('on-hand', 'sku,location,snapshot_date,quantity\nCSV-1,DC1,2026-11-28,5\n').expect(422);
    expect(future.body.error.details).toEqual([{ row: 2, field: 'snapshot_date', reason: `date 2026-11-28 is in the future (today is ${TODAY} UTC)` }]);
  });

  it('imports a purchase order with nested lines and receipts from JSON, idempotently', async () => {
    const order = {
      externalId: 'PO-J',
      supplier: 'S-CSV',
      location: 'DC2',
      orderDate: '2026-10-01',
      promisedDate: '2026-10-20',
      lines: [
        { externalId: 'PO-J-1', sku: 'CSV-1', quantityOrdered: 100, quantityReceived: 60, receipts: [{ externalId: 'RC-J-1', receivedDate: '2026-10-22', quantity: 60 }] },
        { externalId: 'PO-J-2', sku: 'CSV-2', quantityOrdered: 5, unit: 'BOX' },
      ],
    };
    const first = await postJson('purchase-orders', [order]).expect(200);
    expect(first.body).toEqual({
      purchase_orders: { inserted: 1, updated: 0, unchanged: 0 },
      purchase_order_lines: { inserted: 2, updated: 0, unchanged: 0 },
      receipts: { inserted: 1, updated: 0, unchanged: 0 },
      errors: [],
    });
    const again = await postJson('purchase-orders', [order]).expect(200);
    expect(again.body.purchase_order_lines).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(again.body.receipts).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    const closed = await postJson('purchase-orders', [{ ...order, status: 'closed' }]).expect(200);
    expect(closed.body.purchase_orders).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it('imports purchase orders from CSV as one row per line, then receipts separately', async () => {
    const orders = await postCsv('purchase-orders', fixture('purchase-orders.csv')).expect(200);
    expect(orders.body.purchase_orders).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect(orders.body.purchase_order_lines).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const line = (await testApp.db.raw(`select promised_date from purchase_order_lines where external_id = 'PO-CSV-2'`)).rows[0];
    expect(line.promised_date).toBe('2026-11-30');

    const receipts = await postCsv('receipts', fixture('receipts.csv')).expect(200);
    expect(receipts.body).toEqual({ receipts: { inserted: 1, updated: 0, unchanged: 0 }, errors: [] });
    const json = await postJson('receipts', [{ externalId: 'RC-J-2', purchaseOrder: 'PO-CSV', purchaseOrderLine: 'PO-CSV-2', receivedDate: TODAY, quantity: 20 }]).expect(200);
    expect(json.body.receipts).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
  });

  it('imports sales orders with lines from JSON and CSV', async () => {
    const json = await postJson('sales-orders', [
      { externalId: 'SO-J', customerRef: 'C-1', location: 'DC2', orderDate: '2026-11-25', lines: [{ externalId: 'SO-J-1', sku: 'CSV-2', quantityOrdered: 2 }] },
    ]).expect(200);
    expect(json.body.sales_order_lines).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const csv = await postCsv('sales-orders', fixture('sales-orders.csv')).expect(200);
    expect(csv.body).toEqual({
      sales_orders: { inserted: 1, updated: 0, unchanged: 0 },
      sales_order_lines: { inserted: 2, updated: 0, unchanged: 0 },
      errors: [],
    });
    const backordered = (await testApp.db.raw(`select quantity_backordered::float8 as q, eta from sales_order_lines where external_id = 'SO-CSV-1'`)).rows[0];
    expect(backordered).toEqual({ q: 10, eta: '2026-12-02' });
  });

  it('rejects a batch with bad rows whole (422), naming row, field and reason for each kind of mistake', async () => {
    const salesBefore = await count('daily_sales');
    const rejected = await postJson('daily-sales', [
      { sku: 'CSV-1', location: 'DC1', salesDate: '2026-11-10', quantity: 1 },
      { sku: 'NOPE', location: 'DC1', salesDate: '2026-11-10', quantity: 1 },
      { sku: 'CSV-1', location: 'DC9', salesDate: '2026-11-10', quantity: 1 },
      { sku: 'CSV-1', location: 'DC1', salesDate: '2026-11-11', quantity: -3 },
      { sku: 'CSV-1', location: 'DC1', salesDate: '2026-11-28', quantity: 1 },
      { sku: 'CSV-1', location: 'DC1', salesDate: '2026-11-10', quantity: 2 },
      { sku: 'CSV-2', location: 'DC1', salesDate: '2026-11-10', quantity: 1, unit: 'EA' },
      { sku: 'CSV-1', location: 'DC1', salesDate: '10/11/2026', quantity: 1 },
    ]).expect(422);
    expect(rejected.body.error.code).toBe('import_rejected');
    expect(rejected.body.error.details).toEqual([
      { row: 2, field: 'sku', reason: 'unknown SKU NOPE' },
      { row: 3, field: 'location', reason: 'unknown location DC9' },
      { row: 4, field: 'quantity', reason: 'negative quantity' },
      { row: 5, field: 'salesDate', reason: `date 2026-11-28 is in the future (today is ${TODAY} UTC)` },
      { row: 6, field: 'salesDate', reason: 'duplicate key CSV-1 / DC1 / 2026-11-10 in this batch (first on row 1)' },
      { row: 7, field: 'unit', reason: 'unit EA differs from the unit of measure BOX of SKU CSV-2' },
      { row: 8, field: 'salesDate', reason: 'expected a date YYYY-MM-DD' },
    ]);
    expect(await count('daily_sales')).toBe(salesBefore);
  });

  it('rejects unknown suppliers, unknown purchase orders and lines, and SKUs owned by another item', async () => {
    const order = await postJson('purchase-orders', [
      { externalId: 'PO-BAD', supplier: 'S-NONE', location: 'DC1', orderDate: '2026-11-01', lines: [{ externalId: 'PO-BAD-1', sku: 'CSV-1', quantityOrdered: 1 }] },
    ]).expect(422);
    expect(order.body.error.details).toEqual([{ row: 1, field: 'supplier', reason: 'unknown supplier S-NONE' }]);
    expect(await count(`purchase_orders where external_id = 'PO-BAD'`)).toBe(0);

    const receipts = await postJson('receipts', [
      { externalId: 'RC-X1', purchaseOrder: 'PO-NONE', purchaseOrderLine: 'PO-CSV-1', receivedDate: '2026-11-20', quantity: 1 },
      { externalId: 'RC-X2', purchaseOrder: 'PO-CSV', purchaseOrderLine: 'PO-NONE-1', receivedDate: '2026-11-20', quantity: 1 },
      { externalId: 'RC-X3', purchaseOrder: 'PO-J', purchaseOrderLine: 'PO-CSV-1', receivedDate: '2026-11-20', quantity: 1 },
    ]).expect(422);
    expect(receipts.body.error.details).toEqual([
      { row: 1, field: 'purchaseOrder', reason: 'unknown purchase order PO-NONE' },
      { row: 2, field: 'purchaseOrderLine', reason: 'unknown line PO-NONE-1 on purchase order PO-CSV' },
      { row: 3, field: 'purchaseOrderLine', reason: 'line PO-CSV-1 belongs to purchase order PO-CSV, not PO-J' },
    ]);

    const items = await postJson('items', [{ externalId: 'ERP-OTHER', sku: 'CSV-1' }, { externalId: 'ERP-TWIN', sku: 'TWIN' }, { sku: 'TWIN' }]).expect(422);
    expect(items.body.error.details).toEqual([
      { row: 1, field: 'sku', reason: 'SKU CSV-1 already belongs to item CSV-1' },
      { row: 3, field: 'sku', reason: 'duplicate key TWIN in this batch (first on row 2)' },
    ]);
  });

  it('names CSV line numbers and column names in row errors, and nested paths in JSON order errors', async () => {
    const csv = await postCsv('daily-sales', fixture('bad-daily-sales.csv')).expect(422);
    expect(csv.body.error.details).toEqual([
      { row: 3, field: 'sku', reason: 'unknown SKU NOPE' },
      { row: 4, field: 'sales_date', reason: `date 2026-11-30 is in the future (today is ${TODAY} UTC)` },
      { row: 5, field: 'quantity', reason: 'negative quantity' },
    ]);
    const csvOrder = await postCsv(
      'sales-orders',
      'external_id,customer_ref,location,order_date,line_external_id,sku,quantity_ordered\nSO-L,C,DC1,2026-11-20,SO-L-1,CSV-1,1\nSO-L,C,DC1,2026-11-20,SO-L-1,CSV-2,1\n',
    ).expect(422);
    expect(csvOrder.body.error.details).toEqual([{ row: 3, field: 'line_external_id', reason: 'duplicate key SO-L-1 in this batch (first on row 2)' }]);
    const json = await postJson('purchase-orders', [
      { externalId: 'PO-N', supplier: 'S-CSV', location: 'DC1', orderDate: '2026-11-01', lines: [{ externalId: 'PO-N-1', sku: 'CSV-1', quantityOrdered: 1, receipts: [{ externalId: 'RC-N', receivedDate: '2026-12-01', quantity: 1 }] }] },
    ]).expect(422);
    expect(json.body.error.details).toEqual([
      { row: 1, field: 'lines.0.receipts.0.receivedDate', reason: `date 2026-12-01 is in the future (today is ${TODAY} UTC)` },
    ]);
  });

  it('with ?mode=partial commits the good rows and returns the bad ones, dropping an order with a bad line whole', async () => {
    const sales = await postJson(
      'daily-sales',
      [
        { sku: 'CSV-2', location: 'DC2', salesDate: '2026-11-01', quantity: 4 },
        { sku: 'NOPE', location: 'DC2', salesDate: '2026-11-01', quantity: 4 },
      ],
      '?mode=partial',
    ).expect(200);
    expect(sales.body).toEqual({ daily_sales: { inserted: 1, updated: 0, unchanged: 0 }, errors: [{ row: 2, field: 'sku', reason: 'unknown SKU NOPE' }] });

    const orders = await postCsv(
      'sales-orders',
      'external_id,customer_ref,location,order_date,line_external_id,sku,quantity_ordered\nSO-P1,C,DC1,2026-11-20,SO-P1-1,CSV-1,1\nSO-P1,C,DC1,2026-11-20,SO-P1-2,NOPE,1\nSO-P2,C,DC1,2026-11-20,SO-P2-1,CSV-1,-1\nSO-P3,C,DC1,2026-11-20,SO-P3-1,CSV-1,2\n',
      '?mode=partial',
    ).expect(200);
    expect(orders.body.errors).toEqual([
      { row: 3, field: 'sku', reason: 'unknown SKU NOPE' },
      { row: 4, field: 'quantity_ordered', reason: 'negative quantity' },
    ]);
    expect(orders.body.sales_orders).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const stored = (await testApp.db.raw(`select external_id from sales_orders where external_id like 'SO-P%'`)).rows;
    expect(stored).toEqual([{ external_id: 'SO-P3' }]);
  });

  it('answers 400 naming the line for malformed CSV, 400 for a non-array body, 415 for other content types', async () => {
    const malformed = await postCsv('daily-sales', fixture('malformed.csv')).expect(400);
    expect(malformed.body.error.message).toMatch(/^malformed CSV at line 3:/);
    expect(malformed.body.error.details).toEqual({ line: 3 });
    await postJson('daily-sales', { sku: 'CSV-1' }).expect(400);
    const unsupported = await request(app).post('/imports/items').set('Authorization', erp()).set('Content-Type', 'text/plain').send('sku\nX').expect(415);
    expect(unsupported.body.error.code).toBe('unsupported_media_type');
  });

  it(`answers 413 for more than the row cap (${MAX_ROWS}) in JSON or CSV, applying nothing`, async () => {
    const rows = Array.from({ length: MAX_ROWS + 1 }, (_, index) => ({ externalId: `S-MANY-${index}`, name: 'Many' }));
    const json = await postJson('suppliers', rows).expect(413);
    expect(json.body.error.code).toBe('too_many_rows');
    const csv = ['external_id,name', ...rows.map((row) => `${row.externalId},${row.name}`)].join('\n');
    await postCsv('suppliers', csv).expect(413);
    await postCsv('suppliers', ['external_id,name', ...rows.slice(0, MAX_ROWS).map((row) => `${row.externalId},${row.name}`)].join('\n')).expect(200);
    expect(await count(`suppliers where external_id like 'S-MANY-%'`)).toBe(MAX_ROWS);
  });

  it('refreshes a table\'s statistics after a bulk insert (PGlite has no autovacuum), so the next plans see its size', async () => {
    // 2 locations × 5,000 days = 10,000 new rows: the threshold. pg_class.reltuples changes only by ANALYZE (or VACUUM).
    const importer = createImportService({ db: testApp.db, now: () => new Date(`${TODAY}T09:30:00Z`) });
    const day = (offset: number) => new Date(Date.UTC(2026, 10, 26) - offset * 86_400_000).toISOString().slice(0, 10);
    const body = ['DC1', 'DC2'].flatMap((location) =>
      Array.from({ length: 5_000 }, (_, offset) => ({ sku: 'CSV-2', location, salesDate: day(offset + 400), quantity: 1 })),
    );
    const result = await importer.importRecords('daily-sales', { format: 'json', body, partial: false });
    expect(result.daily_sales?.inserted).toBe(10_000);
    const { rows } = await testApp.db.raw(`select reltuples::float8 as estimate from pg_class where relname = 'daily_sales'`);
    expect(rows[0].estimate).toBeGreaterThanOrEqual(10_000);
  });
});

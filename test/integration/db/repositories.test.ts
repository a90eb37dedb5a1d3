import type { Knex } from 'knex';
import { createApiKey, findApiKeyByHash, hashApiKey, listApiKeys, revokeApiKey } from '../../../db/repositories/api-keys';
import { backorderedQuantities, latestOnHand, openPurchaseQuantities } from '../../../db/repositories/inventory';
import { activeItemIdRanges, activeItemsInRange } from '../../../db/repositories/items';
import { receiptLeadTimes } from '../../../db/repositories/lead-times';
import { activeItemRevenues } from '../../../db/repositories/planning';
import { weeklySales } from '../../../db/repositories/sales';
import { supplierItemsFor } from '../../../db/repositories/suppliers';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

/**
 * A small world with hand-checkable numbers. Items: 1 and 2 active with history, 3 inactive, 4 active without any.
 * History ends Wednesday 2024-03-13, so the last complete week ends Sunday 2024-03-10.
 */
async function insertFixture(db: Knex): Promise<void> {
  await db('locations').insert([
    { id: 1, external_id: 'L1', code: 'EAST', name: 'East' },
    { id: 2, external_id: 'L2', code: 'WEST', name: 'West' },
  ]);
  await db('items').insert([
    { id: 1, external_id: 'I1', sku: 'SKU-1', unit_cost: 2.5, unit_price: 4, abc_class_override: 'A', service_level_override: 0.97 },
    { id: 2, external_id: 'I2', sku: 'SKU-2', unit_cost: 10, unit_price: 15 },
    { id: 3, external_id: 'I3', sku: 'SKU-3', active: false },
    { id: 4, external_id: 'I4', sku: 'SKU-4' },
  ]);
  await db('daily_sales').insert([
    { item_id: 1, location_id: 1, sales_date: '2024-02-18', quantity: 100 }, // the Sunday before the window
    { item_id: 1, location_id: 1, sales_date: '2024-02-19', quantity: 5 },
    { item_id: 1, location_id: 1, sales_date: '2024-02-25', quantity: 2.5 },
    { item_id: 1, location_id: 1, sales_date: '2024-03-02', quantity: 0, out_of_stock: true },
    { item_id: 1, location_id: 1, sales_date: '2024-03-03', quantity: 1, out_of_stock: true },
    { item_id: 1, location_id: 1, sales_date: '2024-03-10', quantity: 4 },
    { item_id: 1, location_id: 1, sales_date: '2024-03-11', quantity: 50 }, // after the last complete week
    { item_id: 2, location_id: 1, sales_date: '2024-03-05', quantity: 3 },
    { item_id: 3, location_id: 1, sales_date: '2024-03-05', quantity: 9 },
  ]);
  await db('on_hand_snapshots').insert([
    { item_id: 1, location_id: 1, snapshot_date: '2024-03-01', quantity: 10 },
    { item_id: 1, location_id: 1, snapshot_date: '2024-03-08', quantity: 6 },
    { item_id: 1, location_id: 2, snapshot_date: '2024-03-08', quantity: 2 },
  ]);
  await db('suppliers').insert([
    { id: 1, external_id: 'S1', name: 'Reliable', min_order_value: 100, review_period_days: 7, order_cost: 30 },
    { id: 2, external_id: 'S2', name: 'Backup', currency: 'EUR', review_period_days: 14 },
    { id: 3, external_id: 'S3', name: 'Dormant', active: false },
  ]);
  await db('supplier_items').insert([
    { external_id: 'SI1', supplier_id: 2, item_id: 1, unit_cost: 2.75, moq: 1, order_multiple: 1, promised_lead_time_days: 21, priority: 2 },
    { external_id: 'SI2', supplier_id: 1, item_id: 1, supplier_sku: 'R-1', unit_cost: 2.4, moq: 10, order_multiple: 5, promised_lead_time_days: 14, priority: 1 },
    { external_id: 'SI3', supplier_id: 3, item_id: 1, unit_cost: 1, promised_lead_time_days: 5, priority: 3 },
  ]);
  await db('purchase_orders').insert([
    { id: 1, external_id: 'PO1', supplier_id: 1, location_id: 1, order_date: '2024-01-01', promised_date: '2024-01-15', status: 'closed' },
    { id: 2, external_id: 'PO2', supplier_id: 1, location_id: 1, order_date: '2024-03-01', promised_date: '2024-03-15', expected_date: '2024-03-20', status: 'open' },
    { id: 3, external_id: 'PO3', supplier_id: 1, location_id: 1, order_date: '2024-03-02', promised_date: '2024-03-16', status: 'cancelled' },
    { id: 4, external_id: 'PO4', supplier_id: 2, location_id: 2, order_date: '2024-02-01', status: 'open' },
    { id: 5, external_id: 'PO5', supplier_id: 2, location_id: 2, order_date: '2024-03-04', status: 'open' },
  ]);
  await db('purchase_order_lines').insert([
    { id: 1, external_id: 'POL1', purchase_order_id: 1, item_id: 1, quantity_ordered: 10, quantity_received: 10 },
    { id: 2, external_id: 'POL2', purchase_order_id: 2, item_id: 1, quantity_ordered: 20, quantity_received: 5 },
    { id: 3, external_id: 'POL3', purchase_order_id: 2, item_id: 2, quantity_ordered: 8, quantity_received: 0, promised_date: '2024-03-18' },
    { id: 4, external_id: 'POL4', purchase_order_id: 3, item_id: 1, quantity_ordered: 99, quantity_received: 0 },
    { id: 5, external_id: 'POL5', purchase_order_id: 4, item_id: 1, quantity_ordered: 7, quantity_received: 7 },
    { id: 6, external_id: 'POL6', purchase_order_id: 5, item_id: 1, quantity_ordered: 4, quantity_received: 0, promised_date: '2024-03-25' },
  ]);
  await db('receipts').insert([
    { external_id: 'R1', purchase_order_line_id: 1, received_date: '2024-01-20', quantity: 6 },
    { external_id: 'R2', purchase_order_line_id: 1, received_date: '2024-01-25', quantity: 4 },
    { external_id: 'R3', purchase_order_line_id: 2, received_date: '2024-03-12', quantity: 5 },
    { external_id: 'R4', purchase_order_line_id: 5, received_date: '2024-02-20', quantity: 7 },
  ]);
  await db('sales_orders').insert([
    { id: 1, external_id: 'SO1', customer_ref: 'C1', location_id: 1, order_date: '2024-03-10', status: 'open' },
    { id: 2, external_id: 'SO2', customer_ref: 'C2', location_id: 1, order_date: '2024-02-10', status: 'closed' },
    { id: 3, external_id: 'SO3', customer_ref: 'C3', location_id: 2, order_date: '2024-03-11', status: 'open' },
  ]);
  await db('sales_order_lines').insert([
    { external_id: 'SOL1', sales_order_id: 1, item_id: 1, quantity_ordered: 5, quantity_shipped: 2, quantity_backordered: 3 },
    { external_id: 'SOL2', sales_order_id: 1, item_id: 2, quantity_ordered: 1, quantity_shipped: 1 },
    { external_id: 'SOL3', sales_order_id: 2, item_id: 1, quantity_ordered: 9, quantity_backordered: 9 },
    { external_id: 'SOL4', sales_order_id: 3, item_id: 1, quantity_ordered: 2, quantity_backordered: 2 },
    { external_id: 'SOL5', sales_order_id: 3, item_id: 1, quantity_ordered: 1.5, quantity_backordered: 1.5 },
  ]);
}

describe.each(testEngines())('repositories on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    await insertFixture(db);
  });
  afterAll(() => testDb.drop());

  describe('items', () => {
    it('reads the active items of one id range, skipping inactive ones', async () => {
      expect(await activeItemsInRange(db, { firstItemId: 1, lastItemId: 4 })).toEqual([
        { itemId: 1, sku: 'SKU-1', unitCost: 2.5, unitPrice: 4, abcClassOverride: 'A', serviceLevelOverride: 0.97 },
        { itemId: 2, sku: 'SKU-2', unitCost: 10, unitPrice: 15, abcClassOverride: null, serviceLevelOverride: null },
        { itemId: 4, sku: 'SKU-4', unitCost: 0, unitPrice: 0, abcClassOverride: null, serviceLevelOverride: null },
      ]);
      expect((await activeItemsInRange(db, { firstItemId: 2, lastItemId: 3 })).map((item) => item.itemId)).toEqual([2]);
    });

    it('splits active item ids into ranges of the chunk size, skipping inactive items', async () => {
      expect(await activeItemIdRanges(db, 2)).toEqual([
        { firstItemId: 1, lastItemId: 2, itemCount: 2 },
        { firstItemId: 4, lastItemId: 4, itemCount: 1 },
      ]);
    });
  });

  describe('activeItemRevenues', () => {
    // Item 1 sells at 4, item 2 at 15; item 3 is inactive, item 4 never sold. Hand sums from insertFixture's days.
    it.each([
      ['whole weeks and days at both ends', '2024-02-18', '2024-03-11', (5 + 2.5 + 0 + 1 + 4 + 50) * 4, 3 * 15],
      ['days only, no whole week inside', '2024-02-17', '2024-02-20', (100 + 5) * 4, 0],
      ['from a Monday to a Sunday: whole weeks only', '2024-02-18', '2024-03-10', (5 + 2.5 + 0 + 1 + 4) * 4, 3 * 15],
      ['a window ending mid-week', '2024-02-19', '2024-03-13', (2.5 + 0 + 1 + 4 + 50) * 4, 3 * 15],
    ])('sums units × price over (after, through]: %s', async (_case, afterDate, throughDate, item1, item2) => {
      expect(await activeItemRevenues(db, { afterDate, throughDate })).toEqual([
        { itemId: 1, sku: 'SKU-1', revenue: item1 },
        { itemId: 2, sku: 'SKU-2', revenue: item2 },
        { itemId: 4, sku: 'SKU-4', revenue: 0 },
      ]);
    });
  });

  describe('weeklySales', () => {
    it('sums Monday-to-Sunday weeks ending on the last Sunday, zero-filled, with out-of-stock days per week', async () => {
      const sales = await weeklySales(db, [1, 2], { endDate: '2024-03-13', weeks: 3 });
      expect(sales.weekEnds).toEqual(['2024-02-25', '2024-03-03', '2024-03-10']);
      expect(sales.series).toEqual([
        { itemId: 1, locationId: 1, quantities: [7.5, 1, 4], outOfStockDays: [0, 2, 0], soldOutDays: [0, 1, 0] },
        { itemId: 1, locationId: 2, quantities: [0, 0, 0], outOfStockDays: [0, 0, 0], soldOutDays: [0, 0, 0] },
        { itemId: 2, locationId: 1, quantities: [0, 0, 3], outOfStockDays: [0, 0, 0], soldOutDays: [0, 0, 0] },
      ]);
    });

    it('counts a Sunday end date as a complete week', async () => {
      const sales = await weeklySales(db, [1], { endDate: '2024-03-10', weeks: 1 });
      expect(sales.weekEnds).toEqual(['2024-03-10']);
      expect(sales.series[0]!.quantities).toEqual([4]);
    });
  });

  describe('lead times', () => {
    it('returns each receipt with its promised and actual lead time in days', async () => {
      expect(await receiptLeadTimes(db, [1])).toEqual([
        {
          supplierId: 1, itemId: 1, locationId: 1, purchaseOrderLineId: 1, orderDate: '2024-01-01', promisedDate: '2024-01-15',
          receivedDate: '2024-01-20', promisedLeadTimeDays: 14, actualLeadTimeDays: 19, quantity: 6,
        },
        {
          supplierId: 1, itemId: 1, locationId: 1, purchaseOrderLineId: 1, orderDate: '2024-01-01', promisedDate: '2024-01-15',
          receivedDate: '2024-01-25', promisedLeadTimeDays: 14, actualLeadTimeDays: 24, quantity: 4,
        },
        {
          supplierId: 1, itemId: 1, locationId: 1, purchaseOrderLineId: 2, orderDate: '2024-03-01', promisedDate: '2024-03-15',
          receivedDate: '2024-03-12', promisedLeadTimeDays: 14, actualLeadTimeDays: 11, quantity: 5,
        },
        {
          supplierId: 2, itemId: 1, locationId: 2, purchaseOrderLineId: 5, orderDate: '2024-02-01', promisedDate: null,
          receivedDate: '2024-02-20', promisedLeadTimeDays: null, actualLeadTimeDays: 19, quantity: 7,
        },
      ]);
    });

    it('keeps only receipts on or after `since`', async () => {
      const receipts = await receiptLeadTimes(db, [1], { since: '2024-02-20' });
      expect(receipts.map((receipt) => receipt.receivedDate)).toEqual(['2024-03-12', '2024-02-20']);
    });
  });

  describe('inventory position', () => {
    it('takes the latest stock snapshot per item and location', async () => {
      expect(await latestOnHand(db, [1, 2])).toEqual([
        { itemId: 1, locationId: 1, snapshotDate: '2024-03-08', quantity: 6 },
        { itemId: 1, locationId: 2, snapshotDate: '2024-03-08', quantity: 2 },
      ]);
    });

    it('sums what open orders still owe, ignoring cancelled and fully received lines', async () => {
      expect(await openPurchaseQuantities(db, [1, 2])).toEqual([
        { itemId: 1, locationId: 1, quantity: 15, earliestExpectedDate: '2024-03-20' },
        { itemId: 1, locationId: 2, quantity: 4, earliestExpectedDate: '2024-03-25' },
        { itemId: 2, locationId: 1, quantity: 8, earliestExpectedDate: '2024-03-20' },
      ]);
    });

    it('sums backordered quantities of open sales orders only', async () => {
      expect(await backorderedQuantities(db, [1, 2])).toEqual([
        { itemId: 1, locationId: 1, quantity: 3 },
        { itemId: 1, locationId: 2, quantity: 3.5 },
      ]);
    });
  });

  describe('suppliers', () => {
    it('lists active suppliers’ terms per item, primary first, with numbers as numbers', async () => {
      expect(await supplierItemsFor(db, [1, 2])).toEqual([
        {
          supplierId: 1, supplierName: 'Reliable', currency: 'USD', minOrderValue: 100, reviewPeriodDays: 7, orderCost: 30, itemId: 1,
          supplierSku: 'R-1', unitCost: 2.4, moq: 10, orderMultiple: 5, promisedLeadTimeDays: 14, priority: 1, maxOrderQuantity: null,
        },
        {
          supplierId: 2, supplierName: 'Backup', currency: 'EUR', minOrderValue: 0, reviewPeriodDays: 14, orderCost: 0, itemId: 1,
          supplierSku: null, unitCost: 2.75, moq: 1, orderMultiple: 1, promisedLeadTimeDays: 21, priority: 2, maxOrderQuantity: null,
        },
      ]);
    });
  });

  describe('api keys', () => {
    it('stores only the hash and finds the key by it', async () => {
      const { key, apiKey } = await createApiKey(db, { name: 'buyer desk', role: 'buyer' });
      expect(key).toMatch(/^rpl_[A-Za-z0-9_-]{43}$/);
      expect(apiKey).toMatchObject({ name: 'buyer desk', role: 'buyer', prefix: key.slice(0, 8), revokedAt: null });
      expect(await findApiKeyByHash(db, hashApiKey(key))).toEqual(apiKey);
      expect(await findApiKeyByHash(db, hashApiKey(`${key}x`))).toBeNull();
      const stored = (await db.raw('select key_hash from api_keys where id = ?', [apiKey.id])).rows[0].key_hash;
      expect(stored).toBe(hashApiKey(key));
      expect(stored).not.toContain(key);
    });

    it('revokes once and keeps the first revocation time', async () => {
      const { apiKey } = await createApiKey(db, { name: 'erp', role: 'erp', key: 'rpl_a-fixed-admin-key-for-tests' });
      const revoked = await revokeApiKey(db, apiKey.id);
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      expect((await revokeApiKey(db, apiKey.id))?.revokedAt).toEqual(revoked?.revokedAt);
      expect(await revokeApiKey(db, 987654)).toBeNull();
      expect((await listApiKeys(db)).map((listed) => listed.name)).toEqual(['buyer desk', 'erp']);
    });
  });
});

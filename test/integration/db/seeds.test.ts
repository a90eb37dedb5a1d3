import { receiptLeadTimes } from '../../../db/repositories/lead-times';
import { generateDemoData, isDatabaseEmpty, seedDemoData } from '../../../db/seeds/demo';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

const options = { seed: 7, skuCount: 40, endDate: '2026-11-22' };

describe('demo data generator', () => {
  it('yields identical rows for the same seed and different rows for another', () => {
    const first = JSON.stringify(generateDemoData(options));
    expect(JSON.stringify(generateDemoData(options))).toBe(first);
    expect(JSON.stringify(generateDemoData({ ...options, seed: 8 }))).not.toBe(first);
  });

  it('keeps only days with sales or a stock-out, over three years ending at endDate', () => {
    const { dailySales } = generateDemoData(options);
    expect(dailySales.every(([, , , quantity, outOfStock]) => (quantity as number) > 0 || outOfStock === true)).toBe(true);
    const dates = dailySales.map((row) => row[2] as string).sort();
    expect(dates[dates.length - 1]).toBe('2026-11-22');
    expect(dates[0] >= '2023-11-24').toBe(true);
    expect(dailySales.some(([, , , quantity, outOfStock]) => quantity === 0 && outOfStock === true)).toBe(true);
  });
});

describe.each(testEngines())('seedDemoData on %s', (engine) => {
  let testDb: TestDb;
  let firstResult: Awaited<ReturnType<typeof seedDemoData>>;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    expect(await isDatabaseEmpty(testDb.db)).toBe(true);
    firstResult = await seedDemoData(testDb.db, options);
  });
  afterAll(() => testDb.drop());

  it('stores exactly the generated rows', async () => {
    const data = generateDemoData(options);
    expect(firstResult.seeded).toBe(true);
    expect(firstResult.counts.daily_sales).toBe(data.dailySales.length);
    const { rows } = await testDb.db.raw(
      'select count(*) as n, sum(quantity)::float8 as total, count(*) filter (where out_of_stock) as out_of_stock from daily_sales',
    );
    expect(rows[0]).toEqual({
      n: data.dailySales.length,
      total: data.dailySales.reduce((sum, row) => sum + (row[3] as number), 0),
      out_of_stock: data.dailySales.filter((row) => row[4] === true).length,
    });
    expect(await isDatabaseEmpty(testDb.db)).toBe(false);
  });

  it('does nothing when the database already holds data', async () => {
    const before = (await testDb.db.raw('select count(*) as n from daily_sales')).rows[0].n;
    expect(await seedDemoData(testDb.db, { ...options, seed: 99 })).toEqual({ seeded: false, counts: {} });
    expect((await testDb.db.raw('select count(*) as n from daily_sales')).rows[0].n).toBe(before);
  });

  it('restores the keys, foreign keys and indexes it suspended while loading', async () => {
    const { rows } = await testDb.db.raw(
      `select contype, count(*)::int as n from pg_constraint where conrelid = 'daily_sales'::regclass and contype in ('p', 'f') group by contype order by contype`,
    );
    expect(rows).toEqual([{ contype: 'f', n: 2 }, { contype: 'p', n: 1 }]);
    const indexes = await testDb.db.raw(`select indexname from pg_indexes where tablename = 'purchase_order_lines' order by 1`);
    expect(indexes.rows.map((row: { indexname: string }) => row.indexname)).toEqual([
      'purchase_order_lines_external_id_key', 'purchase_order_lines_item', 'purchase_order_lines_order', 'purchase_order_lines_pkey',
    ]);
    await expect(
      testDb.db.raw(`insert into daily_sales (item_id, location_id, sales_date, quantity) values (999999, 1, '2026-01-01', 1)`),
    ).rejects.toThrow(/foreign key/);
  });

  it('moves identity sequences past the seeded ids', async () => {
    const { rows } = await testDb.db.raw(`insert into items (external_id, sku) values ('NEW-1', 'NEW-1') returning id`);
    expect(rows[0].id).toBe(options.skuCount + 1);
  });

  it('gives the late supplier actual lead times well beyond its 28-day promise', async () => {
    const itemIds = Array.from({ length: options.skuCount }, (_, index) => index + 1);
    const late = (await receiptLeadTimes(testDb.db, itemIds)).filter((receipt) => receipt.supplierId === 3);
    expect(late.length).toBeGreaterThan(20);
    expect(late.every((receipt) => receipt.promisedLeadTimeDays === 28)).toBe(true);
    const meanActual = late.reduce((sum, receipt) => sum + receipt.actualLeadTimeDays, 0) / late.length;
    expect(meanActual).toBeGreaterThan(36);
    expect(meanActual).toBeLessThan(50);
  });

  it('leaves open purchase orders and backordered sales order lines at the end date', async () => {
    const { rows } = await testDb.db.raw(
      `select (select count(*) from purchase_orders where status = 'open') as open_orders,
              (select count(*) from sales_order_lines where quantity_backordered > 0) as backordered_lines`,
    );
    expect(rows[0].open_orders).toBeGreaterThan(0);
    expect(rows[0].backordered_lines).toBeGreaterThan(0);
  });
});

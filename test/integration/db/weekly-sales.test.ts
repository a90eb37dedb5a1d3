import type { Knex } from 'knex';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { withWeeklySalesRebuilt } from '../../../db/weekly-sales';

type Week = { item_id: number; location_id: number; week_start: string; quantity: number; out_of_stock_days: number };

const weeks = async (db: Knex): Promise<Week[]> =>
  (
    await db.raw(
      `select item_id, location_id, to_char(week_start, 'YYYY-MM-DD') as week_start, quantity::float8 as quantity, out_of_stock_days
         from weekly_sales order by 1, 2, 3`,
    )
  ).rows;

/** The same sums computed afresh from daily_sales: what the triggers must keep weekly_sales equal to. */
const weeksRecomputed = async (db: Knex): Promise<Week[]> =>
  (
    await db.raw(
      `select item_id, location_id, to_char(sales_date - (extract(isodow from sales_date)::int - 1), 'YYYY-MM-DD') as week_start,
              sum(quantity)::float8 as quantity, (count(*) filter (where out_of_stock))::int as out_of_stock_days
         from daily_sales group by 1, 2, 3 order by 1, 2, 3`,
    )
  ).rows;

describe.each(testEngines())('weekly_sales kept by triggers on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    await db('locations').insert([{ id: 1, external_id: 'L1', code: 'EAST', name: 'East' }, { id: 2, external_id: 'L2', code: 'WEST', name: 'West' }]);
    await db('items').insert([{ id: 1, external_id: 'I1', sku: 'SKU-1' }, { id: 2, external_id: 'I2', sku: 'SKU-2' }]);
  });
  afterAll(() => testDb.drop());

  it('sums inserted days into Monday-to-Sunday weeks, with out-of-stock days counted', async () => {
    await db('daily_sales').insert([
      { item_id: 1, location_id: 1, sales_date: '2024-03-03', quantity: 1 }, // Sunday: the week of Monday 2024-02-26
      { item_id: 1, location_id: 1, sales_date: '2024-03-04', quantity: 2.5 }, // Monday
      { item_id: 1, location_id: 1, sales_date: '2024-03-10', quantity: 4, out_of_stock: true }, // Sunday of the same week
      { item_id: 2, location_id: 2, sales_date: '2024-03-05', quantity: 0, out_of_stock: true },
    ]);
    expect(await weeks(db)).toEqual([
      { item_id: 1, location_id: 1, week_start: '2024-02-26', quantity: 1, out_of_stock_days: 0 },
      { item_id: 1, location_id: 1, week_start: '2024-03-04', quantity: 6.5, out_of_stock_days: 1 },
      { item_id: 2, location_id: 2, week_start: '2024-03-04', quantity: 0, out_of_stock_days: 1 },
    ]);
  });

  it('follows an upsert (as imports write), an update that moves a day to another week, and a delete', async () => {
    await db.raw(
      `insert into daily_sales (item_id, location_id, sales_date, quantity, out_of_stock)
       values (1, 1, '2024-03-04', 10, false), (1, 1, '2024-03-11', 3, false)
       on conflict (item_id, location_id, sales_date) do update set quantity = excluded.quantity, out_of_stock = excluded.out_of_stock`,
    );
    expect((await weeks(db)).find((week) => week.item_id === 1 && week.week_start === '2024-03-04')).toMatchObject({ quantity: 14 });
    await db('daily_sales').where({ item_id: 1, sales_date: '2024-03-03' }).update({ sales_date: '2024-03-12' });
    await db('daily_sales').where({ item_id: 2 }).delete();
    expect(await weeks(db)).toEqual([
      { item_id: 1, location_id: 1, week_start: '2024-03-04', quantity: 14, out_of_stock_days: 1 },
      { item_id: 1, location_id: 1, week_start: '2024-03-11', quantity: 4, out_of_stock_days: 0 },
    ]);
    expect(await weeks(db)).toEqual(await weeksRecomputed(db));
  });

  it('is emptied with daily_sales by truncate, and rebuilt after a bulk load with its triggers off', async () => {
    const before = await weeks(db);
    await db.transaction(async (trx) => {
      await withWeeklySalesRebuilt(trx, async () => {
        await trx.raw('truncate daily_sales');
        await trx.raw(
          `insert into daily_sales (item_id, location_id, sales_date, quantity, out_of_stock)
           select 1 + n % 2, 1 + n / 2 % 2, date '2024-01-01' + n / 4, n % 7, n % 11 = 0 from generate_series(0, 1199) n`,
        );
        // Switched off during the load (truncate included): nothing is summed statement by statement.
        expect(await weeks(trx)).toEqual(before);
      });
    });
    const rebuilt = await weeks(db);
    expect(rebuilt.length).toBeGreaterThan(50);
    expect(rebuilt).toEqual(await weeksRecomputed(db));
    // The triggers are back on after the load.
    await db('daily_sales').where({ item_id: 1 }).delete();
    expect(await weeks(db)).toEqual(await weeksRecomputed(db));
    await db.raw('truncate daily_sales');
    expect(await weeks(db)).toEqual([]);
  });

  it('rolls the triggers back on when the bulk load fails', async () => {
    await expect(
      db.transaction((trx) =>
        withWeeklySalesRebuilt(trx, async () => {
          await trx.raw(`insert into daily_sales (item_id, location_id, sales_date, quantity) values (1, 1, '2024-05-01', -1)`);
        }),
      ),
    ).rejects.toThrow(/check constraint/);
    await db('daily_sales').insert({ item_id: 1, location_id: 1, sales_date: '2024-05-01', quantity: 2 });
    expect(await weeks(db)).toEqual([{ item_id: 1, location_id: 1, week_start: '2024-04-29', quantity: 2, out_of_stock_days: 0 }]);
    expect(await weeks(db)).toEqual(await weeksRecomputed(db));
  });
});

import type { Knex } from 'knex';
import { withKeysSuspended } from './bulk';

/**
 * Runs a bulk load of daily_sales with the triggers that keep weekly_sales (migration 015) switched off, then
 * rebuilds weekly_sales in one aggregation: for millions of rows one pass beats recomputing the touched weeks
 * statement by statement. Must run inside the load's transaction, so that a failure restores the triggers.
 */
export async function withWeeklySalesRebuilt<T>(trx: Knex.Transaction, load: () => Promise<T>): Promise<T> {
  await trx.raw('alter table daily_sales disable trigger user');
  const result = await load();
  await trx.raw('alter table daily_sales enable trigger user');
  await rebuildWeeklySales(trx);
  return result;
}

/** Recomputes weekly_sales from daily_sales in full, its key built after the rows are in. */
export async function rebuildWeeklySales(trx: Knex.Transaction): Promise<void> {
  await trx.raw('truncate weekly_sales');
  await withKeysSuspended(trx, ['weekly_sales'], () => trx.raw(
    `insert into weekly_sales (item_id, location_id, week_start, quantity, out_of_stock_days, sold_out_days)
     select item_id, location_id, replen_week_start(sales_date), sum(quantity), count(*) filter (where out_of_stock),
            count(*) filter (where out_of_stock and quantity > 0)
       from daily_sales group by 1, 2, 3`,
  ));
}

import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * weekly_sales.sold_out_days: of a week's days out of stock, those that still sold (the stock ran out during the day).
 * The censored-demand estimate (models/forecast/censored.ts) counts such a day as half missed, a day out of stock
 * without a sale as fully missed. The refresh function of migration 015 is replaced to keep it.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table weekly_sales add column sold_out_days smallint not null default 0',
    `create or replace function replen_refresh_weeks(item_ids int[], location_ids int[], week_starts date[]) returns void language plpgsql as $$
     begin
       delete from weekly_sales w
        using unnest(item_ids, location_ids, week_starts) as k(item_id, location_id, week_start)
        where w.item_id = k.item_id and w.location_id = k.location_id and w.week_start = k.week_start;
       insert into weekly_sales (item_id, location_id, week_start, quantity, out_of_stock_days, sold_out_days)
       select d.item_id, d.location_id, k.week_start, sum(d.quantity), count(*) filter (where d.out_of_stock),
              count(*) filter (where d.out_of_stock and d.quantity > 0)
         from unnest(item_ids, location_ids, week_starts) as k(item_id, location_id, week_start)
         join daily_sales d on d.item_id = k.item_id and d.location_id = k.location_id
                           and d.sales_date between k.week_start and k.week_start + 6
        group by d.item_id, d.location_id, k.week_start;
     end $$`,
    `update weekly_sales w set sold_out_days = s.days
       from (select item_id, location_id, replen_week_start(sales_date) as week_start, count(*) as days
               from daily_sales where out_of_stock and quantity > 0 group by 1, 2, 3) s
      where w.item_id = s.item_id and w.location_id = s.location_id and w.week_start = s.week_start`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, [
    `create or replace function replen_refresh_weeks(item_ids int[], location_ids int[], week_starts date[]) returns void language plpgsql as $$
     begin
       delete from weekly_sales w
        using unnest(item_ids, location_ids, week_starts) as k(item_id, location_id, week_start)
        where w.item_id = k.item_id and w.location_id = k.location_id and w.week_start = k.week_start;
       insert into weekly_sales (item_id, location_id, week_start, quantity, out_of_stock_days)
       select d.item_id, d.location_id, k.week_start, sum(d.quantity), count(*) filter (where d.out_of_stock)
         from unnest(item_ids, location_ids, week_starts) as k(item_id, location_id, week_start)
         join daily_sales d on d.item_id = k.item_id and d.location_id = k.location_id
                           and d.sales_date between k.week_start and k.week_start + 6
        group by d.item_id, d.location_id, k.week_start;
     end $$`,
    'alter table weekly_sales drop column sold_out_days',
  ]);
}

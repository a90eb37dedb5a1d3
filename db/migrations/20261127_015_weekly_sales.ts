import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * Weekly sales (Monday to Sunday) per item and location, kept equal to daily_sales by statement-level triggers, so
 * that every writer (imports, connectors, seeds, tests) keeps it right without knowing of it. The forecasts, the
 * planner and GET /skus/:sku read weeks: at 100k SKUs a chunk of 500 items then reads 80k weekly rows instead of
 * aggregating 550k daily ones. Each trigger recomputes the weeks its statement touched from daily_sales (set-based,
 * through the transition tables), so an insert, an upsert, an update or a delete all leave the right totals.
 * Bulk loads switch the triggers off and rebuild the table once (db/weekly-sales.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create table weekly_sales (
      item_id integer not null,
      location_id integer not null,
      week_start date not null check (extract(isodow from week_start) = 1),
      quantity numeric(16, 3) not null,
      out_of_stock_days smallint not null,
      primary key (item_id, location_id, week_start)
    )`,
    `comment on table weekly_sales is
      'Sums of daily_sales per item, location and week starting on Monday, maintained by triggers on daily_sales. Derived: never written directly.'`,
    `create function replen_week_start(day date) returns date language sql immutable parallel safe
       return day - (extract(isodow from day)::int - 1)`,
    // Recomputes the given (item, location, week) keys from daily_sales; weeks left without days are deleted.
    `create function replen_refresh_weeks(item_ids int[], location_ids int[], week_starts date[]) returns void language plpgsql as $$
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
    // Transition tables are visible only in the trigger function itself, hence the keys are passed on as arrays.
    `create function replen_daily_sales_changed() returns trigger language plpgsql as $$
     declare
       item_ids int[];
       location_ids int[];
       week_starts date[];
     begin
       if tg_op = 'INSERT' then
         select array_agg(item_id), array_agg(location_id), array_agg(week_start) into item_ids, location_ids, week_starts
           from (select distinct item_id, location_id, replen_week_start(sales_date) as week_start from new_rows) changed;
       elsif tg_op = 'DELETE' then
         select array_agg(item_id), array_agg(location_id), array_agg(week_start) into item_ids, location_ids, week_starts
           from (select distinct item_id, location_id, replen_week_start(sales_date) as week_start from old_rows) changed;
       else
         select array_agg(item_id), array_agg(location_id), array_agg(week_start) into item_ids, location_ids, week_starts
           from (select item_id, location_id, replen_week_start(sales_date) as week_start from new_rows
                 union
                 select item_id, location_id, replen_week_start(sales_date) from old_rows) changed;
       end if;
       if item_ids is not null then perform replen_refresh_weeks(item_ids, location_ids, week_starts); end if;
       return null;
     end $$`,
    `create trigger daily_sales_weeks_insert after insert on daily_sales referencing new table as new_rows
       for each statement execute function replen_daily_sales_changed()`,
    `create trigger daily_sales_weeks_update after update on daily_sales referencing old table as old_rows new table as new_rows
       for each statement execute function replen_daily_sales_changed()`,
    `create trigger daily_sales_weeks_delete after delete on daily_sales referencing old table as old_rows
       for each statement execute function replen_daily_sales_changed()`,
    `create function replen_daily_sales_truncated() returns trigger language plpgsql as $$
     begin
       truncate weekly_sales;
       return null;
     end $$`,
    `create trigger daily_sales_weeks_truncate after truncate on daily_sales for each statement execute function replen_daily_sales_truncated()`,
    `insert into weekly_sales (item_id, location_id, week_start, quantity, out_of_stock_days)
     select item_id, location_id, replen_week_start(sales_date), sum(quantity), count(*) filter (where out_of_stock)
       from daily_sales group by 1, 2, 3`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, [
    'drop trigger daily_sales_weeks_insert on daily_sales',
    'drop trigger daily_sales_weeks_update on daily_sales',
    'drop trigger daily_sales_weeks_delete on daily_sales',
    'drop trigger daily_sales_weeks_truncate on daily_sales',
    'drop function replen_daily_sales_changed(), replen_daily_sales_truncated(), replen_refresh_weeks(int[], int[], date[])',
    'drop table weekly_sales',
    'drop function replen_week_start(date)',
  ]);
}

import type { Knex } from 'knex';

/**
 * Daily sales by date alone: the primary key leads with the item, so "latest sales date" (a run's as-of date) and
 * date-range deletes on re-import would otherwise read the whole table, 100M rows at 100k SKUs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index daily_sales_by_date on daily_sales (sales_date)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index daily_sales_by_date');
}

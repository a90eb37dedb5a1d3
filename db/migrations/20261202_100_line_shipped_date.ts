import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * sales_order_lines.shipped_date: the day the ERP last shipped from the line. A backordered line's promise is scored
 * against the day it really shipped (this date, else the receipt last allocated to it), not the next run's as-of date.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table sales_order_lines add column shipped_date date',
    `comment on column sales_order_lines.shipped_date is 'The day the ERP last shipped from this line (sales-order import shippedDate).'`,
    `comment on column backorder_promises.shipped_on is 'The day the line shipped: the ERP''s shipped date, else the received date of the receipt last allocated to it, else the as-of date of the first run that found it no longer backordered.'`,
    `comment on column backorder_promise_changes.receipt_id is 'For a receipt or shipped change: the receipt last allocated to the line.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table sales_order_lines drop column shipped_date',
    `comment on column backorder_promises.shipped_on is 'As-of date of the first run that found the line no longer backordered.'`,
    'comment on column backorder_promise_changes.receipt_id is null',
  ]);
}

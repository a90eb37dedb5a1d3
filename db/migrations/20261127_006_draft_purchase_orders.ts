import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * Draft purchase orders of a run: the run's recommendation lines grouped per supplier × location, with the supplier's
 * minimum order value, the shortfall against it and the items that could be pulled forward to close it. Lines and
 * pull-forward suggestions are jsonb because they are a snapshot shown to buyers, not rows anyone updates; a line
 * names its recommendation by (run_id, item_id, location_id), which is unique in recommendations.
 * reorder_point becomes nullable: periodic review (R, S) has an order-up-to level but no reorder point.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create table draft_purchase_orders (
      run_id bigint not null references forecast_runs (id) on delete cascade,
      supplier_id integer not null references suppliers (id),
      location_id integer not null references locations (id),
      currency char(3) not null,
      line_count integer not null check (line_count > 0),
      order_value float8 not null,
      minimum_order_value float8,
      shortfall float8 not null default 0,
      lines jsonb not null,
      pull_forward jsonb not null default '[]',
      created_at timestamptz not null default now(),
      primary key (run_id, supplier_id, location_id)
    )`,
    `comment on column draft_purchase_orders.lines is
      'Array of {itemId, sku, quantity, unitCost, value, urgency}, in the order of the recommendations.'`,
    `comment on column draft_purchase_orders.pull_forward is
      'When short of the minimum order value: ranked candidates {itemId, sku, quantity, unitCost, value, daysUntilReorder, cumulativeOrderValue, suggested}; suggested = part of the shortest prefix that closes the shortfall.'`,
    `alter table inventory_policies alter column reorder_point drop not null`,
    `comment on column inventory_policies.reorder_point is 'Continuous review (s, S) only; null under periodic review (R, S).'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table draft_purchase_orders');
  await knex.raw('update inventory_policies set reorder_point = order_up_to where reorder_point is null');
  await knex.raw('alter table inventory_policies alter column reorder_point set not null');
}

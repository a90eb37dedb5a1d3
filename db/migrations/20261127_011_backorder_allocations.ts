import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * Backorder allocation of a run: one row per backordered sales-order line, with the supply allocated to it and its ETA
 * (models/policy/backorder-allocation.ts). A rerun of the run replaces its rows. The pieces are jsonb because they are
 * a snapshot shown to buyers (with the purchase-order numbers as they were), not rows anyone updates.
 * sales_order_lines.eta stays the ERP's: the ETA computed here is shown beside it, never written over it.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create table backorder_allocations (
      run_id bigint not null references forecast_runs (id) on delete cascade,
      sales_order_line_id integer not null references sales_order_lines (id) on delete cascade,
      sales_order_id integer not null references sales_orders (id) on delete cascade,
      item_id integer not null references items (id),
      location_id integer not null references locations (id),
      priority_rank integer not null check (priority_rank >= 1),
      priority_date date not null,
      quantity_backordered numeric(14, 3) not null check (quantity_backordered >= 0),
      quantity_allocated numeric(14, 3) not null check (quantity_allocated >= 0),
      quantity_uncovered numeric(14, 3) not null check (quantity_uncovered >= 0),
      status text not null check (status in ('covered', 'partial', 'uncovered')),
      eta date,
      eta_late_case date,
      uncovered_reason text check (uncovered_reason in ('no-incoming-supply', 'awaiting-approval', 'not-enough-supply')),
      pieces jsonb not null default '[]',
      quantity_awaiting_approval numeric(14, 3) not null default 0 check (quantity_awaiting_approval >= 0),
      primary key (run_id, sales_order_line_id),
      check ((status = 'covered') = (eta is not null)),
      check ((status = 'covered') = (uncovered_reason is null))
    )`,
    `create index backorder_allocations_page on backorder_allocations (run_id, (coalesce(eta, 'infinity'::date)), sales_order_line_id)`,
    `create index backorder_allocations_item on backorder_allocations (run_id, item_id, location_id)`,
    `comment on column backorder_allocations.priority_rank is
      'Order in which the line is served within its item × location: earliest promise (else order date), then order date, then line id.'`,
    `comment on column backorder_allocations.eta is
      'Arrival of the last unit allocated (the promise moved by the supplier''s mean lateness); null unless fully covered.'`,
    `comment on column backorder_allocations.eta_late_case is 'The same with the supplier''s late-case lateness (90th percentile by default).'`,
    `comment on column backorder_allocations.quantity_awaiting_approval is
      'Part of the uncovered quantity the run''s own proposal for the item × location would cover once approved.'`,
    `comment on column backorder_allocations.pieces is
      'Array of {kind (on-hand, purchase-order, approved-recommendation), sourceId, reference, quantity, arrivalDate, lateCaseArrivalDate, basis}.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table backorder_allocations');
}

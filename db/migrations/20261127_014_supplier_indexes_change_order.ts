import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * GET /recommendations filtered by supplier (a buyer's usual view) for each sort: run_id, supplier_id, then the
 * sort expressions of db/repositories/recommendations.ts (as in migration 008) and the id. A page is then one index
 * range. With 008's indexes alone the planner walks the run in sort order and filters: a supplier whose lines sort
 * late (measured: 52,780 rows skipped for one page at 100k SKUs, 45 ms) costs a scan of most of the run.
 *
 * suggested_purchase_orders.change_seq: numbers the changes of orders in commit order (taken from a sequence under
 * a lock held only from that last statement to the commit: see stampPurchaseOrderChanges). The ERP's incremental
 * pull pages by (change_seq, id). It replaces change times that followed commit order only because one global lock
 * was held for the whole of every buyer decision, which serialised them. Existing orders are numbered by change time.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create index recommendations_supplier_urgency on recommendations (run_id, supplier_id,
      (case urgency when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end),
      (coalesce(projected_stockout_date, 'infinity'::date)), id)`,
    `create index recommendations_supplier_value on recommendations (run_id, supplier_id, ((-(quantity * coalesce(unit_cost, 0)))::float8), id)`,
    `create index recommendations_supplier_stockout on recommendations (run_id, supplier_id, (coalesce(projected_stockout_date, 'infinity'::date)), id)`,
    `create sequence suggested_purchase_order_changes`,
    `alter table suggested_purchase_orders add column change_seq bigint not null default nextval('suggested_purchase_order_changes')`,
    `update suggested_purchase_orders po set change_seq = ordered.position
       from (select id, row_number() over (order by updated_at, id) as position from suggested_purchase_orders) ordered
      where ordered.id = po.id`,
    `select setval('suggested_purchase_order_changes', coalesce((select max(change_seq) from suggested_purchase_orders), 0) + 1, false)`,
    `create index suggested_purchase_orders_change on suggested_purchase_orders (change_seq, id)`,
    `comment on column suggested_purchase_orders.change_seq is 'Commit order of the last change: the keyset of the ERP pull and the etag of an order.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index recommendations_supplier_urgency, recommendations_supplier_value, recommendations_supplier_stockout');
  await knex.raw('alter table suggested_purchase_orders drop column change_seq');
  await knex.raw('drop sequence suggested_purchase_order_changes');
}

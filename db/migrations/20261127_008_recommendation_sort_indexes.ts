import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * One index per sort of GET /recommendations, on the very expressions of db/repositories/recommendations.ts
 * (sortKeys), after run_id and closed by id: a page of a run is then read in order from the index and the
 * keyset cursor becomes an index range, instead of sorting all of a run's rows (100k at 100k SKUs) per page.
 * An edit to a sort expression there must be made here too, or the planner stops using the index.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create index recommendations_sort_urgency on recommendations (run_id,
      (case urgency when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end),
      (coalesce(projected_stockout_date, 'infinity'::date)), id)`,
    `create index recommendations_sort_value on recommendations (run_id, ((-(quantity * coalesce(unit_cost, 0)))::float8), id)`,
    `create index recommendations_sort_stockout on recommendations (run_id, (coalesce(projected_stockout_date, 'infinity'::date)), id)`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index recommendations_sort_urgency, recommendations_sort_value, recommendations_sort_stockout');
}

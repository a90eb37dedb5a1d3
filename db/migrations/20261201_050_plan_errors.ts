import type { Knex } from 'knex';

/**
 * The item × locations a run could not plan, with the reason (numbers that blow up, a model that throws): the run
 * goes on without them and lists them. A retried plan chunk replaces its items' rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table plan_errors (
    run_id bigint not null references forecast_runs (id) on delete cascade,
    item_id integer not null references items (id),
    location_id integer not null references locations (id),
    reason text not null,
    primary key (run_id, item_id, location_id)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table plan_errors');
}

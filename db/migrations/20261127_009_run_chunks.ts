import type { Knex } from 'knex';

/**
 * One row per finished forecast chunk of a run: a run's progress counts are summed from these rows, so a retried
 * or duplicated chunk replaces its row instead of counting twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table forecast_run_chunks (
    run_id bigint not null references forecast_runs (id) on delete cascade,
    first_item_id integer not null,
    counts jsonb not null default '{}',
    finished_at timestamptz not null default now(),
    primary key (run_id, first_item_id)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table forecast_run_chunks');
}

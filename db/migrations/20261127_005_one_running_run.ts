import type { Knex } from 'knex';

/** At most one running run per kind: a second start finds the first instead of racing it. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create unique index forecast_runs_one_running on forecast_runs (kind) where status = 'running'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index forecast_runs_one_running');
}

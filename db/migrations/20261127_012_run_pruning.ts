import type { Knex } from 'knex';

/**
 * Housekeeping prunes old runs: their bulk rows go, the buyers' decisions (and their audit events) stay. A run that
 * still holds decisions keeps its row, marked pruned_at, so the next housekeeping skips it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table forecast_runs add column pruned_at timestamptz`);
  await knex.raw(
    `comment on column forecast_runs.pruned_at is 'When housekeeping removed the run''s forecasts, fits, policies, drafts and untouched recommendations; its decided recommendations remain.'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table forecast_runs drop column pruned_at');
}

import type { Knex } from 'knex';

/**
 * What a run needs to be dispatched again after its jobs are lost (Redis restarted empty, the API killed between
 * opening the run and queueing it): the item ranges of its chunks, how many times it was dispatched (each dispatch's
 * jobs get their own ids) and when it last was (progress is the later of that and its last finished chunk).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table forecast_runs
    add column chunk_ranges jsonb,
    add column dispatches integer not null default 0,
    add column dispatched_at timestamptz`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table forecast_runs drop column chunk_ranges, drop column dispatches, drop column dispatched_at');
}

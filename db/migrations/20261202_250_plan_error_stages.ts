import type { Knex } from 'knex';

/**
 * Which stage could not handle an item × location: 'forecast' (a model that throws or numbers a forecast cannot
 * hold: the pair gets no forecast) or 'plan'. Each stage replaces only its own rows of a chunk, so the plan stage's
 * chunks, which cut the items differently, keep the forecast stage's errors.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table plan_errors add column stage text not null default 'plan' check (stage in ('forecast', 'plan'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table plan_errors drop column stage');
}

import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * plan_errors.stage: the forecast stage lists there the item × locations whose model threw (the plan then has no
 * forecast for them), beside the plan stage's own. Each stage replaces only its own rows for a chunk.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `alter table plan_errors add column stage text not null default 'plan' check (stage in ('forecast', 'plan'))`,
    `comment on column plan_errors.stage is 'The stage that failed on the item × location: forecast (its model threw) or plan.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, ['alter table plan_errors drop column stage']);
}

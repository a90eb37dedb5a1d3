import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * recommendations.top_up_of: a sense run that raises the need of a SKU × location whose line of the run a buyer
 * already approved (or the ERP took) adds a top-up line for the extra quantity only, linked to that decided line
 * (src/services/plan-stage.ts). A pair may now hold several lines in one run: its first line (top_up_of null, still
 * one per pair) and a chain of top-ups, each of the line decided before it (unique: one top-up per decided line, so
 * rerunning the sense job cannot propose a second one for the same need). The old unique (run_id, item_id,
 * location_id) becomes unique with top_up_of, nulls not distinct, so that every query by run and pair keeps its index;
 * the index on top_up_of serves the foreign key when untouched lines are deleted on a re-plan.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table recommendations add column top_up_of bigint references recommendations (id) on delete cascade',
    'alter table recommendations drop constraint recommendations_run_id_item_id_location_id_key',
    'create unique index recommendations_run_pair on recommendations (run_id, item_id, location_id, top_up_of) nulls not distinct',
    'create unique index recommendations_top_up_of on recommendations (top_up_of)',
    `comment on column recommendations.top_up_of is 'The decided line (approved or exported) of the same run and SKU × location this line tops up: a sense run raised the need after the decision, and this line orders the extra quantity only. Null: the pair''s own line.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, [
    'delete from recommendations where top_up_of is not null',
    'drop index recommendations_top_up_of',
    'drop index recommendations_run_pair',
    'alter table recommendations add constraint recommendations_run_id_item_id_location_id_key unique (run_id, item_id, location_id)',
    'alter table recommendations drop column top_up_of',
  ]);
}

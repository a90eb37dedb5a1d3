import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * The explanation's figures a list line shows, as columns PostgreSQL generates from it on every insert and update:
 * the list read them with jsonb_to_record on each row of each page (a function scan per row, and a detoasting of the
 * explanation where it is compressed), a third of a page's database time at 100,000 SKUs. Every writer of
 * recommendations keeps them right without knowing of them. The plan date is read with make_date because a text to
 * date cast depends on DateStyle and so may not be used in a generated column; the planner writes it as YYYY-MM-DD.
 * The expressions are the list's: db/repositories/recommendations.ts reads these columns (and abc_class for its filter).
 */
const planDate = `make_date(substr(explanation ->> 'planDate', 1, 4)::int, substr(explanation ->> 'planDate', 6, 2)::int, substr(explanation ->> 'planDate', 9, 2)::int)`;

export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `alter table recommendations
       add column abc_class text generated always as (explanation ->> 'abcClass') stored,
       add column on_hand float8 generated always as ((explanation ->> 'onHand')::float8) stored,
       add column on_order float8 generated always as ((explanation ->> 'onOrder')::float8) stored,
       add column backordered float8 generated always as ((explanation ->> 'backordered')::float8) stored,
       add column days_of_cover float8 generated always as ((explanation ->> 'daysOfCover')::float8) stored,
       add column expected_arrival_date date generated always as (${planDate} + ceil((explanation ->> 'leadTimeMeanDays')::float8)::int) stored`,
    `comment on column recommendations.expected_arrival_date is 'When an order placed on the plan date arrives: the explanation''s planDate + leadTimeMeanDays rounded up (generated).'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table recommendations drop column abc_class, drop column on_hand, drop column on_order, drop column backordered, drop column days_of_cover, drop column expected_arrival_date',
  ]);
}

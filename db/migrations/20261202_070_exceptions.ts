import type { Knex } from 'knex';

/**
 * Exceptions: what a run found odd about an item × location (a demand spike, a forecast that jumped, a week cleaned
 * as an outlier), with the numbers behind it and the action taken. A producer (the plan stage, the sense run) opens
 * one per item × location × kind × subject, refreshes it while the condition holds and resolves it when it no
 * longer does; a buyer acknowledges it. `subject` tells apart two of one kind on one pair (the week of a cleaned
 * outlier); '' otherwise.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table demand_exceptions (
    id bigserial primary key,
    item_id integer not null references items (id) on delete cascade,
    location_id integer not null references locations (id) on delete cascade,
    kind text not null check (kind in ('spike', 'drop', 'bias', 'outlier-cleaned', 'new', 'dying', 'forecast-jump', 'order-value-jump')),
    subject text not null default '',
    run_id bigint references forecast_runs (id) on delete set null,
    details jsonb not null,
    action text not null,
    detected_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    resolved_at timestamptz,
    acknowledged_at timestamptz,
    acknowledged_by text,
    version integer not null default 1
  )`);
  await knex.raw(`create unique index demand_exceptions_one_unresolved on demand_exceptions (item_id, location_id, kind, subject) where resolved_at is null`);
  await knex.raw(`create index demand_exceptions_open on demand_exceptions (id desc) where resolved_at is null and acknowledged_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table demand_exceptions');
}

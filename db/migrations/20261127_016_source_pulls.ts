import type { Knex } from 'knex';

/**
 * What each pull of a source ended with, for GET /sources and the source metrics: one row per source, rewritten by
 * every pull (the last outcome, rows and counts; the last success and the last error each keep their own time),
 * and the running totals Prometheus counters need, kept here so that every process (API, workers, the CLI) adds to
 * the same numbers and a scrape of any API process sees them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table source_pulls (
    source text primary key,
    last_pull_at timestamptz not null,
    last_outcome text not null check (last_outcome in ('succeeded', 'failed')),
    last_rows jsonb not null,
    last_counts jsonb not null,
    last_success_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    failures bigint not null default 0
  )`);
  await knex.raw(`create table source_rows_imported (
    source text not null,
    kind text not null,
    row_count bigint not null,
    primary key (source, kind)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table source_rows_imported');
  await knex.raw('drop table source_pulls');
}

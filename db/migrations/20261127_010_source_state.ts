import type { Knex } from 'knex';

/**
 * What the pull connectors remember between runs: the last committed cursor of each HTTP or SQL source (written in
 * the same transaction as the batch it follows), and the CSV files already imported (by name and content hash, so an
 * identical file dropped again is not imported twice while a changed one is). Credentials are never stored here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table source_cursors (
    source text primary key,
    cursor text not null,
    updated_at timestamptz not null default now()
  )`);
  await knex.raw(`create table source_files (
    source text not null,
    file_name text not null,
    sha256 text not null,
    size_bytes bigint not null,
    report jsonb not null,
    imported_at timestamptz not null default now(),
    primary key (source, file_name, sha256)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table source_files');
  await knex.raw('drop table source_cursors');
}

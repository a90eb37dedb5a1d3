import type { Knex } from 'knex';

/**
 * Beside a source's last error, what viewers may see of it: the failing request or step without the ERP's answer
 * or a database's own words, which stay for admins (GET /sources). Null for errors recorded before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table source_pulls add column last_error_summary text`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table source_pulls drop column last_error_summary`);
}

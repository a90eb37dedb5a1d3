import type { Knex } from 'knex';

/**
 * Key prefixes shown in lists: at most the first 8 characters ('rpl_' and 4 more) of a key replen generated, none of
 * a key set in configuration (REPLEN_ADMIN_KEY), which start-up clears. 12 were stored: half of a 24-character key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table api_keys alter column prefix drop not null`);
  await knex.raw(`update api_keys set prefix = left(prefix, 8)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`update api_keys set prefix = '' where prefix is null`);
  await knex.raw(`alter table api_keys alter column prefix set not null`);
}

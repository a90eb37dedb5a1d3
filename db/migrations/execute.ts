import type { Knex } from 'knex';

/** Runs DDL one statement per query: PGlite's extended protocol takes a single statement at a time. */
export async function execute(knex: Knex, statements: string[]): Promise<void> {
  for (const statement of statements) await knex.raw(statement);
}

import type { Knex } from 'knex';
import { type Migration, migrations as allMigrations } from './migrations';

export function migrationSource(migrations: Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

/** Knex runs the pending batch inside one transaction: a failing migration leaves the schema as it was. */
function migratorConfig(migrations: Migration[]): Knex.MigratorConfig {
  return { migrationSource: migrationSource(migrations), disableTransactions: false };
}

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Knex, migrations: Migration[] = allMigrations): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migratorConfig(migrations))) as [number, string[]];
  return applied;
}

export async function migrationsPending(db: Knex, migrations: Migration[] = allMigrations): Promise<number> {
  const [, pending] = (await db.migrate.list(migratorConfig(migrations))) as [unknown[], unknown[]];
  return pending.length;
}

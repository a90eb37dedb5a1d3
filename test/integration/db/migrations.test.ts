import type { Knex } from 'knex';
import { migrateLatest, migrationSource, migrationsPending } from '../../../db/migrate';
import { type Migration, migrations } from '../../../db/migrations';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

const tables = async (db: Knex): Promise<string[]> =>
  (await db.raw(`select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%' order by 1`)).rows.map(
    (row: { tablename: string }) => row.tablename,
  );

describe.each(testEngines())('migrations on %s', (engine) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
  });
  afterAll(() => testDb.drop());

  it('leaves no migration pending and creates the tables of the schema', async () => {
    expect(await migrationsPending(testDb.db)).toBe(0);
    expect(await tables(testDb.db)).toEqual(expect.arrayContaining([
      'api_keys', 'daily_sales', 'forecast_fits', 'forecast_runs', 'forecasts', 'inventory_policies', 'items', 'locations',
      'on_hand_snapshots', 'purchase_order_lines', 'purchase_orders', 'receipts', 'recommendation_events', 'recommendations',
      'sales_order_lines', 'sales_orders', 'suggested_purchase_order_lines', 'suggested_purchase_orders', 'supplier_items', 'suppliers',
    ]));
  });

  it('rolls every migration down to an empty schema and back up again', async () => {
    await testDb.db.migrate.rollback({ migrationSource: migrationSource(migrations) }, true);
    expect(await tables(testDb.db)).toEqual([]);
    expect(await migrationsPending(testDb.db)).toBe(migrations.length);
    expect(await migrateLatest(testDb.db)).toEqual(migrations.map((migration) => migration.name));
    expect(await migrationsPending(testDb.db)).toBe(0);
  });

  it('rolls back the whole batch when one migration fails, leaving both pending', async () => {
    const creates: Migration = {
      name: '29990101_001_creates_a_table',
      up: async (knex) => void (await knex.raw('create table should_not_survive (id integer)')),
      down: async () => undefined,
    };
    const fails: Migration = {
      name: '29990101_002_fails',
      up: async (knex) => void (await knex.raw('alter table no_such_table add column x integer')),
      down: async () => undefined,
    };
    const withBroken = [...migrations, creates, fails];
    await expect(migrateLatest(testDb.db, withBroken)).rejects.toThrow(/no_such_table/);
    expect(await tables(testDb.db)).not.toContain('should_not_survive');
    expect(await migrationsPending(testDb.db, withBroken)).toBe(2);
  });
});

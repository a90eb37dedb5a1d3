import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SqlSource } from '../../../src/services/connectors/sources';
import { openTestDb, servicesAvailable, type TestDb, testDatabaseUrl, testEngines } from '../../helpers/database';
import { connectorsFor, dailySales, seedCatalogue, storedCursor } from './setup';

const available = servicesAvailable();
const describeWithErp = available.postgres ? describe : describe.skip;
if (!available.postgres) console.warn(`Skipping the SQL connector tests (they need a real second database): ${available.reason}`);

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = testDatabaseUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const QUERY = `select sku, warehouse as location, day as sales_date, qty as quantity, changed_at as updated_at
                 from erp_daily_sales where changed_at > :updated_since order by changed_at;`;

describeWithErp.each(testEngines())('SQL connector (ERP reporting database on PostgreSQL, replen on %s)', (engine) => {
  let testDb: TestDb;
  let source: SqlSource;
  const erpName = `erp_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const erpUrl = (() => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${erpName}`;
    return url.toString();
  })();
  const erp = (sql: string) => admin((client) => client.query(sql), erpUrl);
  const pull = (override: Partial<SqlSource> = {}) => connectorsFor(testDb.db, [{ ...source, ...override }]).pull('reporting');

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
    await admin((client) => client.query(`create database ${erpName}`));
    await erp(`create table erp_daily_sales (sku text, warehouse text, day date, qty numeric(12,3), changed_at timestamptz not null)`);
    // Rows 2-4 share one change time: batches of 2 must not split them, or a resumed pull would skip some.
    await erp(`insert into erp_daily_sales values
      ('SKU-A', 'DC1', '2026-11-20', 1, '2026-11-26 08:00:00.000001+00'),
      ('SKU-A', 'DC1', '2026-11-21', 2, '2026-11-26 08:00:00.000002+00'),
      ('SKU-B', 'DC1', '2026-11-21', 3, '2026-11-26 08:00:00.000002+00'),
      ('SKU-C', 'DC1', '2026-11-21', 4, '2026-11-26 08:00:00.000002+00'),
      ('SKU-A', 'DC2', '2026-11-21', 5.5, '2026-11-26 08:00:03+00')`);
    source = {
      name: 'reporting',
      type: 'sql',
      urlEnv: 'ERP_REPORTING_URL',
      url: erpUrl,
      kind: 'daily-sales',
      query: QUERY,
      cursorColumn: 'updated_at',
      initialCursor: '-infinity',
      batchSize: 2,
      timeoutSeconds: 30,
      schedule: '0 1 * * *',
    };
  });
  afterAll(async () => {
    await testDb.drop();
    await admin((client) => client.query(`drop database if exists ${erpName} with (force)`));
  });

  it('imports every row in batches that never split one change time, keeps microseconds in the cursor, and a re-run changes nothing', async () => {
    const report = await pull();
    // Fetches of 2: [1, 2] commits row 1 and holds row 2; [3, 4] joins it (same time); [5] commits 2-4, then 5 at the end.
    expect(report).toEqual({
      source: 'reporting',
      type: 'sql',
      batches: 3,
      cursor: '2026-11-26 08:00:03+00',
      counts: { daily_sales: { inserted: 5, updated: 0, unchanged: 0 } },
    });
    const imported = await dailySales(testDb.db);
    expect(imported).toEqual({
      'SKU-A/DC1/2026-11-20': 1,
      'SKU-A/DC1/2026-11-21': 2,
      'SKU-A/DC2/2026-11-21': 5.5,
      'SKU-B/DC1/2026-11-21': 3,
      'SKU-C/DC1/2026-11-21': 4,
    });

    const rerun = await pull();
    expect(rerun).toEqual({ source: 'reporting', type: 'sql', batches: 0, cursor: '2026-11-26 08:00:03+00', counts: {} });
    expect(await dailySales(testDb.db)).toEqual(imported);
  });

  it('takes only rows changed after the cursor: one new, one corrected', async () => {
    await erp(`insert into erp_daily_sales values ('SKU-B', 'DC2', '2026-11-22', 9, '2026-11-26 09:00:00+00')`);
    await erp(`update erp_daily_sales set qty = 7, changed_at = '2026-11-26 09:00:00.5+00' where sku = 'SKU-A' and day = '2026-11-20'`);
    const report = await pull();
    expect(report.counts).toEqual({ daily_sales: { inserted: 1, updated: 1, unchanged: 0 } });
    expect(await dailySales(testDb.db)).toMatchObject({ 'SKU-A/DC1/2026-11-20': 7, 'SKU-B/DC2/2026-11-22': 9 });
    expect(await storedCursor(testDb.db, 'reporting')).toBe('2026-11-26 09:00:00.5+00');
  });

  it('keeps the batches committed before a rejected one, stops there, and resumes from them once the ERP is fixed', async () => {
    await erp(`insert into erp_daily_sales values
      ('SKU-C', 'DC2', '2026-11-23', 1, '2026-11-26 10:00:00+00'),
      ('SKU-C', 'DC2', '2026-11-24', 2, '2026-11-26 10:00:01+00'),
      ('NOPE',  'DC2', '2026-11-24', 3, '2026-11-26 10:00:02+00'),
      ('SKU-C', 'DC2', '2026-11-25', 4, '2026-11-26 10:00:02+00')`);
    const error = await pull({ batchSize: 1 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'import_rejected',
      message: 'source reporting batch 3 (updated_since 2026-11-26 10:00:01+00): 1 rows rejected; nothing was imported',
      details: [{ row: 1, field: 'sku', reason: 'unknown SKU NOPE' }],
    });
    expect(await storedCursor(testDb.db, 'reporting')).toBe('2026-11-26 10:00:01+00');
    expect(await dailySales(testDb.db)).toMatchObject({ 'SKU-C/DC2/2026-11-23': 1, 'SKU-C/DC2/2026-11-24': 2 });
    expect((await dailySales(testDb.db))['SKU-C/DC2/2026-11-25']).toBeUndefined();

    await erp(`update erp_daily_sales set sku = 'SKU-B' where sku = 'NOPE'`);
    const resumed = await pull({ batchSize: 1 });
    expect(resumed).toMatchObject({ batches: 1, cursor: '2026-11-26 10:00:02+00', counts: { daily_sales: { inserted: 2, updated: 0, unchanged: 0 } } });
    expect(await dailySales(testDb.db)).toMatchObject({ 'SKU-B/DC2/2026-11-24': 3, 'SKU-C/DC2/2026-11-25': 4 });
  });

  it('names the source when the query fails or lacks the cursor column', async () => {
    await expect(pull({ query: 'select * from no_such_table where x > :updated_since' })).rejects.toThrow(
      'source reporting: the query failed: relation "no_such_table" does not exist',
    );
    await expect(pull({ query: `select 'SKU-A' as sku, now() as changed where now() > :updated_since` })).rejects.toThrow(
      'source reporting: the query returns no column updated_at',
    );
  });
});

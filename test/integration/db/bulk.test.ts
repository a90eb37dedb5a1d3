import type { Knex } from 'knex';
import { copyRows, withKeysSuspended } from '../../../db/bulk';
import type { Db } from '../../../db/connection';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

describe.each(testEngines())('copyRows on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    await db.raw('create table copy_target (id integer primary key, label text, amount numeric, flag boolean, day date, doc jsonb)');
  });
  afterAll(() => testDb.drop());

  it('round-trips text with tabs, newlines and backslashes, nulls, booleans, dates and JSON', async () => {
    const rows = [
      [1, 'tab\there\nnew line\\ and \\N literal', 1.25, true, '2024-02-29', { a: [1, 'x\ty'] }],
      [2, null, null, false, null, null],
      [3, '', 0, null, '2024-01-01', []],
    ];
    expect(await copyRows(db, 'copy_target', ['id', 'label', 'amount', 'flag', 'day', 'doc'], rows)).toBe(3);
    const { rows: stored } = await db.raw('select id, label, amount, flag, day, doc from copy_target order by id');
    expect(stored.map((row: Record<string, unknown>) => Object.values(row))).toEqual(rows);
  });

  it('writes inside the caller’s transaction and disappears with its rollback', async () => {
    await expect(
      db.transaction(async (trx) => {
        await copyRows(trx, 'copy_target', ['id', 'label'], [[10, 'rolled back']]);
        expect((await trx.raw('select count(*) as n from copy_target where id = 10')).rows[0].n).toBe(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await db.raw('select count(*) as n from copy_target where id = 10')).rows[0].n).toBe(0);
  });

  it('rejects a load that breaks a constraint, keeps none of its rows and leaves the connection usable', async () => {
    await expect(copyRows(db, 'copy_target', ['id', 'label'], [[30, 'first'], [30, 'duplicate key']])).rejects.toThrow(/duplicate key|unique/);
    expect((await db.raw('select count(*) as n from copy_target where id = 30')).rows[0].n).toBe(0);
  });

  it('refuses non-finite numbers instead of writing them', async () => {
    await expect(copyRows(db, 'copy_target', ['id', 'amount'], [[20, Number.NaN]])).rejects.toThrow('copyRows: non-finite number NaN');
  });

  it('streams rows from a generator, across COPY pieces, and counts them', async () => {
    function* generated() {
      for (let id = 1000; id < 13345; id++) yield [id, `row ${id}`];
    }
    expect(await copyRows(db, 'copy_target', ['id', 'label'], generated())).toBe(12345);
    const { rows } = await db.raw('select count(*)::int as n, sum(id)::float8 as total from copy_target where id >= 1000');
    // 12,345 consecutive ids from 1000: n · (first + last) / 2.
    expect(rows[0]).toEqual({ n: 12345, total: (12345 * (1000 + 13344)) / 2 });
  });
});

describe.each(testEngines())('withKeysSuspended on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  const constraintsOf = async (on: Db, table: string) =>
    (await on.raw(`select contype from pg_constraint where conrelid = ?::regclass and contype in ('p', 'u', 'f') order by contype`, [table])).rows.map((row: { contype: string }) => row.contype);
  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    await db.raw('create table bulk_parent (id integer primary key)');
    await db.raw('create table bulk_child (parent_id integer not null references bulk_parent (id), day date not null, primary key (parent_id, day))');
    await db.raw('create index bulk_child_by_day on bulk_child (day)');
  });
  afterAll(() => testDb.drop());

  it('loads the referencing table first, frozen after a truncate, then rebuilds its keys and index', async () => {
    await db.transaction((trx) =>
      withKeysSuspended(trx, ['bulk_child', 'bulk_parent'], async () => {
        expect(await constraintsOf(trx, 'bulk_child')).toEqual([]);
        await trx.raw('truncate bulk_child');
        await copyRows(trx, 'bulk_child', ['parent_id', 'day'], [[1, '2026-01-01'], [2, '2026-01-01'], [1, '2026-01-02']], { freeze: true });
        await copyRows(trx, 'bulk_parent', ['id'], [[1], [2]]);
      }),
    );
    expect(await constraintsOf(db, 'bulk_child')).toEqual(['f', 'p']);
    expect((await db.raw(`select indexname from pg_indexes where tablename = 'bulk_child' order by 1`)).rows).toEqual([
      { indexname: 'bulk_child_by_day' },
      { indexname: 'bulk_child_pkey' },
    ]);
    expect((await db.raw('select count(*)::int as n from bulk_child')).rows[0].n).toBe(3);
  });

  it('fails when the keys are rebuilt over rows that break them, and the transaction leaves nothing', async () => {
    await expect(
      db.transaction((trx) => withKeysSuspended(trx, ['bulk_child'], () => copyRows(trx, 'bulk_child', ['parent_id', 'day'], [[9, '2026-02-01']]))),
    ).rejects.toThrow(/foreign key/);
    expect((await db.raw('select count(*)::int as n from bulk_child where parent_id = 9')).rows[0].n).toBe(0);
    expect(await constraintsOf(db, 'bulk_child')).toEqual(['f', 'p']);
  });
});

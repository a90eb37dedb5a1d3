import type { Knex } from 'knex';
import { copyRows } from '../../../db/bulk';
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
});

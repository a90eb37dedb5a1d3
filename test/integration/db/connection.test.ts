import { engineOf } from '../../../db/connection';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';

describe.each(testEngines())('createDb on %s', (engine) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(engine);
  });
  afterAll(() => testDb.drop());

  it('reports which engine it talks to, on the connection and inside a transaction', async () => {
    expect(engineOf(testDb.db)).toBe(engine);
    await testDb.db.transaction(async (trx) => expect(engineOf(trx)).toBe(engine));
  });

  it('returns bigint, numeric, counts and sums as numbers and dates as YYYY-MM-DD strings, arrays included', async () => {
    const { rows } = await testDb.db.raw(
      `select 9007199254740991::int8 as big, 2.5::numeric as exact, count(*) as n, sum(x) as total,
              '2024-02-29'::date as day, array['2024-01-01'::date, null] as days,
              array[1, 2]::int8[] as bigs, array[1.25]::numeric[] as exacts, '{"a": 1}'::jsonb as doc
         from generate_series(1, 3) as x`,
    );
    expect(rows[0]).toEqual({
      big: 9007199254740991,
      exact: 2.5,
      n: 3,
      total: 6,
      day: '2024-02-29',
      days: ['2024-01-01', null],
      bigs: [1, 2],
      exacts: [1.25],
      doc: { a: 1 },
    });
  });
});

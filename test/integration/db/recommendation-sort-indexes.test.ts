import type { Db } from '../../../db/connection';
import { listRecommendations, type RecommendationSort } from '../../../db/repositories/recommendations';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';

/**
 * The indexes of migration 008 repeat the sort expressions of listRecommendations; if one side changes alone the
 * planner silently falls back to sorting every row of a run. With sequential scans and sorts priced out, the
 * planner picks the sort index exactly when its expressions match the query's ORDER BY and cursor.
 */
describe.each(testEngines())('the recommendation sort indexes on %s', (engine) => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await openTestDb(engine);
  });
  afterAll(() => testDb.drop());

  async function planOf(sort: RecommendationSort, after?: Array<string | number>, runId: number | undefined = 1): Promise<string> {
    return testDb.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      await trx.raw('set local enable_sort = off');
      let plan = '';
      const explaining = {
        raw: async (sql: string, bindings: unknown[]) => {
          const { rows } = await trx.raw(`explain ${sql}`, bindings as never);
          plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
          // What the page query answers for no lines: one row of aggregates.
          return { rows: [{ count: 0, data: '[]' }] };
        },
      } as unknown as Db;
      await listRecommendations(explaining, { filters: { runId, status: 'proposed' }, runKind: 'pipeline', sort, after, limit: 50 });
      return plan;
    });
  }

  it.each([
    ['urgency', [0, '2026-12-01', 7]],
    ['value', ['-120', 7]],
    ['stockout', ['2026-12-01', 7]],
  ] as Array<[RecommendationSort, Array<string | number>]>)('a page sorted by %s reads its index, first page and after a cursor', async (sort, after) => {
    expect(await planOf(sort)).toContain(`Index Scan using recommendations_sort_${sort}`);
    const next = await planOf(sort, after);
    expect(next).toContain(`Index Scan using recommendations_sort_${sort}`);
    // The cursor is an index bound, not a filter over the run's rows.
    expect(next).toMatch(/Index Cond: \(\(run_id = .*\) AND \(ROW\(/);
    // Without a run id the latest succeeded run is looked up in the same statement: still an index bound.
    const latest = await planOf(sort, after, undefined);
    expect(latest).toContain(`Index Scan using recommendations_sort_${sort}`);
    expect(latest).toMatch(/Index Cond: \(\(run_id = .*\) AND \(ROW\(/);
  });
});

import type { Db } from '../../../db/connection';
import { listRecommendations } from '../../../db/repositories/recommendations';
import { SEARCH_ID_LIMIT } from '../../../db/repositories/search';
import { listSkus } from '../../../db/repositories/skus';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';

/**
 * The buyers' search reads its matches one of two ways (db/repositories/search.ts): by the ids of at most
 * SEARCH_ID_LIMIT matching items, or, past that, by testing each row of the page query in its sort order. Both must
 * give exactly the lines a plain filter gives, page after page; and each must read an index, not every item.
 */
const ITEMS = 2 * SEARCH_ID_LIMIT + 100;
const urgencies = ['critical', 'high', 'normal', 'low'];
const urgencyOf = (n: number) => urgencies[(n * 7) % 4];
const stockoutOf = (n: number) => (n % 5 === 0 ? null : `2026-12-${String(1 + ((n * 13) % 28)).padStart(2, '0')}`);
const skuOf = (n: number) => `SRCH-${String(n).padStart(5, '0')}`;
const supplierSkuOf = (n: number) => `ACME-${n}`;
const descriptionOf = (n: number) => (n % 3 === 0 ? `Blue widget ${n}` : `Bolt ${n}`);

describe.each(testEngines())('the buyers’ search at more matches than SEARCH_ID_LIMIT on %s', (engine) => {
  let testDb: TestDb;
  let runId: number;

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const db = testDb.db;
    await db.raw(`insert into locations (external_id, code, name) values ('L1', 'DC1', 'One')`);
    await db.raw(`insert into suppliers (external_id, name) values ('S1', 'Acme')`);
    const { rows } = await db.raw(
      `insert into forecast_runs (kind, trigger, status, as_of_date, finished_at) values ('pipeline', 'test', 'succeeded', '2026-11-22', now()) returning id`,
    );
    runId = Number(rows[0].id);
    const numbers = Array.from({ length: ITEMS }, (_, index) => index + 1);
    await db.raw(
      `insert into items (external_id, sku, description, unit_cost, unit_price)
       select 'I' || n, sku, description, 1, 2 from unnest(?::int[], ?::text[], ?::text[]) as t(n, sku, description)`,
      [numbers, numbers.map(skuOf), numbers.map(descriptionOf)],
    );
    await db.raw(
      `insert into supplier_items (external_id, supplier_id, item_id, supplier_sku, unit_cost, moq, order_multiple, promised_lead_time_days)
       select 'SI' || i.id, (select id from suppliers), i.id, t.supplier_sku, 1, 1, 1, 14
         from unnest(?::text[], ?::text[]) as t(sku, supplier_sku) join items i on i.sku = t.sku`,
      [numbers.map(skuOf), numbers.map(supplierSkuOf)],
    );
    await db.raw(
      `insert into recommendations (run_id, item_id, location_id, supplier_id, quantity, suggested_quantity, unit_cost, projected_stockout_date, urgency, explanation)
       select ?, i.id, (select id from locations), (select id from suppliers), 5, 5, 1, t.stockout, t.urgency, '{}'::jsonb
         from unnest(?::text[], ?::text[], ?::date[]) as t(sku, urgency, stockout) join items i on i.sku = t.sku`,
      [runId, numbers.map(skuOf), numbers.map(urgencyOf), numbers.map(stockoutOf) as string[]],
    );
    await db.raw('analyze');
  });
  afterAll(() => testDb.drop());

  /** Every page of the urgency-sorted list for `q`, as SKUs, following the cursors. */
  async function allLines(db: Db, q: string): Promise<string[]> {
    const found: string[] = [];
    let after: Array<string | number> | undefined;
    for (;;) {
      const page = await listRecommendations(db, { filters: { q }, runKind: 'pipeline', sort: 'urgency', after, limit: 500 });
      found.push(...page.recommendations.map((recommendation) => recommendation.sku));
      if (page.recommendations.length < 500 || !page.lastKey) return found;
      after = page.lastKey;
    }
  }

  async function allSkus(db: Db, q: string): Promise<string[]> {
    const found: string[] = [];
    let afterSku: string | undefined;
    for (;;) {
      const page = await listSkus(db, { q, afterSku, limit: 500 });
      found.push(...page.map((sku) => sku.sku));
      if (page.length < 500) return found;
      afterSku = found[found.length - 1];
    }
  }

  /** The lines a plain filter keeps, in the list's urgency order (critical first, then earliest stock-out, then id). */
  function expected(keep: (n: number) => boolean): string[] {
    const rank = (n: number) => urgencies.indexOf(urgencyOf(n));
    return Array.from({ length: ITEMS }, (_, index) => index + 1)
      .filter(keep)
      .sort((a, b) => rank(a) - rank(b) || (stockoutOf(a) ?? '9999').localeCompare(stockoutOf(b) ?? '9999') || a - b)
      .map(skuOf);
  }

  it.each([
    ['srch-001', 'a SKU substring, by ids', (n: number) => skuOf(n).includes('SRCH-001')],
    ['widget', 'a description substring, by ids', (n: number) => descriptionOf(n).includes('widget')],
    ['bolt', 'a description substring matching more than the limit, tested row by row', (n: number) => descriptionOf(n).startsWith('Bolt')],
    ['cme-2', 'a supplier SKU substring', (n: number) => supplierSkuOf(n).includes('CME-2')],
    ['sr', 'a SKU prefix matching every item, tested row by row', () => true],
    ['ac', 'a supplier SKU prefix matching every item', () => true],
    ['S', 'a one-letter SKU prefix', () => true],
    ['rc', 'two letters inside a SKU, not a prefix: nothing', () => false],
  ])('q=%s (%s): the same lines, in order, as a plain filter', async (q, _what, keep) => {
    const lines = await allLines(testDb.db, q);
    expect(lines).toEqual(expected(keep));
    expect(await allSkus(testDb.db, q)).toEqual([...lines].sort());
  });

  /** The plans of the statements a search issues, with sequential scans and sorts priced out. */
  async function plansOf(search: (db: Db) => Promise<unknown>): Promise<string[]> {
    return testDb.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const plans: string[] = [];
      const explaining = {
        raw: async (sql: string, bindings: unknown[]) => {
          const { rows } = await trx.raw(`explain ${sql}`, bindings as never);
          plans.push(rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
          return trx.raw(sql, bindings as never);
        },
      } as unknown as Db;
      await search(explaining);
      return plans;
    });
  }

  it('counts matches on the trigram or prefix indexes, then reads the page by ids or in its sort index', async () => {
    const [count, page] = await plansOf((db) => listRecommendations(db, { filters: { runId, q: 'srch-001' }, runKind: 'pipeline', sort: 'urgency', limit: 50 }));
    expect(count).toContain('items_search_trgm');
    expect(count).toContain('supplier_items_search_trgm');
    expect(page).toMatch(/Index Cond: \(item_id = ANY/);
    const [shortCount, walk] = await plansOf((db) => listRecommendations(db, { filters: { runId, q: 'sr' }, runKind: 'pipeline', sort: 'urgency', limit: 50 }));
    expect(shortCount).toContain('items_sku_lower_prefix');
    expect(shortCount).toContain('supplier_items_sku_lower_prefix');
    expect(walk).toContain('Index Scan using recommendations_sort_urgency');
    expect(walk).toContain('Index Scan using items_pkey');
    const [, skuWalk] = await plansOf((db) => listSkus(db, { q: 'bolt', limit: 50 }));
    expect(skuWalk).toContain('Index Scan using items_sku_key');
  });
});

import {
  findRecommendation,
  listRecommendationsJson,
  type Recommendation,
  type RecommendationFilters,
  type RecommendationSort,
} from '../../../db/repositories/recommendations';
import { insertItem, insertLocation, insertRecommendation, insertRun, insertSupplier } from '../../helpers/catalogue';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';

/**
 * A list page is JSON PostgreSQL writes (row_to_json of the page's lines); one recommendation is still read as
 * columns and made an object in JavaScript (findRecommendation: summaryColumns and toRecommendation, the list's
 * shape before). For the same lines both must give the same JSON text, key for key and byte for byte, on both
 * engines: the awkward values here are the ones the two ways could write differently (escapes in text, trimmed
 * currency, timestamps with microseconds, fractions, nulls, an item's ABC override, notes).
 */
describe.each(testEngines())('a list page as JSON on %s', (engine) => {
  let testDb: TestDb;
  let runId: number;
  let supplierId: number;
  const detailOnly = new Set(['moq', 'orderMultiple', 'supplierSku', 'explanation', 'createdAt']);

  /** The line as the column path makes it: findRecommendation less the detail's own fields, in its key order. */
  async function columnShape(id: number): Promise<Recommendation> {
    const detail = (await findRecommendation(testDb.db, id))!;
    return Object.fromEntries(Object.entries(detail).filter(([key]) => !detailOnly.has(key))) as unknown as Recommendation;
  }

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const db = testDb.db;
    const locationId = await insertLocation(db);
    supplierId = await insertSupplier(db, { name: 'Größe "Ltd" \\ Co.' });
    await db.raw(`update suppliers set currency = 'EUR' where id = ?`, [supplierId]);
    runId = await insertRun(db);
    const awkward = await insertItem(db, { sku: 'J-"1"\\', abcClassOverride: 'A' });
    await db.raw(`update items set description = ? where id = ?`, ['tab\there, "quoted", back\\slash, new\nline, \u0001 \u001f, ü ☃ 😀 \u2028 </script>', awkward]);
    const lines = [
      { itemId: awkward, supplierId, quantity: 1314.125, unitCost: 0.0001, urgency: 'critical' as const, projectedStockoutDate: '2026-12-01',
        explanation: { planDate: '2026-11-23', leadTimeMeanDays: 13.2, onHand: 2.5, onOrder: 0, backordered: 62, daysOfCover: 0.1 + 0.2 } },
      { itemId: await insertItem(db), supplierId: null, quantity: 3, unitCost: null, urgency: 'high' as const, projectedStockoutDate: null,
        explanation: { abcClass: 'C' } },
      { itemId: await insertItem(db), supplierId, quantity: 12345678901.5, unitCost: 9999.9999, urgency: 'normal' as const,
        projectedStockoutDate: '2027-01-31', explanation: { abcClass: 'B', planDate: '2026-11-23', leadTimeMeanDays: 70, onHand: 1e-3, daysOfCover: 1 / 3 } },
      { itemId: await insertItem(db), supplierId, quantity: 0, unitCost: 7.5, urgency: 'low' as const, projectedStockoutDate: '2026-11-24',
        explanation: { abcClass: 'A', onHand: -4, onOrder: 120.75 } },
    ];
    const ids: number[] = [];
    for (const line of lines) ids.push(await insertRecommendation(db, { runId, locationId, ...line }));
    // Decisions at instants with microseconds (truncated to milliseconds either way), one at .999999.
    await db.raw(`update recommendations set status = 'approved', decided_by = 'björn "b"', decided_at = '2026-12-02 10:11:12.345678+00',
                  updated_at = '2026-12-02 10:11:12.999999+00', version = 2 where id = ?`, [ids[0]]);
    await db.raw(`update recommendations set status = 'rejected', decided_by = 'ann', decided_at = '2026-12-02 23:59:59.0005+01',
                  reason_code = 'price-too-high', version = 3 where id = ?`, [ids[2]]);
    await db.raw(`insert into recommendation_events (recommendation_id, actor, action, reason) values (?, 'ann', 'note', 'a'), (?, 'ann', 'note', 'b')`, [ids[0], ids[0]]);
  });
  afterAll(() => testDb.drop());

  const pages: Array<[string, RecommendationFilters, RecommendationSort]> = [
    ['every line by urgency', {}, 'urgency'],
    ['every line by value', {}, 'value'],
    ['every line by stock-out date', {}, 'stockout'],
    ['decided lines, latest first', { status: 'decided' }, 'decided'],
    ['one supplier', { supplierId: -1 }, 'urgency'],
    ['ABC class A (the item override included)', { abcClass: 'A' }, 'value'],
    ['a search', { q: 'J-"1' }, 'urgency'],
  ];

  it.each(pages)('%s: the same JSON text as the lines read as columns', async (_name, given, sort) => {
    const filters = given.supplierId === -1 ? { ...given, supplierId } : given;
    const page = await listRecommendationsJson(testDb.db, { filters, runKind: 'pipeline', sort, limit: 100 });
    const ids = (JSON.parse(page.data) as Recommendation[]).map((line) => line.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(page.count).toBe(ids.length);
    expect(page.data).toBe(JSON.stringify(await Promise.all(ids.map(columnShape))));
    expect(page.firstRunId).toBe(runId);
  });

  it('pages of two follow each other by the last line\'s key, and join into the whole list', async () => {
    const options = { filters: {}, runKind: 'pipeline', sort: 'urgency' as const };
    const whole = JSON.parse((await listRecommendationsJson(testDb.db, { ...options, limit: 100 })).data) as Recommendation[];
    const joined: Recommendation[] = [];
    let after: Array<string | number> | undefined;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const page = await listRecommendationsJson(testDb.db, { ...options, after, limit: 2 });
      joined.push(...(JSON.parse(page.data) as Recommendation[]));
      if (page.count < 2) break;
      after = page.lastKey!;
    }
    expect(joined).toEqual(whole);
    expect(whole).toHaveLength(4);
  });

  it('an empty page is an empty array with no run and no key', async () => {
    expect(await listRecommendationsJson(testDb.db, { filters: { status: 'exported' }, runKind: 'pipeline', sort: 'value', limit: 100 }))
      .toEqual({ count: 0, firstRunId: null, data: '[]', lastKey: null });
  });

  it('a number JavaScript writes without an exponent and PostgreSQL with one is the same number', async () => {
    // 1e15 ≤ |x| < 1e21 and 1e-7 ≤ |x| < 1e-4: float8out writes 1e+15, JSON.stringify 1000000000000000 (both valid JSON).
    const db = testDb.db;
    const itemId = await insertItem(db);
    const id = await insertRecommendation(db, { runId, locationId: (await db.raw('select min(id) as id from locations')).rows[0].id, supplierId,
      itemId, quantity: 99999999999, unitCost: 99999.9999, explanation: { abcClass: 'B', onHand: 0.00001234, daysOfCover: 5e-7 } });
    const page = await listRecommendationsJson(db, { filters: { supplierId }, runKind: 'pipeline', sort: 'value', limit: 1 });
    const [line] = JSON.parse(page.data) as Recommendation[];
    expect(line.id).toBe(id);
    expect(line).toEqual(await columnShape(id));
    expect(line.lineValue).toBeGreaterThan(1e15);
    await db.raw('delete from recommendations where id = ?', [id]);
  });
});

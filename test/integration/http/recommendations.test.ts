import request from 'supertest';
import {
  bulkApproveResponse,
  recommendationDecisionResponse,
  recommendationDetailResponse,
  recommendationPageResponse,
} from '../../../src/http/schemas';
import { testEngines } from '../../helpers/database';
import {
  insertItem,
  insertLocation,
  insertRecommendation,
  insertRun,
  insertSourcedItem,
  insertSupplier,
  expectShape,
  openTestApp,
  type TestApp,
} from '../../helpers/catalogue';

describe.each(testEngines())('recommendations over HTTP on %s', (engine) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const auth = (role: keyof TestApp['keys']) => `Bearer ${t.keys[role]}`;
  const get = (url: string) => request(t.app).get(url).set('Authorization', auth('viewer'));
  const patch = (id: number, body: unknown, etag?: string, role: keyof TestApp['keys'] = 'buyer') => {
    const call = request(t.app).patch(`/recommendations/${id}`).set('Authorization', auth(role));
    return (etag ? call.set('If-Match', etag) : call).send(body as object);
  };

  beforeAll(async () => {
    t = await openTestApp(engine);
    const db = t.db;
    ids.l1 = await insertLocation(db);
    ids.l2 = await insertLocation(db);
    ids.s1 = await insertSupplier(db);
    ids.s2 = await insertSupplier(db);
    ids.oldRun = await insertRun(db);
    ids.run = await insertRun(db);
    await insertRun(db, { status: 'failed' });
    const item = () => insertSourcedItem(db, { supplierId: ids.s1, orderMultiple: 12, moq: 48 });
    const base = { runId: ids.run };
    ids.r1 = await insertRecommendation(db, { ...base, itemId: await item(), locationId: ids.l1, supplierId: ids.s1, urgency: 'critical',
      projectedStockoutDate: '2026-12-01', quantity: 10, unitCost: 5, explanation: { abcClass: 'A' } });
    ids.r2 = await insertRecommendation(db, { ...base, itemId: await item(), locationId: ids.l1, supplierId: ids.s1, urgency: 'high',
      projectedStockoutDate: '2026-11-30', quantity: 100, unitCost: 2, explanation: { abcClass: 'B' } });
    ids.r3 = await insertRecommendation(db, { ...base, itemId: await item(), locationId: ids.l2, supplierId: ids.s1, urgency: 'normal',
      quantity: 1, unitCost: 1000, explanation: { abcClass: 'C' } });
    ids.r4 = await insertRecommendation(db, { ...base, itemId: await item(), locationId: ids.l1, supplierId: ids.s2, urgency: 'critical',
      projectedStockoutDate: '2026-11-28', quantity: 5, unitCost: 1, explanation: { abcClass: 'B' } });
    ids.r5 = await insertRecommendation(db, { ...base, itemId: await item(), locationId: ids.l2, supplierId: ids.s2, urgency: 'low',
      quantity: 3, unitCost: null, status: 'rejected', explanation: { abcClass: 'C' } });
    ids.old = await insertRecommendation(db, { runId: ids.oldRun, itemId: await insertItem(db), locationId: ids.l1, supplierId: ids.s1 });
  });
  afterAll(() => t.testDb.drop());

  const idsOf = (body: { data: Array<{ id: number }> }) => body.data.map((row) => row.id);

  it('lists the latest succeeded run by default and another run with ?runId=', async () => {
    const latest = await get('/recommendations').expect(200);
    expect(latest.body.runId).toBe(ids.run);
    expectShape(recommendationPageResponse, latest.body);
    // The page's JSON comes from the database as text: the answer is exactly what res.json of its content writes.
    expect(latest.text).toBe(JSON.stringify(latest.body));
    expect(latest.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(latest.headers.etag).toMatch(/^W\/"/);
    expect(idsOf(latest.body).sort()).toEqual([ids.r1, ids.r2, ids.r3, ids.r4, ids.r5].sort());
    const old = await get(`/recommendations?runId=${ids.oldRun}`).expect(200);
    expect(idsOf(old.body)).toEqual([ids.old]);
  });

  it('names the run of a page that no recommendation matches', async () => {
    // The run is read with the page; a page with no rows looks it up on its own.
    expect((await get('/recommendations?status=exported').expect(200)).body).toEqual({ runId: ids.run, data: [], nextCursor: null });
    expect((await get(`/recommendations?runId=${ids.oldRun}&status=exported`).expect(200)).body).toEqual({ runId: ids.oldRun, data: [], nextCursor: null });
  });

  it('sorts by urgency (then stock-out date), by value (largest first) and by stock-out date (none last)', async () => {
    expect(idsOf((await get('/recommendations?sort=urgency').expect(200)).body)).toEqual([ids.r4, ids.r1, ids.r2, ids.r3, ids.r5]);
    expect(idsOf((await get('/recommendations?sort=value').expect(200)).body)).toEqual([ids.r3, ids.r2, ids.r1, ids.r4, ids.r5]);
    expect(idsOf((await get('/recommendations?sort=stockout').expect(200)).body)).toEqual([ids.r4, ids.r2, ids.r1, ids.r3, ids.r5]);
  });

  it('filters by supplier, location, urgency, status and ABC class', async () => {
    expect(idsOf((await get(`/recommendations?supplierId=${ids.s1}`)).body)).toEqual([ids.r1, ids.r2, ids.r3]);
    expect(idsOf((await get(`/recommendations?locationId=${ids.l2}`)).body)).toEqual([ids.r3, ids.r5]);
    expect(idsOf((await get('/recommendations?urgency=critical')).body)).toEqual([ids.r4, ids.r1]);
    expect(idsOf((await get('/recommendations?status=rejected')).body)).toEqual([ids.r5]);
    expect(idsOf((await get('/recommendations?abcClass=B')).body)).toEqual([ids.r4, ids.r2]);
    expect(idsOf((await get(`/recommendations?supplierId=${ids.s2}&locationId=${ids.l1}`)).body)).toEqual([ids.r4]);
  });

  it.each(['urgency', 'value', 'stockout'])('pages through every row once with an opaque cursor, sorted by %s', async (sort) => {
    const all = idsOf((await get(`/recommendations?sort=${sort}`)).body);
    const paged: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response: request.Response = await get(`/recommendations?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      paged.push(...idsOf(response.body));
      cursor = response.body.nextCursor;
      if (!cursor) break;
      expect(cursor).not.toMatch(/[{}"]/);
    }
    expect(paged).toEqual(all);
  });

  it('rejects a cursor of another sort order, a forged cursor, a limit above 200 and unknown parameters with 400', async () => {
    const first = await get('/recommendations?sort=value&limit=1').expect(200);
    const otherSort = await get(`/recommendations?sort=urgency&cursor=${first.body.nextCursor}`).expect(400);
    expect(otherSort.body.error.code).toBe('validation_failed');
    const forged = Buffer.from(JSON.stringify(['recommendations:value', "1; drop table items", 1])).toString('base64url');
    await get(`/recommendations?sort=value&cursor=${forged}`).expect(400);
    await get('/recommendations?cursor=@@@').expect(400);
    const impossibleDate = Buffer.from(JSON.stringify(['recommendations:stockout', '2026-13-45', 1])).toString('base64url');
    await get(`/recommendations?sort=stockout&cursor=${impossibleDate}`).expect(400);
    await get('/recommendations?limit=201').expect(400);
    await get('/recommendations?limit=0').expect(400);
    await get('/recommendations?colour=red').expect(400);
    await get('/recommendations?urgency=panic').expect(400);
    await get('/recommendations?abcClass=D').expect(400);
  });

  it('shows one recommendation with its explanation and a weak ETag of id and version', async () => {
    const response = await get(`/recommendations/${ids.r1}`).expect(200);
    expect(response.headers.etag).toBe(`W/"${ids.r1}-1"`);
    expectShape(recommendationDetailResponse, response.body);
    expect(response.body).toMatchObject({ id: ids.r1, version: 1, explanation: { abcClass: 'A' }, orderMultiple: 12, moq: 48, events: [] });
    await get('/recommendations/999999').expect(404);
    await get('/recommendations/abc').expect(400);
  });

  it('answers 304 to a GET whose If-None-Match holds the current ETag', async () => {
    await get(`/recommendations/${ids.r2}`).set('If-None-Match', `W/"${ids.r2}-1"`).expect(304);
    await get(`/recommendations/${ids.r2}`).set('If-None-Match', `W/"${ids.r2}-0"`).expect(200);
  });

  describe('decisions', () => {
    let itemCounter = 0;
    async function freshRecommendation(overrides: { supplierId?: number | null; status?: 'proposed' | 'exported'; quantity?: number } = {}) {
      itemCounter++;
      const itemId = await insertSourcedItem(t.db, { supplierId: ids.s2, orderMultiple: 12, moq: 48, sku: `DEC-${itemCounter}` });
      return insertRecommendation(t.db, {
        runId: ids.run,
        itemId,
        locationId: ids.l2,
        supplierId: overrides.supplierId === undefined ? ids.s2 : overrides.supplierId,
        status: overrides.status,
        quantity: overrides.quantity ?? 48,
      });
    }

    it('requires If-Match (428), and answers 412 to a stale version or another recommendation\'s ETag', async () => {
      const id = await freshRecommendation();
      expect((await patch(id, { action: 'approve' }).expect(428)).body.error.code).toBe('precondition_required');
      expect((await patch(id, { action: 'approve' }, `W/"${id}-7"`).expect(412)).body.error.code).toBe('precondition_failed');
      await patch(id, { action: 'approve' }, `W/"${id + 1}-1"`).expect(412);
      await patch(id, { action: 'approve' }, 'garbage').expect(412);
      expect((await get(`/recommendations/${id}`)).body.status).toBe('proposed');
    });

    it('approves with the ETag, bumps the version and records who did it in the history', async () => {
      const id = await freshRecommendation();
      const response = await patch(id, { action: 'approve' }, `W/"${id}-1"`).expect(200);
      expect(response.headers.etag).toBe(`W/"${id}-2"`);
      expectShape(recommendationDecisionResponse, response.body);
      expect(response.body).toMatchObject({ status: 'approved', version: 2, decidedBy: 'buyer', warnings: [] });
      expect(response.body.events).toEqual([
        expect.objectContaining({
          actor: 'buyer',
          action: 'approve',
          before: { status: 'proposed', quantity: 48, reasonCode: null, version: 1 },
          after: { status: 'approved', quantity: 48, reasonCode: null, version: 2 },
        }),
      ]);
    });

    it('rejects with a reason code, kept on the recommendation and in the event', async () => {
      const id = await freshRecommendation();
      const response = await patch(id, { action: 'reject', reasonCode: 'overstock', note: 'shelf full' }, `W/"${id}-1"`).expect(200);
      expect(response.body).toMatchObject({ status: 'rejected', reasonCode: 'overstock' });
      expect(response.body.events[0]).toMatchObject({ action: 'reject', reason: 'overstock: shelf full' });
    });

    it('rounds a set quantity up to the order multiple and warns when it is below the MOQ', async () => {
      const id = await freshRecommendation();
      const rounded = await patch(id, { action: 'set-quantity', quantity: 30, reason: 'trial order' }, `W/"${id}-1"`).expect(200);
      expect(rounded.body).toMatchObject({ quantity: 36, status: 'proposed', version: 2 });
      expect(rounded.body.warnings).toEqual([
        'quantity rounded up from 30 to 36, a multiple of 12',
        "quantity 36 is below the supplier's minimum order quantity 48",
      ]);
      const exact = await patch(id, { action: 'set-quantity', quantity: 60 }, `W/"${id}-2"`).expect(200);
      expect(exact.body).toMatchObject({ quantity: 60, version: 3, warnings: [] });
      expect(exact.body.events.map((event: { after: { quantity: number } }) => event.after.quantity)).toEqual([36, 60]);
    });

    it('lets exactly one of two buyers holding the same ETag win; the other gets 412', async () => {
      const id = await freshRecommendation();
      const [first, second] = await Promise.all([
        patch(id, { action: 'approve' }, `W/"${id}-1"`),
        patch(id, { action: 'reject', reasonCode: 'price' }, `W/"${id}-1"`),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 412]);
      const shown = await get(`/recommendations/${id}`).expect(200);
      expect(shown.body.version).toBe(2);
      expect(shown.body.events).toHaveLength(1);
      expect(shown.body.status).toBe(first.status === 200 ? 'approved' : 'rejected');
    });

    it('refuses to change an exported recommendation (409) and to approve one without a supplier (422)', async () => {
      const exported = await freshRecommendation({ status: 'exported' });
      expect((await patch(exported, { action: 'approve' }, `W/"${exported}-1"`).expect(409)).body.error.code).toBe('conflict');
      const unsourced = await freshRecommendation({ supplierId: null });
      await patch(unsourced, { action: 'approve' }, `W/"${unsourced}-1"`).expect(422);
    });

    it.each([
      ['no body', undefined],
      ['an unknown action', { action: 'delete' }],
      ['a reject without reason', { action: 'reject' }],
      ['an unknown reason code', { action: 'reject', reasonCode: 'because' }],
      ['a negative quantity', { action: 'set-quantity', quantity: -1 }],
      ['a zero quantity', { action: 'set-quantity', quantity: 0 }],
      ['a quantity as text', { action: 'set-quantity', quantity: '12' }],
      ['an extra field', { action: 'approve', quantity: 5 }],
    ])('answers 400 to %s', async (_name, body) => {
      const id = await freshRecommendation();
      const response = await patch(id, body, `W/"${id}-1"`).expect(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', details: expect.any(Array) });
      expect(JSON.stringify(response.body)).not.toMatch(/\.ts:\d+/);
    });

    it('bulk-approves every proposed line of one supplier × location draft order in one call', async () => {
      const location = await insertLocation(t.db);
      const supplier = await insertSupplier(t.db);
      const line = async (status: 'proposed' | 'rejected', quantity = 24) =>
        insertRecommendation(t.db, { runId: ids.run, itemId: await insertSourcedItem(t.db, { supplierId: supplier }), locationId: location,
          supplierId: supplier, status, quantity });
      const proposed = [await line('proposed'), await line('proposed')];
      const rejected = await line('rejected');
      const nothingToOrder = await line('proposed', 0);
      const response = await request(t.app)
        .post('/recommendations/approve')
        .set('Authorization', auth('buyer'))
        .send({ supplierId: supplier, locationId: location })
        .expect(200);
      expect(response.body).toEqual({ runId: ids.run, approvedIds: proposed });
      expectShape(bulkApproveResponse, response.body);
      for (const id of proposed) {
        const shown = (await get(`/recommendations/${id}`)).body;
        expect(shown).toMatchObject({ status: 'approved', version: 2 });
        expect(shown.events).toEqual([expect.objectContaining({ action: 'approve', actor: 'buyer' })]);
      }
      expect((await get(`/recommendations/${rejected}`)).body.status).toBe('rejected');
      expect((await get(`/recommendations/${nothingToOrder}`)).body.status).toBe('proposed');
    });

    it.each([
      ['no body', undefined],
      ['a missing location', { supplierId: 1 }],
      ['an id as a word', { supplierId: 'one', locationId: 1 }],
      ['an extra field', { supplierId: 1, locationId: 1, all: true }],
    ])('answers 400 to a bulk approval with %s', async (_name, body) => {
      await request(t.app).post('/recommendations/approve').set('Authorization', auth('buyer')).send(body as object).expect(400);
    });
  });
});

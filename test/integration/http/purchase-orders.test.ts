import request from 'supertest';
import { suggestedPurchaseOrderPageResponse, suggestedPurchaseOrderResponse } from '../../../src/http/schemas';
import { streamChangedPurchaseOrders } from '../../../db/repositories/suggested-purchase-orders';
import { testEngines } from '../../helpers/database';
import {
  insertLocation,
  insertRecommendation,
  insertRun,
  insertSourcedItem,
  insertSupplier,
  expectShape,
  openTestApp,
  type Role,
  type TestApp,
} from '../../helpers/catalogue';

describe.each(testEngines())('suggested purchase orders over HTTP on %s', (engine) => {
  let t: TestApp;
  let runId: number;
  const auth = (role: Role) => `Bearer ${t.keys[role]}`;
  const pull = (query = '') => request(t.app).get(`/purchase-orders/suggested${query}`).set('Authorization', auth('erp'));
  /** Acknowledges order `id` as pulled with `etag` (sent in If-Match when given). */
  const ack = (id: number, etag: string | undefined, body: unknown, key?: string) => {
    let call = request(t.app).post(`/purchase-orders/suggested/${id}/ack`).set('Authorization', auth('erp'));
    if (etag) call = call.set('If-Match', etag);
    return (key ? call.set('Idempotency-Key', key) : call).send(body as object);
  };
  const decide = async (id: number, body: object) => {
    const current = await request(t.app).get(`/recommendations/${id}`).set('Authorization', auth('buyer')).expect(200);
    return request(t.app).patch(`/recommendations/${id}`).set('Authorization', auth('buyer')).set('If-Match', current.headers.etag).send(body).expect(200);
  };

  /** A supplier × location with proposed recommendations (quantity, unit cost, need-by) ready to approve. */
  async function draftOrder(lines: Array<{ quantity: number; unitCost: number; needByDate: string }>) {
    const supplierId = await insertSupplier(t.db);
    const locationId = await insertLocation(t.db);
    const recommendationIds: number[] = [];
    for (const line of lines) {
      const itemId = await insertSourcedItem(t.db, { supplierId });
      recommendationIds.push(await insertRecommendation(t.db, { runId, itemId, locationId, supplierId, ...line }));
    }
    return { supplierId, locationId, recommendationIds };
  }

  // Response bodies are untyped JSON; the assertions check their shape.
  const orderOf = (body: { data: any[] }, draft: { supplierId: number; locationId: number }) =>
    body.data.filter((order) => order.supplierId === draft.supplierId && order.locationId === draft.locationId);

  beforeAll(async () => {
    t = await openTestApp(engine);
    runId = await insertRun(t.db);
  });
  afterAll(() => t.testDb.drop());

  it('groups approved lines into one order per supplier × location with quantities, costs, total and earliest need-by date', async () => {
    const draft = await draftOrder([
      { quantity: 10, unitCost: 2.5, needByDate: '2026-12-20' },
      { quantity: 3, unitCost: 0.1, needByDate: '2026-12-05' },
      { quantity: 7, unitCost: 1, needByDate: '2026-12-01' },
    ]);
    await decide(draft.recommendationIds[0], { action: 'approve' });
    await decide(draft.recommendationIds[1], { action: 'approve' });
    const pulled = await pull().expect(200);
    expectShape(suggestedPurchaseOrderPageResponse, pulled.body);
    const orders = orderOf(pulled.body, draft);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'pending', erpPoNumber: null, total: 25.3, needByDate: '2026-12-05' });
    expect(orders[0].lines.map((line: { recommendationId: number; quantity: number; unitCost: number }) => [line.recommendationId, line.quantity, line.unitCost]))
      .toEqual([[draft.recommendationIds[0], 10, 2.5], [draft.recommendationIds[1], 3, 0.1]]);
  });

  it('pulls incrementally: a pull from the last cursor returns only orders changed since', async () => {
    const first = await pull('?limit=200').expect(200);
    const cursor = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const nothingNew = await pull(`?cursor=${cursor}`).expect(200);
    expect(nothingNew.body).toEqual({ data: [], nextCursor: cursor, hasMore: false });

    const draft = await draftOrder([{ quantity: 4, unitCost: 5, needByDate: '2026-12-09' }, { quantity: 6, unitCost: 5, needByDate: '2026-12-09' }]);
    await decide(draft.recommendationIds[0], { action: 'approve' });
    const changed = await pull(`?cursor=${cursor}`).expect(200);
    expect(changed.body.data.map((order: { supplierId: number }) => order.supplierId)).toEqual([draft.supplierId]);

    // A line added to an order the ERP already saw brings the order back in the next pull.
    await decide(draft.recommendationIds[1], { action: 'approve' });
    const again = await pull(`?cursor=${changed.body.nextCursor}`).expect(200);
    expect(again.body.data).toHaveLength(1);
    expect(again.body.data[0].lines).toHaveLength(2);
  });

  it('pages with limit and hasMore, every order once', async () => {
    const all = (await pull('?limit=200').expect(200)).body.data.map((order: { id: number }) => order.id);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const paged: number[] = [];
    let cursor = '';
    for (let page = 0; page < all.length + 1; page++) {
      const response: request.Response = await pull(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      paged.push(...response.body.data.map((order: { id: number }) => order.id));
      cursor = response.body.nextCursor;
      if (!response.body.hasMore) break;
    }
    expect(paged).toEqual(all);
  });

  it('exports CSV when asked with Accept: text/csv, one row per line', async () => {
    const draft = await draftOrder([{ quantity: 5, unitCost: 3, needByDate: '2026-12-11' }]);
    await decide(draft.recommendationIds[0], { action: 'approve' });
    const response = await pull('?limit=200').set('Accept', 'text/csv').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['x-next-cursor']).toEqual(expect.any(String));
    const rows = response.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'purchase_order_id,status,supplier_id,supplier_name,currency,location_code,line_id,recommendation_id,sku,supplier_sku,quantity,unit_cost,line_value,need_by_date,erp_po_number,etag',
    );
    const row = rows.find((line) => line.split(',')[7] === String(draft.recommendationIds[0]))!;
    expect(row.split(',').slice(10, 14)).toEqual(['5', '3', '15', '2026-12-11']);
  });

  it('streams the same orders, lines and totals whether lines are read in one batch or order by order', async () => {
    const drafts = [
      await draftOrder([{ quantity: 2, unitCost: 1.5, needByDate: '2026-12-12' }, { quantity: 4, unitCost: 0.1, needByDate: '2026-12-03' }]),
      await draftOrder([{ quantity: 6, unitCost: 2, needByDate: '2026-12-04' }]),
    ];
    for (const draft of drafts) for (const id of draft.recommendationIds) await decide(id, { action: 'approve' });
    const collect = async (linesPerBatch: number) => {
      const orders = [];
      for await (const order of (await streamChangedPurchaseOrders(t.db, { limit: 200, linesPerBatch })).orders) orders.push(order);
      return orders;
    };
    const oneBatch = await collect(100_000);
    const orderByOrder = await collect(1);
    expect(orderByOrder).toEqual(oneBatch);
    expect(oneBatch.flatMap((order) => order.lines).length).toBeGreaterThanOrEqual(3);
    // The HTTP answer, written order by order, is one JSON document with the same orders in the same order.
    const pulled = await pull('?limit=200').expect(200);
    expectShape(suggestedPurchaseOrderPageResponse, pulled.body);
    expect(pulled.body.data.map((order: { id: number; total: number }) => [order.id, order.total])).toEqual(oneBatch.map((order) => [order.id, order.total]));
    expect(orderOf(pulled.body, drafts[0])[0]).toMatchObject({ total: 3.4, needByDate: '2026-12-03' });
  });

  it('carries a quantity changed after approval into the order line', async () => {
    const draft = await draftOrder([{ quantity: 5, unitCost: 2, needByDate: '2026-12-09' }]);
    await decide(draft.recommendationIds[0], { action: 'approve' });
    await decide(draft.recommendationIds[0], { action: 'set-quantity', quantity: 9 });
    const [order] = orderOf((await pull('?limit=200')).body, draft);
    expect(order).toMatchObject({ status: 'pending', total: 18, lines: [expect.objectContaining({ quantity: 9 })] });
  });

  it('removes a line when its recommendation is rejected and cancels an order left empty', async () => {
    const draft = await draftOrder([{ quantity: 1, unitCost: 1, needByDate: '2026-12-09' }, { quantity: 2, unitCost: 1, needByDate: '2026-12-09' }]);
    await decide(draft.recommendationIds[0], { action: 'approve' });
    await decide(draft.recommendationIds[1], { action: 'approve' });
    await decide(draft.recommendationIds[0], { action: 'reject', reasonCode: 'overstock' });
    let [order] = orderOf((await pull('?limit=200')).body, draft);
    expect(order.lines.map((line: { recommendationId: number }) => line.recommendationId)).toEqual([draft.recommendationIds[1]]);
    await decide(draft.recommendationIds[1], { action: 'reject', reasonCode: 'overstock' });
    [order] = orderOf((await pull('?limit=200')).body, draft);
    expect(order).toMatchObject({ status: 'cancelled', lines: [] });
  });

  describe('acknowledgement', () => {
    async function approvedOrder() {
      const draft = await draftOrder([{ quantity: 8, unitCost: 2, needByDate: '2026-12-12' }]);
      await request(t.app).post('/recommendations/approve').set('Authorization', auth('buyer'))
        .send({ supplierId: draft.supplierId, locationId: draft.locationId }).expect(200);
      const [order] = orderOf((await pull('?limit=200')).body, draft);
      return { ...draft, orderId: order.id as number, etag: order.etag as string };
    }

    it('marks the order acknowledged and its recommendations exported, and a retry with the same key answers the same', async () => {
      const { orderId, etag, recommendationIds } = await approvedOrder();
      const first = await ack(orderId, etag, { erpPoNumber: 'PO-1001' }, 'ack-key-0001').expect(200);
      expect(first.body).toMatchObject({ id: orderId, status: 'acknowledged', erpPoNumber: 'PO-1001' });
      expectShape(suggestedPurchaseOrderResponse, first.body);
      const retry = await ack(orderId, etag, { erpPoNumber: 'PO-1001' }, 'ack-key-0001').expect(200);
      expect(retry.body).toEqual(first.body);
      const recommendation = await request(t.app).get(`/recommendations/${recommendationIds[0]}`).set('Authorization', auth('viewer')).expect(200);
      expect(recommendation.body.status).toBe('exported');
      expect(recommendation.body.events.map((event: { action: string; actor: string }) => [event.action, event.actor])).toEqual([
        ['approve', 'buyer'],
        ['export', 'erp'],
      ]);
    });

    it('answers two simultaneous retries of one acknowledgement alike, exporting each line once', async () => {
      const { orderId, etag, recommendationIds } = await approvedOrder();
      const [first, second] = await Promise.all([
        ack(orderId, etag, { erpPoNumber: 'PO-1501' }, 'ack-key-0015'),
        ack(orderId, etag, { erpPoNumber: 'PO-1501' }, 'ack-key-0015'),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body).toEqual(first.body);
      const recommendation = await request(t.app).get(`/recommendations/${recommendationIds[0]}`).set('Authorization', auth('viewer'));
      expect(recommendation.body.events.filter((event: { action: string }) => event.action === 'export')).toHaveLength(1);
    });

    it('answers 409 to a second acknowledgement with another PO number, with either key', async () => {
      const { orderId, etag } = await approvedOrder();
      await ack(orderId, etag, { erpPoNumber: 'PO-2001' }, 'ack-key-0002').expect(200);
      const sameKey = await ack(orderId, etag, { erpPoNumber: 'PO-2002' }, 'ack-key-0002').expect(409);
      expect(sameKey.body.error.code).toBe('conflict');
      const otherKey = await ack(orderId, etag, { erpPoNumber: 'PO-2002' }, 'ack-key-0003').expect(409);
      expect(otherKey.body.error.details).toEqual({ erpPoNumber: 'PO-2001' });
    });

    it('answers 409 when one Idempotency-Key is reused for another order', async () => {
      const first = await approvedOrder();
      const second = await approvedOrder();
      await ack(first.orderId, first.etag, { erpPoNumber: 'PO-3001' }, 'ack-key-0004').expect(200);
      await ack(second.orderId, second.etag, { erpPoNumber: 'PO-3002' }, 'ack-key-0004').expect(409);
      expect((await pull('?limit=200')).body.data.find((order: { id: number }) => order.id === second.orderId).status).toBe('pending');
    });

    it('starts a new order for the supplier × location once the last one was acknowledged, and refuses edits to exported lines', async () => {
      const draft = await approvedOrder();
      await ack(draft.orderId, draft.etag, { erpPoNumber: 'PO-4001' }, 'ack-key-0005').expect(200);
      const itemId = await insertSourcedItem(t.db, { supplierId: draft.supplierId });
      const later = await insertRecommendation(t.db, { runId, itemId, locationId: draft.locationId, supplierId: draft.supplierId });
      await decide(later, { action: 'approve' });
      const orders = orderOf((await pull('?limit=200')).body, draft);
      expect(orders.map((order: { status: string }) => order.status)).toEqual(['acknowledged', 'pending']);
      const exported = await request(t.app).get(`/recommendations/${draft.recommendationIds[0]}`).set('Authorization', auth('buyer'));
      await request(t.app).patch(`/recommendations/${draft.recommendationIds[0]}`).set('Authorization', auth('buyer'))
        .set('If-Match', exported.headers.etag).send({ action: 'reject', reasonCode: 'price' }).expect(409);
    });

    it('refuses (412) an acknowledgement of an order that gained a line after the pull, and takes it with the new etag', async () => {
      const draft = await draftOrder([{ quantity: 2, unitCost: 3, needByDate: '2026-12-12' }, { quantity: 4, unitCost: 3, needByDate: '2026-12-12' }]);
      await decide(draft.recommendationIds[0], { action: 'approve' });
      const [pulled] = orderOf((await pull('?limit=200')).body, draft);
      expect(pulled.etag).toMatch(new RegExp(`^W/"${pulled.id}-.+"$`));
      // The buyer approves a second line between the ERP's pull and its acknowledgement.
      await decide(draft.recommendationIds[1], { action: 'approve' });
      const stale = await ack(pulled.id, pulled.etag, { erpPoNumber: 'PO-6001' }, 'ack-key-0061').expect(412);
      expect(stale.body.error.code).toBe('precondition_failed');
      const unseen = await request(t.app).get(`/recommendations/${draft.recommendationIds[1]}`).set('Authorization', auth('viewer')).expect(200);
      expect(unseen.body.status).toBe('approved');

      const [fresh] = orderOf((await pull('?limit=200')).body, draft);
      expect(fresh.etag).not.toBe(pulled.etag);
      expect(fresh.lines).toHaveLength(2);
      const acknowledged = await ack(fresh.id, fresh.etag, { erpPoNumber: 'PO-6001' }, 'ack-key-0062').expect(200);
      expect(acknowledged.body.lines.map((line: { recommendationId: number }) => line.recommendationId)).toEqual(draft.recommendationIds);
      // A retry of the acknowledgement still answers 200 although the order's etag moved with it.
      await ack(fresh.id, fresh.etag, { erpPoNumber: 'PO-6001' }, 'ack-key-0062').expect(200);
    });

    it('answers 428 without If-Match and 412 to the etag of another order', async () => {
      const first = await approvedOrder();
      const second = await approvedOrder();
      expect((await ack(first.orderId, undefined, { erpPoNumber: 'PO-7001' }, 'ack-key-0071').expect(428)).body.error.code).toBe('precondition_required');
      await ack(first.orderId, second.etag, { erpPoNumber: 'PO-7001' }, 'ack-key-0071').expect(412);
      await ack(first.orderId, 'not an etag', { erpPoNumber: 'PO-7001' }, 'ack-key-0071').expect(412);
      expect((await pull('?limit=200')).body.data.find((order: { id: number }) => order.id === first.orderId).status).toBe('pending');
    });

    it('answers 404 for an unknown order and 400 without Idempotency-Key or with a malformed body', async () => {
      const { orderId, etag } = await approvedOrder();
      await ack(999999, 'W/"999999-2026-11-27T00:00:00.000000Z"', { erpPoNumber: 'PO-5001' }, 'ack-key-0006').expect(404);
      expect((await ack(orderId, etag, { erpPoNumber: 'PO-5001' }).expect(400)).body.error.details[0].path).toBe('idempotency-key');
      await ack(orderId, etag, {}, 'ack-key-0007').expect(400);
      await ack(orderId, etag, { erpPoNumber: '' }, 'ack-key-0007').expect(400);
      await ack(orderId, etag, { erpPoNumber: 42 }, 'ack-key-0007').expect(400);
      await ack(orderId, etag, { erpPoNumber: 'PO-5001', note: 'x' }, 'ack-key-0007').expect(400);
      await pull('?cursor=nonsense').expect(400);
      await pull('?limit=500').expect(400);
    });
  });
});

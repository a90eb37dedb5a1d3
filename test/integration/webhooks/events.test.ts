import request from 'supertest';
import { replacePlanErrors } from '../../../db/repositories/plan-errors';
import { recordExceptionsWithEvents, writeExceptionEvents } from '../../../src/services/exception-events';
import { testEngines } from '../../helpers/database';
import { insertItem, insertLocation, insertRecommendation, insertRun, insertSourcedItem, insertSupplier, openTestApp, type TestApp } from '../../helpers/catalogue';

/** The outbox events of other causes: each written in the transaction of its change, one delivery per subscribed endpoint. */
describe.each(testEngines())('webhook events from approvals, acknowledgements and plan errors on %s', (engine) => {
  let t: TestApp;
  let runId: number;
  const as = (role: 'buyer' | 'erp' | 'admin') => `Bearer ${t.keys[role]}`;
  const outbox = async (type: string) =>
    (await t.db.raw(`select e.id, e.data, (select count(*)::int from webhook_deliveries d where d.event_sequence = e.sequence) as deliveries from webhook_events e where e.type = ? order by e.sequence`, [type]))
      .rows.map((row: { id: string; data: unknown; deliveries: number }) => ({ ...row, data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data }));

  beforeAll(async () => {
    t = await openTestApp(engine);
    runId = await insertRun(t.db);
    await request(t.app)
      .post('/webhooks')
      .set('Authorization', as('admin'))
      .send({ url: 'https://erp.example.test/hooks', events: ['recommendation.approved', 'purchase_order.acknowledged', 'exception.opened'] })
      .expect(201);
  });
  afterAll(() => t.testDb.drop());

  it('writes recommendation.approved when a buyer approves, and purchase_order.acknowledged when the ERP acknowledges', async () => {
    const supplierId = await insertSupplier(t.db);
    const locationId = await insertLocation(t.db, 'DC-E');
    const itemId = await insertSourcedItem(t.db, { supplierId, sku: 'EV-A' });
    const recommendationId = await insertRecommendation(t.db, { runId, itemId, locationId, supplierId, quantity: 8, unitCost: 2, needByDate: '2026-12-12' });
    await request(t.app).post('/recommendations/approve').set('Authorization', as('buyer')).send({ supplierId, locationId }).expect(200);
    expect(await outbox('recommendation.approved')).toEqual([
      { id: expect.stringMatching(/^evt_[0-9a-f]{32}$/), deliveries: 1, data: expect.objectContaining({ recommendationId, sku: 'EV-A', location: 'DC-E', quantity: 8, supplierId }) },
    ]);

    const [order] = (await request(t.app).get('/purchase-orders/suggested?limit=200').set('Authorization', as('erp')).expect(200)).body.data;
    await request(t.app).post(`/purchase-orders/suggested/${order.id}/ack`).set('Authorization', as('erp')).set('If-Match', order.etag).set('Idempotency-Key', 'ack-events-0001')
      .send({ erpPoNumber: 'PO-EV-1' }).expect(200);
    // A retry of the acknowledgement answers the same and writes no second event.
    await request(t.app).post(`/purchase-orders/suggested/${order.id}/ack`).set('Authorization', as('erp')).set('If-Match', order.etag).set('Idempotency-Key', 'ack-events-0001')
      .send({ erpPoNumber: 'PO-EV-1' }).expect(200);
    expect(await outbox('purchase_order.acknowledged')).toEqual([
      { id: expect.any(String), deliveries: 1, data: expect.objectContaining({ purchaseOrderId: order.id, erpPoNumber: 'PO-EV-1', status: 'acknowledged', lines: 1, supplierId, locationCode: 'DC-E' }) },
    ]);
  });

  it('writes exception.opened once for a SKU the run could not plan and the run before could, even when the chunk is retried', async () => {
    const locationId = await insertLocation(t.db);
    const [itemA, itemB] = [await insertItem(t.db), await insertItem(t.db)];
    const earlier = await insertRun(t.db);
    const later = await insertRun(t.db, { status: 'running' });
    await replacePlanErrors(t.db, earlier, [itemA, itemB], [{ itemId: itemA, locationId, reason: 'ets: series is constant' }]);
    const errors = [
      { itemId: itemA, locationId, reason: 'ets: series is constant' },
      { itemId: itemB, locationId, reason: 'policy: lead time unknown' },
    ];
    for (let attempt = 0; attempt < 2; attempt++) {
      await t.db.transaction(async (trx) => {
        await replacePlanErrors(trx, later, [itemA, itemB], errors);
        await writeExceptionEvents(trx, later, [itemA, itemB], errors, new Date());
      });
    }
    // Item A was failing already: not a new exception. Item B is, once.
    expect(await outbox('exception.opened')).toEqual([
      { id: `evt_exception_${later}_${itemB}_${locationId}`, deliveries: 1, data: { kind: 'plan-error', stage: 'plan', runId: later, itemId: itemB, locationId, reason: 'policy: lead time unknown' } },
    ]);
  });

  it('writes exception.opened when a run opens a demand exception, not when a later run refreshes it, and again once it reopens', async () => {
    const locationId = await insertLocation(t.db);
    const itemId = await insertItem(t.db);
    const spike = { itemId, locationId, kind: 'spike' as const, details: { ratio: 3.2 }, action: 're-planned now' };
    const record = async (found: (typeof spike)[]) => {
      const run = await insertRun(t.db);
      await t.db.transaction((trx) => recordExceptionsWithEvents(trx, { runId: run, kinds: ['spike'], itemIds: [itemId] }, found, new Date()));
      return run;
    };
    const opening = await record([spike]);
    await record([{ ...spike, details: { ratio: 4 } }]); // still a spike: refreshed, no second event
    await record([]); // gone: resolved
    const reopening = await record([spike]);
    const events = (await outbox('exception.opened')).filter((event: { data: { kind: string } }) => event.data.kind === 'spike');
    expect(events).toEqual([
      { id: expect.stringMatching(/^evt_exception_demand_\d+$/), deliveries: 1, data: expect.objectContaining({ kind: 'spike', runId: opening, itemId, locationId, details: { ratio: 3.2 }, action: 're-planned now' }) },
      { id: expect.stringMatching(/^evt_exception_demand_\d+$/), deliveries: 1, data: expect.objectContaining({ kind: 'spike', runId: reopening, itemId, locationId }) },
    ]);
    expect(events[0].id).not.toEqual(events[1].id);
  });
});

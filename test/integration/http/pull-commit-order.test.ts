import request from 'supertest';
import { lockSupplierLocation, stampPurchaseOrderChanges, syncPurchaseOrderLines } from '../../../db/repositories/suggested-purchase-orders';
import { servicesAvailable } from '../../helpers/database';
import { insertLocation, insertRecommendation, insertRun, insertSourcedItem, insertSupplier, openTestApp, type TestApp } from '../../helpers/catalogue';

/**
 * The ERP's incremental pull must never miss a committed change, now that buyer decisions no longer wait on one
 * global lock. Concurrent transactions need several connections: PostgreSQL only (PGlite has one).
 */
const describePostgres = servicesAvailable().postgres ? describe : describe.skip;

describePostgres('suggested purchase orders pulled in commit order under concurrent decisions on postgres', () => {
  let t: TestApp;
  let runId: number;
  let locationId: number;

  beforeAll(async () => {
    t = await openTestApp('postgres');
    runId = await insertRun(t.db);
    locationId = await insertLocation(t.db);
  });
  afterAll(() => t.testDb.drop());

  async function proposed(supplierId: number) {
    const itemId = await insertSourcedItem(t.db, { supplierId });
    const id = await insertRecommendation(t.db, { runId, itemId, locationId, supplierId, quantity: 12, unitCost: 2 });
    return { id, itemId, supplierId };
  }

  async function within<T>(milliseconds: number, promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${milliseconds} ms`)), milliseconds)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('commits a decision on another supplier while one is open, and the pull gets the later commit after the earlier one', async () => {
    const early = await proposed(await insertSupplier(t.db));
    const late = await proposed(await insertSupplier(t.db));
    const start = await t.services.purchaseOrders.pull({ limit: 200 });

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let changedEarly!: () => void;
    const earlyChanged = new Promise<void>((resolve) => (changedEarly = resolve));
    // A transaction that changes its order first and commits last: with change times it would sort before the other.
    const slow = t.db.transaction(async (trx) => {
      await lockSupplierLocation(trx, early.supplierId, locationId);
      const changed = await syncPurchaseOrderLines(trx, [
        { recommendationId: early.id, status: 'approved', supplierId: early.supplierId, locationId, itemId: early.itemId, quantity: 12, unitCost: 2, needByDate: null },
      ]);
      changedEarly();
      await released;
      await stampPurchaseOrderChanges(trx, changed);
    });
    await earlyChanged;

    // One global lock held by every decision would keep this waiting until the slow one ends.
    await within(5000, t.services.recommendations.decide(late.id, { expectedVersion: 1, actor: 'buyer', change: { action: 'approve' } }), 'decision on another supplier');
    const first = await t.services.purchaseOrders.pull({ after: start.lastKey ?? undefined, limit: 200 });
    expect(first.data.map((order) => order.supplierId)).toEqual([late.supplierId]);

    release();
    await slow;
    const second = await t.services.purchaseOrders.pull({ after: first.lastKey ?? undefined, limit: 200 });
    expect(second.data.map((order) => order.supplierId)).toEqual([early.supplierId]);
    expect(Number(second.data[0].changeKey[0])).toBeGreaterThan(Number(first.data[0].changeKey[0]));
  });

  it('misses no change while 40 approvals over 8 suppliers run in parallel with an ERP pulling from its cursor', async () => {
    const suppliers = await Promise.all(Array.from({ length: 8 }, () => insertSupplier(t.db)));
    const recommendations = [];
    for (let n = 0; n < 40; n++) recommendations.push(await proposed(suppliers[n % suppliers.length]));
    const start = await t.services.purchaseOrders.pull({ limit: 200 });

    /** What the ERP last saw of each order: the change number, from its cursor pulls only. */
    const seen = new Map<number, string>();
    let cursor = start.lastKey ?? undefined;
    const pullOnce = async () => {
      const page = await t.services.purchaseOrders.pull({ after: cursor, limit: 200 });
      for (const order of page.data) seen.set(order.id, order.changeKey[0]);
      cursor = page.lastKey ?? cursor;
    };
    let deciding = true;
    const puller = (async () => {
      while (deciding) await pullOnce();
    })();
    await Promise.all(
      recommendations.map((recommendation) =>
        t.services.recommendations.decide(recommendation.id, { expectedVersion: 1, actor: 'buyer', change: { action: 'approve' } }),
      ),
    );
    deciding = false;
    await puller;
    await pullOnce();

    const { rows } = await t.db.raw(
      `select id, change_seq::text as change_seq, (select count(*)::int from suggested_purchase_order_lines l where l.suggested_purchase_order_id = po.id) as lines
         from suggested_purchase_orders po where supplier_id = any(?::int[])`,
      [suppliers],
    );
    expect(rows.map((row: { lines: number }) => row.lines)).toEqual(new Array(8).fill(5));
    for (const row of rows as Array<{ id: number; change_seq: string }>) expect(seen.get(Number(row.id))).toBe(row.change_seq);
  });

  it('answers a buyer and the ERP acting on the same order at once without a deadlock', async () => {
    const supplierId = await insertSupplier(t.db);
    const lines = [await proposed(supplierId), await proposed(supplierId)];
    for (const line of lines) await t.services.recommendations.decide(line.id, { expectedVersion: 1, actor: 'buyer', change: { action: 'approve' } });
    const erpKey = t.keys.erp;
    const pulled = await request(t.app).get('/purchase-orders/suggested?limit=200').set('Authorization', `Bearer ${erpKey}`).expect(200);
    const order = pulled.body.data.find((candidate: { supplierId: number }) => candidate.supplierId === supplierId);
    // The ERP acknowledges while the buyer changes a line of the same order: one wins; the other gets 409 or 412.
    const [acknowledged, changed] = await Promise.allSettled([
      t.services.purchaseOrders.acknowledge(order.id, { erpPoNumber: 'PO-RACE', idempotencyKey: 'race-key-0001', actor: 'erp', pulledChangeKey: order.etag.match(/-(\d+)"$/)[1] }),
      t.services.recommendations.decide(lines[0].id, { expectedVersion: 2, actor: 'buyer', change: { action: 'set-quantity', quantity: 24 } }),
    ]);
    const outcomes = [acknowledged, changed].map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : (outcome.reason as { statusCode?: number }).statusCode));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome === 'ok' || outcome === 409 || outcome === 412)).toBe(true);
  });
});

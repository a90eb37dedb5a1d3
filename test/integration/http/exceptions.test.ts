/**
 * GET /exceptions and POST /exceptions/:id/acknowledge over the real services on PostgreSQL and PGlite: listing,
 * filters and cursor, acknowledgement by a buyer, resolution when a later run no longer finds the condition, the
 * open-exception metric; and a whole in-process pipeline run that records the week it cleaned as an outlier.
 */
import request from 'supertest';
import { recordExceptions } from '../../../db/repositories/exceptions';
import { exceptionPageResponse, exceptionResponse } from '../../../src/http/schemas';
import { testEngines } from '../../helpers/database';
import { expectShape, insertItem, insertLocation, insertRun, openTestApp, type TestApp } from '../../helpers/catalogue';
import { openInProcessPipeline, smallDemoSeed, waitForRun } from '../../helpers/pipeline';
import { addDays } from '../../../db/dates';

describe.each(testEngines())('exceptions API on %s', (engine) => {
  let t: TestApp;
  let itemIds: number[];
  let locationId: number;
  let firstRun: number;
  const get = (path: string, key = t.keys.viewer) => request(t.app).get(path).set('Authorization', `Bearer ${key}`);
  const acknowledge = (id: number, key = t.keys.buyer) => request(t.app).post(`/exceptions/${id}/acknowledge`).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    t = await openTestApp(engine);
    locationId = await insertLocation(t.db);
    itemIds = [await insertItem(t.db, { sku: 'EXC-A' }), await insertItem(t.db, { sku: 'EXC-B' })];
    firstRun = await insertRun(t.db);
    await recordExceptions(t.db, { runId: firstRun, kinds: ['forecast-jump', 'order-value-jump'], itemIds }, [
      { itemId: itemIds[0], locationId, kind: 'forecast-jump', details: { ratio: 2.6 }, action: 'check it' },
      { itemId: itemIds[0], locationId, kind: 'order-value-jump', details: { orderValue: 1.2e6 }, action: 'check it' },
      { itemId: itemIds[1], locationId, kind: 'forecast-jump', details: { ratio: 3.1 }, action: 'check it' },
    ]);
  });
  afterAll(() => t.testDb.drop());

  it('lists open exceptions newest first with their numbers, to any key, filtered by kind and SKU, by cursor', async () => {
    await get('/exceptions', '').expect(401);
    const all = await get('/exceptions').expect(200);
    expectShape(exceptionPageResponse, all.body);
    expect(all.body.data.map((e: { sku: string; kind: string }) => `${e.sku} ${e.kind}`)).toEqual(['EXC-B forecast-jump', 'EXC-A order-value-jump', 'EXC-A forecast-jump']);
    expect(all.body.data[0]).toMatchObject({ details: { ratio: 3.1 }, action: 'check it', runId: firstRun, acknowledgedAt: null });
    expect((await get('/exceptions?kind=forecast-jump&sku=EXC-A').expect(200)).body.data).toHaveLength(1);

    const first = await get('/exceptions?limit=2').expect(200);
    const rest = await get(`/exceptions?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect([...first.body.data, ...rest.body.data].map((e: { id: number }) => e.id)).toEqual(all.body.data.map((e: { id: number }) => e.id));
    expect(rest.body.nextCursor).toBeNull();
  });

  it('rejects an unknown kind, a forged cursor and unknown fields with 400', async () => {
    expect((await get('/exceptions?kind=tsunami').expect(400)).body.error.code).toBe('validation_failed');
    await get('/exceptions?cursor=bm9wZQ').expect(400);
    await get('/exceptions?colour=red').expect(400);
  });

  it('lets a buyer acknowledge one (a viewer may not): it leaves the open list and the metric, once', async () => {
    const [newest] = (await get('/exceptions').expect(200)).body.data;
    await acknowledge(newest.id, t.keys.viewer).expect(403);
    const acknowledged = await acknowledge(newest.id).expect(200);
    expectShape(exceptionResponse, acknowledged.body);
    expect(acknowledged.body).toMatchObject({ id: newest.id, acknowledgedBy: 'buyer' });
    const again = await request(t.app).post(`/exceptions/${newest.id}/acknowledge`).set('Authorization', `Bearer ${t.keys.admin}`).send({}).expect(200);
    expect(again.body).toMatchObject({ acknowledgedBy: 'buyer', acknowledgedAt: acknowledged.body.acknowledgedAt });
    expect((await get('/exceptions').expect(200)).body.data.map((e: { id: number }) => e.id)).not.toContain(newest.id);
    expect((await get('/exceptions?acknowledged=true').expect(200)).body.data.map((e: { id: number }) => e.id)).toEqual([newest.id]);
    await acknowledge(987654).expect(404);
    await request(t.app).post(`/exceptions/${newest.id}/acknowledge`).set('Authorization', `Bearer ${t.keys.buyer}`).send({ note: 'x' }).expect(400);

    const metrics = (await get('/metrics').expect(200)).text;
    expect(metrics).toContain('replen_exceptions_open{kind="forecast-jump"} 1');
    expect(metrics).toContain('replen_exceptions_open{kind="order-value-jump"} 1');
    expect(metrics).toContain('replen_exceptions_open{kind="spike"} 0');
  });

  it('refreshes what a later run finds again and resolves what it no longer finds', async () => {
    const laterRun = await insertRun(t.db);
    await recordExceptions(t.db, { runId: laterRun, kinds: ['forecast-jump', 'order-value-jump'], itemIds }, [
      { itemId: itemIds[0], locationId, kind: 'forecast-jump', details: { ratio: 2.2 }, action: 'check it' },
    ]);
    const open = (await get('/exceptions').expect(200)).body.data;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ sku: 'EXC-A', kind: 'forecast-jump', details: { ratio: 2.2 }, runId: laterRun });
    // The acknowledged one was resolved too: the condition went away.
    expect((await get('/exceptions?acknowledged=true').expect(200)).body.data).toEqual([]);
  });
});

describe('a pipeline run records the weeks it cleaned as outliers (in-process, PGlite)', () => {
  it('opens an outlier-cleaned exception for a promotion week six weeks back, with the demand and the value fitted', async () => {
    const pipeline = await openInProcessPipeline();
    try {
      const { db } = pipeline.testDb;
      const { rows } = await db.raw(
        `select item_id, location_id, sum(quantity)::float8 as total from weekly_sales group by 1, 2 order by total desc limit 1`,
      );
      const { item_id: itemId, location_id: locationId } = rows[0];
      // Six weeks before the demo's last day: old enough to be cleaned, recent enough to be shown.
      const weekStart = (await db.raw(`select replen_week_start(?::date - 42)::text as week`, [smallDemoSeed.endDate])).rows[0].week;
      await db.raw(
        `update daily_sales set quantity = quantity * 6 where item_id = ? and location_id = ? and sales_date between ?::date and ?::date`,
        [itemId, locationId, weekStart, addDays(weekStart, 6)],
      );
      const { runId } = await pipeline.services.pipeline.startRun('test');
      expect((await waitForRun(pipeline.services, runId, 300_000)).status).toBe('succeeded');
      const page = await pipeline.services.exceptions.list({ kind: 'outlier-cleaned', limit: 200 });
      const cleaned = page.data.find((e) => e.itemId === itemId && e.locationId === locationId && e.subject === weekStart);
      expect(cleaned).toBeDefined();
      const details = cleaned!.details as { demand: number; replacement: number };
      expect(details.demand).toBeGreaterThan(3 * details.replacement);
      expect(cleaned!.runId).toBe(runId);
    } finally {
      await pipeline.close();
    }
  }, 400_000);
});

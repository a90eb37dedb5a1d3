/**
 * Buyers' forecast overrides through the API on PostgreSQL and PGlite: set (zod at the edge, an unknown SKU ×
 * location a 422), used by the plan stage for the weeks they cover (the explanation says so), changed and cancelled
 * with every change audited (who, when, before and after, the forecast weeks covered), and GET /forecast-value-added
 * per buyer and per reason once the weeks' sales are in. On a simulated clock: the history ends 2024-06-30.
 */
import request from 'supertest';
import { addDays } from '../../../db/dates';
import { SimulatedClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { overrideDetailResponse, overrideResponse, valueAddedResponse } from '../../../src/http/routes/overrides';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { createPlanStage } from '../../../src/services/plan-stage';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';
import { expectShape } from '../../helpers/catalogue';

const AS_OF = '2024-06-30';
const WEEKS = 60;
const FIRST_MONDAY = addDays(AS_OF, -7 * WEEKS + 1);
const NEXT_MONDAY = addDays(AS_OF, 1);

describe.each(testEngines())('forecast overrides on %s', (engine) => {
  let testDb: TestDb;
  let services: Services;
  let app: ReturnType<typeof createApp>;
  const clock = new SimulatedClock(new Date(`${AS_OF}T23:59:59Z`));
  const keys: Record<string, string> = {};
  let runId: number;
  let itemId: number;
  const call = (method: 'get' | 'post' | 'patch' | 'delete', url: string, key = keys.buyer) => request(app)[method](url).set('Authorization', `Bearer ${key}`);
  const plan = () => createPlanStage({ db: testDb.db, serviceLevels: { A: 0.95, B: 0.95, C: 0.95 }, historyWeeks: 104 })(runId, AS_OF);
  const policy = async () => {
    const { rows } = await testDb.db.raw(`select order_up_to::float8 as order_up_to, explanation from inventory_policies where run_id = ? and item_id = ?`, [runId, itemId]);
    const explanation = typeof rows[0].explanation === 'string' ? JSON.parse(rows[0].explanation) : rows[0].explanation;
    return { orderUpTo: rows[0].order_up_to as number, notes: explanation.notes as string[] };
  };
  const statistical = async () =>
    (await testDb.db.raw(`select mean::float8 as mean from forecasts where run_id = ? and item_id = ? order by step`, [runId, itemId])).rows.map((row: { mean: number }) => row.mean);

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const { db } = testDb;
    services = createServices({ db, config: loadConfig({}), logger: createLogger('silent'), dispatcher: { dispatchRun: async () => {} }, clock });
    app = createApp({ services, logger: createLogger('silent') });
    for (const role of ['viewer', 'buyer', 'admin'] as const) keys[role] = (await services.apiKeys.create({ name: role, role })).key;
    await db.raw(`insert into locations (external_id, code, name) values ('L1', 'MAIN', 'Main'), ('L2', 'NORTH', 'North')`);
    await db.raw(`insert into suppliers (external_id, name) values ('S1', 'One')`);
    itemId = Number((await db.raw(`insert into items (external_id, sku, unit_cost, unit_price) values ('O-1', 'O-1', 2, 3) returning id`)).rows[0].id);
    await db.raw(`insert into supplier_items (external_id, supplier_id, item_id, unit_cost, promised_lead_time_days) select 'SI-1', id, ?, 2, 14 from suppliers`, [itemId]);
    const location = Number((await db.raw(`select id from locations where code = 'MAIN'`)).rows[0].id);
    const rows = Array.from({ length: WEEKS }, (_, w) => ({ item_id: itemId, location_id: location, sales_date: addDays(FIRST_MONDAY, 7 * w + 2), quantity: 100 + ((w * 37) % 11) - 5 }));
    await db.batchInsert('daily_sales', rows, 1000);
    await db.raw(`insert into on_hand_snapshots (item_id, location_id, snapshot_date, quantity) values (?, ?, ?, 150)`, [itemId, location, AS_OF]);
    runId = Number((await db.raw(`insert into forecast_runs (kind, trigger, as_of_date, status, finished_at) values ('pipeline', 'test', ?, 'succeeded', now()) returning id`, [AS_OF])).rows[0].id);
    await createForecastStage({ db, horizonWeeks: 8, historyWeeks: 104, reselectDays: 0 })(runId, AS_OF, { firstItemId: itemId, lastItemId: itemId });
    await plan();
  }, 120_000);
  afterAll(() => testDb.drop());

  const body = { sku: 'O-1', location: 'MAIN', startDate: NEXT_MONDAY, endDate: addDays(NEXT_MONDAY, 27), mode: 'absolute', value: 300, reason: 'promotion' };

  it('rejects bad input at the edge (400) and an unknown SKU × location or dates that cannot be (422), a viewer with 403', async () => {
    await call('post', '/forecast-overrides', keys.viewer).send(body).expect(403);
    for (const bad of [
      { ...body, mode: 'guess' },
      { ...body, value: 'lots' },
      { ...body, mode: 'percent', value: -150 },
      { ...body, value: 2e9 },
      { ...body, reason: 'Because I said so' },
      { ...body, startDate: '2024-02-30' },
      { ...body, colour: 'red' },
    ]) {
      expect((await call('post', '/forecast-overrides').send(bad).expect(400)).body.error.code).toBe('validation_failed');
    }
    const unknown = await call('post', '/forecast-overrides').send({ ...body, sku: 'NOPE' }).expect(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_pair', message: expect.stringContaining('SKU NOPE is not planned at location MAIN') });
    await call('post', '/forecast-overrides').send({ ...body, location: 'NORTH' }).expect(422);
    const backwards = await call('post', '/forecast-overrides').send({ ...body, endDate: addDays(NEXT_MONDAY, -3) }).expect(422);
    expect(backwards.body.error.message).toMatch(/^end date .* is before start date/);
    await call('post', '/forecast-overrides').send({ ...body, expiresOn: '2024-06-01' }).expect(422);
    expect((await call('get', '/forecast-overrides').expect(200)).body.data).toEqual([]);
  });

  it('is used by the plan stage for the weeks it covers, audited on creation with the forecast it replaced', async () => {
    const before = await policy();
    const means = await statistical();
    const created = await call('post', '/forecast-overrides').send(body).expect(201);
    expectShape(overrideResponse, created.body);
    expect(created.body).toMatchObject({ sku: 'O-1', locationCode: 'MAIN', mode: 'absolute', value: 300, reason: 'promotion', createdBy: 'buyer', expiresOn: body.endDate, version: 1 });

    const detail = await call('get', `/forecast-overrides/${created.body.id}`, keys.viewer).expect(200);
    expectShape(overrideDetailResponse, detail.body);
    expect(detail.body.audit).toHaveLength(1);
    expect(detail.body.audit[0]).toMatchObject({ action: 'created', actor: 'buyer', before: null, after: { id: created.body.id, value: 300 } });
    expect(detail.body.audit[0].forecast).toEqual(
      [0, 1, 2, 3].map((step) => ({ periodStart: addDays(NEXT_MONDAY, 7 * step), statistical: expect.closeTo(means[step], 6), planned: 300 })),
    );

    await plan();
    const after = await policy();
    expect(after.orderUpTo).toBeGreaterThan(before.orderUpTo + 300);
    expect(after.notes).toContainEqual(`buyer override ${created.body.id} (promotion, by buyer): 4 weeks from ${NEXT_MONDAY} planned at 300 per week`);
    expect(before.notes.some((note) => note.startsWith('buyer override'))).toBe(false);
  });

  it('audits a change with before and after, refuses a stale version (409), and stops planning with it once cancelled', async () => {
    const [current] = (await call('get', '/forecast-overrides?active=true&sku=O-1').expect(200)).body.data;
    await call('patch', `/forecast-overrides/${current.id}`).send({ value: 20 }).expect(400);
    const changed = await call('patch', `/forecast-overrides/${current.id}`).send({ mode: 'percent', value: 50, version: 1 }).expect(200);
    expect(changed.body).toMatchObject({ mode: 'percent', value: 50, version: 2 });
    await call('patch', `/forecast-overrides/${current.id}`).send({ note: 'late', version: 1 }).expect(409);
    const audit = (await call('get', `/forecast-overrides/${current.id}`).expect(200)).body.audit;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['created', 'updated']);
    expect(audit[1]).toMatchObject({ actor: 'buyer', before: { mode: 'absolute', value: 300, version: 1 }, after: { mode: 'percent', value: 50, version: 2 } });
    const means = await statistical();
    expect(audit[1].forecast[0]).toEqual({ periodStart: NEXT_MONDAY, statistical: expect.closeTo(means[0], 6), planned: expect.closeTo(1.5 * means[0], 6) });
    await plan();
    expect((await policy()).notes).toContainEqual(`buyer override ${current.id} (promotion, by buyer): 4 weeks from ${NEXT_MONDAY} planned at the forecast +50 %`);
  });

  it('reports the forecast value added per buyer and per reason once the weeks have sold', async () => {
    const means = await statistical();
    const [promotion] = (await call('get', '/forecast-overrides').expect(200)).body.data;
    const lost = await call('post', '/forecast-overrides', keys.admin)
      .send({ ...body, startDate: addDays(NEXT_MONDAY, 28), endDate: addDays(NEXT_MONDAY, 34), value: 50, reason: 'lost-customer' })
      .expect(201);
    expect((await call('get', '/forecast-value-added').expect(200)).body).toEqual({ weeks: 0, byBuyer: [], byReason: [] });

    // Weeks 1–2 of the promotion sell 280 and 120, week 5 (the lost customer's) 60; week 3 is not over yet.
    const location = Number((await testDb.db.raw(`select id from locations where code = 'MAIN'`)).rows[0].id);
    const sold = [280, 120, 0, 0, 60];
    await testDb.db.batchInsert('daily_sales', sold.map((quantity, step) => ({ item_id: itemId, location_id: location, sales_date: addDays(NEXT_MONDAY, 7 * step + 2), quantity })), 100);
    clock.setEndOfDay(addDays(NEXT_MONDAY, 35));
    const report = (await call('get', '/forecast-value-added', keys.viewer).expect(200)).body;
    expectShape(valueAddedResponse, report);
    // Week 3 and 4 sold nothing: compared too (demand was 0), without a percentage error.
    expect(report.weeks).toBe(5);
    const promotionWeeks = [0, 1, 2, 3].map((step) => ({ actual: sold[step], statistical: means[step], override: 1.5 * means[step] }));
    const mae = (key: 'statistical' | 'override') => promotionWeeks.reduce((sum, week) => sum + Math.abs(week.actual - week[key]), 0) / 4;
    const mape = (key: 'statistical' | 'override') => (100 * promotionWeeks.slice(0, 2).reduce((sum, week) => sum + Math.abs(week.actual - week[key]) / week.actual, 0)) / 2;
    const promotionRow = { weeks: 4, statisticalMae: expect.closeTo(mae('statistical'), 6), overrideMae: expect.closeTo(mae('override'), 6), statisticalMape: expect.closeTo(mape('statistical'), 6), overrideMape: expect.closeTo(mape('override'), 6) };
    const lostRow = { weeks: 1, statisticalMae: expect.closeTo(Math.abs(60 - means[4]), 6), overrideMae: 10, overrideMape: expect.closeTo(100 / 6, 6), overrideCloser: 1 };
    expect(report.byBuyer).toEqual([expect.objectContaining({ group: 'buyer', ...promotionRow }), expect.objectContaining({ group: 'admin', ...lostRow })]);
    expect(report.byReason).toEqual([expect.objectContaining({ group: 'promotion', ...promotionRow }), expect.objectContaining({ group: 'lost-customer', ...lostRow })]);

    const cancelled = await call('delete', `/forecast-overrides/${lost.body.id}`).expect(200);
    expect(cancelled.body).toMatchObject({ cancelledBy: 'buyer', version: 2 });
    await call('delete', `/forecast-overrides/${lost.body.id}`).expect(409);
    expect((await call('get', `/forecast-overrides/${lost.body.id}`).expect(200)).body.audit.map((entry: { action: string; actor: string }) => `${entry.action} ${entry.actor}`)).toEqual([
      'created admin',
      'cancelled buyer',
    ]);
    expect((await call('get', '/forecast-value-added').expect(200)).body.byReason.map((row: { group: string }) => row.group)).toEqual(['promotion']);
    // The promotion expired with its last day: listed, no longer in force.
    expect((await call('get', '/forecast-overrides').expect(200)).body.data.map((row: { id: number }) => row.id)).toEqual([lost.body.id, promotion.id]);
    expect((await call('get', '/forecast-overrides?active=true').expect(200)).body.data).toEqual([]);
  });
});

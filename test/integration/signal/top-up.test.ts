/**
 * A top-up through the API on PostgreSQL and PGlite: the nightly run proposes a line, a buyer approves it, then a
 * day sells ten times its usual; a sense run (POST /runs {"kind": "sense"}) keeps the approved line and adds a
 * proposed line for the extra need only, linked to it (topUpOf in the list, the detail and the OpenAPI document),
 * whose explanation says why. Running the sense job again proposes no second top-up for the same need, and once the
 * top-up is approved too, none at all. On a simulated clock: the history ends 2024-06-30.
 */
import request from 'supertest';
import { addDays } from '../../../db/dates';
import { SimulatedClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { recommendationDetailResponse, recommendationPageResponse } from '../../../src/http/schemas';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { createForecastStage } from '../../../src/services/forecast-stage';
import { createPlanStage } from '../../../src/services/plan-stage';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';
import { expectShape } from '../../helpers/catalogue';
import { waitForRun } from '../../helpers/pipeline';

const AS_OF = '2024-06-30';
const WEEKS = 60;
const FIRST_DAY = addDays(AS_OF, -7 * WEEKS + 1);

interface Line {
  id: number;
  status: string;
  quantity: number;
  topUpOf: number | null;
  version: number;
}

describe.each(testEngines())('a top-up of a decided line on %s', (engine) => {
  let testDb: TestDb;
  let services: Services;
  let app: ReturnType<typeof createApp>;
  const clock = new SimulatedClock(new Date(`${AS_OF}T23:59:59Z`));
  const keys: Record<string, string> = {};
  let itemId: number;
  let locationId: number;
  const call = (method: 'get' | 'post' | 'patch', url: string, key = keys.buyer) => request(app)[method](url).set('Authorization', `Bearer ${key}`);
  const lines = async (): Promise<Line[]> => {
    const page = await call('get', '/recommendations?sort=value').expect(200);
    expectShape(recommendationPageResponse, page.body);
    return (page.body.data as Line[]).sort((a, b) => a.id - b.id);
  };
  const approve = (line: Line) => call('patch', `/recommendations/${line.id}`).set('If-Match', `W/"${line.id}-${line.version}"`).send({ action: 'approve' }).expect(200);
  const sense = async () => {
    const started = await call('post', '/runs', keys.admin).send({ kind: 'sense' }).expect(202);
    expect((await waitForRun(services, started.body.runId, 120_000)).status).toBe('succeeded');
  };

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const { db } = testDb;
    services = createServices({ db, config: loadConfig({}), logger: createLogger('silent'), dispatcher: { dispatchRun: async () => {} }, clock });
    app = createApp({ services, logger: createLogger('silent') });
    for (const role of ['buyer', 'admin'] as const) keys[role] = (await services.apiKeys.create({ name: role, role })).key;
    await db.raw(`insert into locations (external_id, code, name) values ('L1', 'MAIN', 'Main')`);
    await db.raw(`insert into suppliers (external_id, name) values ('S1', 'One')`);
    itemId = Number((await db.raw(`insert into items (external_id, sku, unit_cost, unit_price) values ('T-1', 'T-1', 2, 3) returning id`)).rows[0].id);
    locationId = Number((await db.raw(`select id from locations where code = 'MAIN'`)).rows[0].id);
    await db.raw(`insert into supplier_items (external_id, supplier_id, item_id, unit_cost, promised_lead_time_days) select 'SI-1', id, ?, 2, 14 from suppliers`, [itemId]);
    // Every day about 20 (17 to 23): steady demand of about 140 a week.
    const rows = Array.from({ length: 7 * WEEKS }, (_, day) => ({ item_id: itemId, location_id: locationId, sales_date: addDays(FIRST_DAY, day), quantity: 20 + ((day * 5) % 7) - 3 }));
    await db.batchInsert('daily_sales', rows, 1000);
    await db.raw(`insert into on_hand_snapshots (item_id, location_id, snapshot_date, quantity) values (?, ?, ?, 150)`, [itemId, locationId, AS_OF]);
    const runId = Number((await db.raw(`insert into forecast_runs (kind, trigger, as_of_date, status, finished_at) values ('pipeline', 'test', ?, 'succeeded', now()) returning id`, [AS_OF])).rows[0].id);
    await createForecastStage({ db, horizonWeeks: 8, historyWeeks: 104, reselectDays: 0 })(runId, AS_OF, { firstItemId: itemId, lastItemId: itemId });
    await createPlanStage({ db, serviceLevels: { A: 0.95, B: 0.95, C: 0.95 }, historyWeeks: 104 })(runId, AS_OF);
  }, 120_000);
  afterAll(() => testDb.drop());

  it('keeps the approved line and adds one for the extra need, linked to it; a second sense run adds no second one', async () => {
    const [nightly] = await lines();
    expect(nightly).toMatchObject({ status: 'proposed', topUpOf: null });
    const approved = (await approve(nightly)).body as Line;
    expect(approved).toMatchObject({ id: nightly.id, status: 'approved' });

    // Today sells ten times the usual day: a spike.
    await testDb.db.raw(`update daily_sales set quantity = 200 where item_id = ? and location_id = ? and sales_date = ?`, [itemId, locationId, AS_OF]);
    await sense();
    const [kept, topUp] = await lines();
    expect(kept).toMatchObject({ id: nightly.id, status: 'approved', quantity: nightly.quantity, topUpOf: null });
    expect(topUp).toMatchObject({ status: 'proposed', topUpOf: nightly.id });
    expect(topUp.quantity).toBeGreaterThan(0);

    const detail = await call('get', `/recommendations/${topUp.id}`).expect(200);
    expectShape(recommendationDetailResponse, detail.body);
    expect(detail.body.topUpOf).toBe(nightly.id);
    const explanation = detail.body.explanation as { topUp: { of: number; reason: string; countedAsOnOrder: number }; onOrder: number; notes: string[] };
    // The approved quantity is on no purchase order yet: counted as on order, so the line orders the extra only.
    expect(explanation.topUp).toMatchObject({ of: nightly.id, countedAsOnOrder: nightly.quantity });
    expect(explanation.onOrder).toBe(nightly.quantity);
    expect(explanation.topUp.reason).toMatch(
      new RegExp(`^top-up of recommendation ${nightly.id} \\(approved\\): demand since 2024-06-(24|30) runs above the 99 % quantile of the forecast \\(demand sensing on ${AS_OF}: spike`),
    );
    expect(explanation.notes).toContain(explanation.topUp.reason);
    // The kept line's own detail is no top-up.
    expect((await call('get', `/recommendations/${nightly.id}`).expect(200)).body.topUpOf).toBeNull();

    // The same need again: the undecided top-up is planned again at the same quantity, no second one beside it.
    await sense();
    const again = await lines();
    expect(again).toHaveLength(2);
    expect(again[1]).toMatchObject({ topUpOf: nightly.id, quantity: topUp.quantity, status: 'proposed' });

    // Approved too: both now count as on order, and the need is covered.
    await approve(again[1]);
    await sense();
    expect((await lines()).map((line) => [line.status, line.topUpOf])).toEqual([
      ['approved', null],
      ['approved', nightly.id],
    ]);
  }, 240_000);

  it('documents topUpOf in the OpenAPI document', async () => {
    const document = (await request(app).get('/openapi.json').expect(200)).body;
    expect(JSON.stringify(document)).toContain('"topUpOf"');
  });
});

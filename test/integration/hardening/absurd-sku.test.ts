import request from 'supertest';
import { RecordingDispatcher } from '../../helpers/pipeline';
import { seedDemoData } from '../../../db/seeds/demo';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { runDetailResponse } from '../../../src/http/routes/runs';
import { createLogger } from '../../../src/logger';
import { expectShape } from '../../helpers/catalogue';
import { openTestDb, testEngines } from '../../helpers/database';

describe.each(testEngines())('a run with one absurd SKU on %s', (engine) => {
  it('succeeds: the absurd SKU × location is listed in its plan errors with the reason, every other one is planned', async () => {
    const testDb = await openTestDb(engine);
    try {
      const { db } = testDb;
      await seedDemoData(db, { endDate: '2026-11-22', skuCount: 12, seed: 3 });
      // What import validation now refuses but the column holds: sales of 99,999,999,999.999 a day for the last
      // 8 weeks, written straight into the table (an old import, a hand-made fix). A run used to fail as a whole
      // writing a recommended quantity of about 3e12 into numeric(14, 3).
      const { rows: [absurd] } = await db.raw(
        `select i.id as item_id, i.sku, l.id as location_id, l.code from items i cross join locations l order by i.id, l.id limit 1`,
      );
      await db.raw(
        `insert into daily_sales (item_id, location_id, sales_date, quantity)
         select ?, ?, day::date, 99999999999.999 from generate_series('2026-09-28'::date, '2026-11-22'::date, '1 day') day
         on conflict (item_id, location_id, sales_date) do update set quantity = excluded.quantity, out_of_stock = false`,
        [absurd.item_id, absurd.location_id],
      );
      const dispatcher = new RecordingDispatcher();
      const logger = createLogger('silent');
      const services = createServices({ db, config: loadConfig({ FORECAST_HORIZON_WEEKS: '8', HISTORY_WEEKS: '104' }), logger, dispatcher });
      const admin = (await services.apiKeys.create({ name: 'admin', role: 'admin' })).key;

      const { runId } = await services.pipeline.startRun('test');
      for (const range of dispatcher.runs.get(runId)!) await services.pipeline.forecastChunk(runId, range);
      const counts = await services.pipeline.planRun(runId);

      const shown = await request(createApp({ services, logger })).get(`/runs/${runId}`).set('Authorization', `Bearer ${admin}`).expect(200);
      expectShape(runDetailResponse, shown.body);
      expect(shown.body.status).toBe('succeeded');
      expect(shown.body.counts.planErrors).toBe(1);
      expect(shown.body.planErrors).toEqual([
        { itemId: absurd.item_id, sku: absurd.sku, locationId: absurd.location_id, locationCode: absurd.code, reason: expect.stringMatching(/^recommended quantity [\d.e+]+ is outside what a recommendation holds/), stage: 'plan' },
      ]);
      // Every other forecast series has its policy; the absurd pair has none, and no recommendation.
      expect(counts.plannedItems).toBe(shown.body.counts.forecastedSeries - 1);
      const { rows: [written] } = await db.raw(
        `select (select count(*)::int from inventory_policies where run_id = ?) as policies,
                (select count(*)::int from recommendations where run_id = ?) as recommendations,
                (select count(*)::int from inventory_policies where run_id = ? and item_id = ? and location_id = ?) as absurd_policies`,
        [runId, runId, runId, absurd.item_id, absurd.location_id],
      );
      expect(written).toEqual({ policies: counts.plannedItems, recommendations: counts.recommendations, absurd_policies: 0 });
      expect(counts.recommendations).toBeGreaterThan(0);
    } finally {
      await testDb.drop();
    }
  }, 300_000);

  it('succeeds when a SKU cannot be forecast: a pinned model refitted on sales that jumped to a billion a day (within the import limits) gives no number, the pair is a plan error, the others are planned', async () => {
    const testDb = await openTestDb(engine);
    try {
      const { db } = testDb;
      await seedDemoData(db, { endDate: '2026-11-22', skuCount: 12, seed: 3 });
      const dispatcher = new RecordingDispatcher();
      const logger = createLogger('silent');
      const services = createServices({ db, config: loadConfig({}), logger, dispatcher });
      const runAll = async () => {
        const { runId } = await services.pipeline.startRun('test');
        for (const range of dispatcher.runs.get(runId)!) await services.pipeline.forecastChunk(runId, range);
        return { runId, counts: await services.pipeline.planRun(runId) };
      };
      const first = await runAll();
      const { rows: [pair] } = await db.raw(
        `select f.item_id, i.sku, f.location_id, l.code from forecast_fits f join items i on i.id = f.item_id join locations l on l.id = f.location_id
          where f.run_id = ? and f.demand_class = 'smooth' order by f.item_id, f.location_id limit 1`,
        [first.runId],
      );
      // The first run's choice for the pair, as the run that found this failure had it: a multiplicative damped
      // ETS in the mean, on seasonally adjusted data. The next run within FORECAST_RESELECT_DAYS refits it.
      const pin = { model: 'combo-mean', family: 'smooth', etsModel: 'MAdN', longSeason: true, dampedModel: 'MAdN' };
      await db.raw(`update forecast_fits set params = jsonb_set(params, '{selection}', ?::jsonb) where run_id = ? and item_id = ? and location_id = ?`, [
        JSON.stringify({ pin, kind: 'class', selectedOn: '2026-11-22' }),
        first.runId,
        pair.item_id,
        pair.location_id,
      ]);
      // A billion a day for ten weeks: what the import accepts (MAX_QUANTITY), as an ERP sending units in the wrong scale.
      const sales = [];
      for (let day = new Date('2026-09-15T00:00:00Z'); day <= new Date('2026-11-22T00:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
        sales.push({ sku: pair.sku, location: pair.code, salesDate: day.toISOString().slice(0, 10), quantity: 1_000_000_000 });
      }
      const erp = (await services.apiKeys.create({ name: 'erp', role: 'erp' })).key;
      const app = createApp({ services, logger });
      await request(app).post('/imports/daily-sales').set('Authorization', `Bearer ${erp}`).send(sales).expect(200);

      const second = await runAll();
      const admin = (await services.apiKeys.create({ name: 'admin', role: 'admin' })).key;
      const shown = await request(app).get(`/runs/${second.runId}`).set('Authorization', `Bearer ${admin}`).expect(200);
      expectShape(runDetailResponse, shown.body);
      expect(shown.body.status).toBe('succeeded');
      expect(shown.body.planErrors).toEqual([
        { itemId: pair.item_id, sku: pair.sku, locationId: pair.location_id, locationCode: pair.code, reason: expect.stringMatching(/^forecast failed: .+: the forecast's \w+ at step \d+ is (Infinity|-Infinity|NaN)$/), stage: 'forecast' },
      ]);
      expect(shown.body.counts).toMatchObject({ forecastErrors: 1, planErrors: 0 });
      // The pair has no forecast, fit or policy; every other pair was forecast and planned as in the first run.
      expect(shown.body.counts.forecastedSeries).toBe(first.counts.plannedItems - 1);
      expect(second.counts.plannedItems).toBe(shown.body.counts.forecastedSeries);
      const { rows: [written] } = await db.raw(
        `select (select count(*)::int from forecasts where run_id = ? and item_id = ? and location_id = ?) as forecasts,
                (select count(*)::int from forecast_fits where run_id = ? and item_id = ? and location_id = ?) as fits,
                (select count(*)::int from inventory_policies where run_id = ? and item_id = ? and location_id = ?) as policies,
                (select stage from plan_errors where run_id = ?) as stage`,
        [second.runId, pair.item_id, pair.location_id, second.runId, pair.item_id, pair.location_id, second.runId, pair.item_id, pair.location_id, second.runId],
      );
      expect(written).toEqual({ forecasts: 0, fits: 0, policies: 0, stage: 'forecast' });
    } finally {
      await testDb.drop();
    }
  }, 300_000);
});

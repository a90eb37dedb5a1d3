import request from 'supertest';
import type { ItemRange, RunDispatcher } from '../../../jobs/dispatcher';
import { seedDemoData } from '../../../db/seeds/demo';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { runDetailResponse } from '../../../src/http/routes/runs';
import { createLogger } from '../../../src/logger';
import { expectShape } from '../../helpers/catalogue';
import { openTestDb, testEngines } from '../../helpers/database';

/** Keeps the chunks of a started run, so the test runs them itself. */
class RecordingDispatcher implements RunDispatcher {
  readonly runs = new Map<number, ItemRange[]>();
  async dispatchRun(runId: number, chunks: ItemRange[]): Promise<void> {
    this.runs.set(runId, chunks);
  }
}

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
});

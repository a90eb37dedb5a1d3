import request from 'supertest';
import { RecordingDispatcher } from '../../helpers/pipeline';
import { seedDemoData } from '../../../db/seeds/demo';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { runDetailResponse } from '../../../src/http/routes/runs';
import { createLogger } from '../../../src/logger';
import { forecastSeries } from '../../../src/services/forecast-series';
import type { SeriesForecaster } from '../../../src/services/forecast-stage';
import { expectShape } from '../../helpers/catalogue';
import { openTestDb, testEngines } from '../../helpers/database';

describe.each(testEngines())('a run whose model throws on one SKU on %s', (engine) => {
  it('succeeds: the SKU × location is listed as a forecast error with the reason, every other one is forecast and planned', async () => {
    const testDb = await openTestDb(engine);
    try {
      const { db } = testDb;
      await seedDemoData(db, { endDate: '2026-11-22', skuCount: 12, seed: 3 });
      const { rows: [bad] } = await db.raw(
        `select i.id as item_id, i.sku, l.id as location_id, l.code from items i cross join locations l order by i.id, l.id limit 1`,
      );
      // The real worker-thread function (forecastSeries) on the real series, except that one series reaches the models
      // as infinite weeks, which autoForecast refuses with an error: a model throwing on one SKU, as fitEts did on a
      // 104-week replay warm-up ("multiplicative error needs strictly positive data") and failed the whole run.
      const forecaster: SeriesForecaster = {
        forecast: async (list, options) =>
          forecastSeries(
            list.map((series) => (series.itemId === bad.item_id && series.locationId === bad.location_id ? { ...series, quantities: series.quantities.map(() => Infinity) } : series)),
            options,
          ),
      };
      const dispatcher = new RecordingDispatcher();
      const logger = createLogger('silent');
      const services = createServices({ db, config: loadConfig({ FORECAST_HORIZON_WEEKS: '8', HISTORY_WEEKS: '104' }), logger, dispatcher, forecaster });
      const admin = (await services.apiKeys.create({ name: 'admin', role: 'admin' })).key;

      const { runId } = await services.pipeline.startRun('test');
      for (const range of dispatcher.runs.get(runId)!) await services.pipeline.forecastChunk(runId, range);
      const counts = await services.pipeline.planRun(runId);

      const shown = await request(createApp({ services, logger })).get(`/runs/${runId}`).set('Authorization', `Bearer ${admin}`).expect(200);
      expectShape(runDetailResponse, shown.body);
      expect(shown.body.status).toBe('succeeded');
      expect(shown.body.counts.forecastErrors).toBe(1);
      expect(shown.body.planErrors).toEqual([
        { itemId: bad.item_id, sku: bad.sku, locationId: bad.location_id, locationCode: bad.code, reason: expect.stringMatching(/^forecast failed: autoForecast: value 1 is not finite/), stage: 'forecast' },
      ]);
      // The failing pair has no forecast rows and no policy; every other forecast series is planned.
      const { rows: [written] } = await db.raw(
        `select (select count(*)::int from forecast_fits where run_id = ?) as fits,
                (select count(*)::int from forecast_fits where run_id = ? and item_id = ? and location_id = ?) as bad_fits,
                (select count(*)::int from forecasts where run_id = ? and item_id = ? and location_id = ?) as bad_forecasts,
                (select count(*)::int from inventory_policies where run_id = ? and item_id = ? and location_id = ?) as bad_policies`,
        [runId, runId, bad.item_id, bad.location_id, runId, bad.item_id, bad.location_id, runId, bad.item_id, bad.location_id],
      );
      expect(written).toEqual({ fits: shown.body.counts.forecastedSeries, bad_fits: 0, bad_forecasts: 0, bad_policies: 0 });
      expect(counts.plannedItems).toBe(shown.body.counts.forecastedSeries);
      expect(counts.plannedItems).toBeGreaterThan(0);
      expect(counts.planErrors).toBe(0);
    } finally {
      await testDb.drop();
    }
  }, 300_000);
});

import { RecordingDispatcher } from '../../helpers/pipeline';
import { seedDemoData } from '../../../db/seeds/demo';
import { processors } from '../../../jobs/processors';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import { forecastSeries } from '../../../src/services/forecast-series';
import type { SeriesForecaster } from '../../../src/services/forecast-stage';
import { openTestDb, testEngines } from '../../helpers/database';
import { Receiver } from './receiver';

describe.each(testEngines())('a SKU that cannot be forecast on %s', (engine) => {
  it('sends exception.opened (plan-error, stage forecast) to a real receiver, signed, once: not again while the next run fails on it too', async () => {
    const testDb = await openTestDb(engine);
    const receiver = new Receiver();
    try {
      const { db } = testDb;
      await seedDemoData(db, { endDate: '2026-11-22', skuCount: 6, seed: 3 });
      const { rows: [bad] } = await db.raw(`select i.id as item_id, l.id as location_id from items i cross join locations l order by i.id, l.id limit 1`);
      // The real worker-thread function, except that one series reaches the models as infinite weeks: autoForecast
      // throws on it (as forecast-error-sku.test.ts has it), the run goes on without it.
      const forecaster: SeriesForecaster = {
        forecast: async (list, options) =>
          forecastSeries(
            list.map((series) => (series.itemId === bad.item_id && series.locationId === bad.location_id ? { ...series, quantities: series.quantities.map(() => Infinity) } : series)),
            options,
          ),
      };
      const dispatcher = new RecordingDispatcher();
      const services = createServices({ db, config: loadConfig({ FORECAST_HORIZON_WEEKS: '8', HISTORY_WEEKS: '104' }), logger: createLogger('silent'), dispatcher, forecaster });
      const url = await receiver.start();
      receiver.secret = (await services.webhooks.create({ url, events: ['exception.opened'] }, undefined)).secret;

      const run = async () => {
        const { runId } = await services.pipeline.startRun('test');
        for (const range of dispatcher.runs.get(runId)!) await services.pipeline.forecastChunk(runId, range);
        await services.pipeline.planRun(runId);
        await processors['deliver-webhooks']({}, { webhooks: services.webhooks });
        return runId;
      };
      const first = await run();
      const opened = receiver.received.filter((event) => event.type === 'exception.opened' && event.data.kind === 'plan-error');
      expect(opened).toEqual([
        expect.objectContaining({
          id: `evt_exception_${first}_${bad.item_id}_${bad.location_id}`,
          verified: true,
          data: { kind: 'plan-error', stage: 'forecast', runId: first, itemId: bad.item_id, locationId: bad.location_id, reason: expect.stringMatching(/^forecast failed: autoForecast: value 1 is not finite/) },
        }),
      ]);

      // Still failing in the next run: the exception is not newly opened, so no second event.
      await run();
      expect(receiver.received.filter((event) => event.type === 'exception.opened' && event.data.kind === 'plan-error')).toHaveLength(1);
    } finally {
      await receiver.close();
      await testDb.drop();
    }
  }, 300_000);
});

import type { Knex } from 'knex';
import { seedDemoData } from '../../../db/seeds/demo';
import type { ModelSelection } from '../../../db/repositories/forecasts';
import { InProcessRunner } from '../../../jobs/in-process-runner';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { smallDemoSeed, smallPipelineConfig } from '../../helpers/pipeline';

interface FitSelection {
  key: string;
  method: string;
  selection: ModelSelection;
}

/** Each fit of a run, keyed by item and location, with how its model was chosen (forecast_fits.params.selection). */
async function fitSelections(db: Knex, runId: number): Promise<Map<string, FitSelection>> {
  const { rows } = await db.raw(
    `select item_id || ':' || location_id as key, method, params -> 'selection' as selection from forecast_fits where run_id = ? order by 1`,
    [runId],
  );
  return new Map(rows.map((row: FitSelection) => [row.key, row]));
}

/** One sale on `date` moves the next run's as-of date (the last day of sales loaded) to it. */
async function addSale(db: Knex, date: string): Promise<void> {
  await db.raw(`insert into daily_sales (item_id, location_id, sales_date, quantity) values (1, 1, ?, 1)`, [date]);
}

describe.each(testEngines())('weekly model re-selection in the nightly pipeline (%s)', (engine) => {
  let testDb: TestDb;
  let runner: InProcessRunner;
  let services: Services;

  beforeAll(async () => {
    const logger = createLogger('silent');
    testDb = await openTestDb(engine);
    await seedDemoData(testDb.db, smallDemoSeed);
    runner = new InProcessRunner(logger);
    services = createServices({ db: testDb.db, config: smallPipelineConfig, logger, dispatcher: runner });
    runner.attach(services);
  });
  afterAll(async () => {
    await runner.close();
    await testDb.drop();
  });

  async function run(): Promise<Map<string, FitSelection>> {
    const { runId } = await services.pipeline.startRun('test');
    await runner.idle();
    expect((await services.pipeline.getRun(runId)).status).toBe('succeeded');
    return fitSelections(testDb.db, runId);
  }

  it('refits within FORECAST_RESELECT_DAYS of the last selection, keeping its date, and chooses again after', async () => {
    expect(smallPipelineConfig.FORECAST_RESELECT_DAYS).toBe(7);
    const selected = await run();
    const pinnable = [...selected.values()].filter((fit) => fit.selection.pin);
    expect(pinnable.length).toBeGreaterThan(10);
    for (const fit of selected.values()) {
      expect(fit.selection).toMatchObject({ kind: expect.stringMatching(/^(class|holdout)$/), selectedOn: smallDemoSeed.endDate });
    }

    // Three days on: every series with a pin (and history enough) refits the same model; the selection date stays.
    await addSale(testDb.db, '2026-07-03');
    const refitted = await run();
    const pinnedKeys = [...refitted.values()].filter((fit) => fit.selection.kind === 'pinned').map((fit) => fit.key);
    expect(pinnedKeys.length).toBeGreaterThan(10);
    for (const key of pinnedKeys) {
      const [before, after] = [selected.get(key)!, refitted.get(key)!];
      expect(after.selection).toEqual({ kind: 'pinned', selectedOn: smallDemoSeed.endDate, pin: before.selection.pin });
    }
    // Seven days after that selection it is due again: those series choose afresh, stamped with the new as-of date.
    await addSale(testDb.db, '2026-07-07');
    const reselected = await run();
    for (const key of pinnedKeys) {
      expect(reselected.get(key)!.selection).toMatchObject({ kind: expect.stringMatching(/^(class|holdout)$/), selectedOn: '2026-07-07' });
    }
  });
});

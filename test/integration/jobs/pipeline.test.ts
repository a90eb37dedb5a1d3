import type { Knex } from 'knex';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import { InProcessRunner } from '../../../jobs/in-process-runner';
import { openTestDb, servicesAvailable, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';
import { openInProcessPipeline, smallDemoSeed, smallPipelineConfig, waitForRun } from '../../helpers/pipeline';

const logger = createLogger('silent');
const config = smallPipelineConfig;
const seed = smallDemoSeed;

async function forecastSnapshot(db: Knex, runId: number) {
  const { rows } = await db.raw(
    `select item_id, location_id, step, method, round(mean::numeric, 6)::text as mean
       from forecasts where run_id = ? order by item_id, location_id, step`,
    [runId],
  );
  return rows;
}

describe('the pipeline run in-process on PGlite', () => {
  let testDb: TestDb;
  let runner: InProcessRunner;
  let services: Services;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ testDb, runner, services, close } = await openInProcessPipeline());
  });
  afterAll(() => close());

  it('forecasts every active item × location once and closes the run as succeeded', async () => {
    const { runId, chunks } = await services.pipeline.startRun('test');
    expect(chunks).toBe(3); // 20 items, about 2% inactive, in chunks of 7
    await runner.idle();
    const run = await services.pipeline.getRun(runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts.chunksDone).toBe(chunks);
    const fits = await testDb.db.raw('select count(*)::int as n, count(distinct (item_id, location_id))::int as pairs from forecast_fits where run_id = ?', [runId]);
    expect(fits.rows[0].n).toBe(run.counts.forecastedSeries);
    expect(fits.rows[0].pairs).toBe(fits.rows[0].n);
    const forecasts = await testDb.db.raw('select count(*)::int as n, count(*) filter (where mean = \'NaN\' or mean < 0)::int as bad from forecasts where run_id = ?', [runId]);
    expect(forecasts.rows[0].n).toBe(run.counts.forecastedSeries * 8);
    expect(forecasts.rows[0].bad).toBe(0);
  });

  it('re-running a chunk of the same run replaces its rows instead of adding to them', async () => {
    const run = (await services.pipeline.listRuns({ limit: 1 }))[0];
    const before = await forecastSnapshot(testDb.db, run.id);
    const firstItem = before[0].item_id;
    await services.pipeline.forecastChunk(run.id, { firstItemId: firstItem, lastItemId: firstItem + 6 });
    expect(await forecastSnapshot(testDb.db, run.id)).toEqual(before);
  });
});

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

describeWithServices('the pipeline as a BullMQ flow on PostgreSQL and Redis', () => {
  let bullmqDb: TestDb;
  let inProcessDb: TestDb;

  beforeAll(async () => {
    [bullmqDb, inProcessDb] = await Promise.all([openTestDb('postgres'), openTestDb('postgres')]);
    await Promise.all([seedDemoData(bullmqDb.db, seed), seedDemoData(inProcessDb.db, seed)]);
  });
  afterAll(async () => {
    await Promise.all([bullmqDb.drop(), inProcessDb.drop()]);
  });

  it('completes a flow and produces the same forecasts as the in-process runner', async () => {
    const queueName = uniqueQueueName();
    const connection = redisConnection(testRedisUrl());
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services = createServices({ db: bullmqDb.db, config, logger, dispatcher });
    const workerConnection = redisConnection(testRedisUrl());
    const worker = startWorker({ connection: workerConnection, services, logger, concurrency: 2, queueName });
    try {
      const { runId } = await services.pipeline.startRun('test');
      const run = await waitForRun(services, runId);
      expect(run.status).toBe('succeeded');
      expect(run.counts.chunksDone).toBe(run.counts.chunks);

      const runner = new InProcessRunner(logger);
      const reference = createServices({ db: inProcessDb.db, config, logger, dispatcher: runner });
      runner.attach(reference);
      const referenceRun = await reference.pipeline.startRun('test');
      await runner.idle();
      expect(await forecastSnapshot(bullmqDb.db, runId)).toEqual(await forecastSnapshot(inProcessDb.db, referenceRun.runId));
    } finally {
      await worker.close();
      await dispatcher.close();
      workerConnection.disconnect();
      connection.disconnect();
    }
  });
});

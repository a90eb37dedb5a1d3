import type { Knex } from 'knex';
import { Queue } from 'bullmq';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { activeItemIdRanges } from '../../../db/repositories/items';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import { InProcessRunner } from '../../../jobs/in-process-runner';
import { processors } from '../../../jobs/processors';
import { openTestDb, servicesAvailable, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';
import { openInProcessPipeline, smallDemoSeed, smallPipelineConfig, waitForRun } from '../../helpers/pipeline';

const logger = createLogger('silent');
const config = smallPipelineConfig;
const seed = smallDemoSeed;
const RUN_TABLES = ['forecasts', 'forecast_fits', 'inventory_policies', 'recommendations', 'draft_purchase_orders', 'backorder_allocations'];

/** Everything a run leaves behind: its counters and, per table, the row count and a digest of the rows (less ids and timestamps). */
async function runFootprint(db: Knex, services: Services, runId: number) {
  const run = await services.pipeline.getRun(runId);
  const tables: Record<string, unknown> = {};
  for (const table of RUN_TABLES) {
    const { rows } = await db.raw(
      `select count(*)::int as n, md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as digest
         from (select to_jsonb(t) - 'id' - 'created_at' - 'updated_at' as r from ${table} t where run_id = ?) rows`,
      [runId],
    );
    tables[table] = rows[0];
  }
  return { status: run.status, counts: run.counts, tables };
}

describe('re-running the jobs of a finished run (in-process, PGlite)', () => {
  let testDb: TestDb;
  let runner: InProcessRunner;
  let services: Services;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ testDb, runner, services, close } = await openInProcessPipeline());
  });
  afterAll(() => close());

  it('calling every forecast-chunk and plan-run processor again changes no counts and no rows', async () => {
    const { runId } = await services.pipeline.startRun('test');
    await runner.idle();
    const before = await runFootprint(testDb.db, services, runId);
    expect(before.status).toBe('succeeded');
    expect((before.tables.forecasts as { n: number }).n).toBeGreaterThan(0);

    for (const range of await activeItemIdRanges(testDb.db, config.FORECAST_CHUNK_SIZE)) {
      await processors['forecast-chunk']({ runId, firstItemId: range.firstItemId, lastItemId: range.lastItemId }, { pipeline: services.pipeline });
    }
    await processors['plan-run']({ runId }, { pipeline: services.pipeline });
    expect(await runFootprint(testDb.db, services, runId)).toEqual(before);
  });
});

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

describeWithServices('dispatching the flow of a finished run again (BullMQ, PostgreSQL)', () => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await openTestDb('postgres');
    await seedDemoData(testDb.db, seed);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('adds no job and changes no counts or rows: the flow job ids are derived from the run id', async () => {
    const queueName = uniqueQueueName();
    const connection = redisConnection(testRedisUrl());
    const queue = new Queue(queueName, { connection });
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services = createServices({ db: testDb.db, config, logger, dispatcher });
    const workerConnection = redisConnection(testRedisUrl());
    const worker = startWorker({ connection: workerConnection, services, logger, concurrency: 2, queueName });
    try {
      const { runId } = await services.pipeline.startRun('test');
      expect((await waitForRun(services, runId)).status).toBe('succeeded');
      const before = await runFootprint(testDb.db, services, runId);
      const jobsBefore = await queue.getJobCounts();
      expect(jobsBefore.completed).toBe(before.counts.chunks + 1);

      const ranges = await activeItemIdRanges(testDb.db, config.FORECAST_CHUNK_SIZE);
      await dispatcher.dispatchRun(runId, ranges.map(({ firstItemId, lastItemId }) => ({ firstItemId, lastItemId })));
      expect(await queue.getJobCounts()).toEqual(jobsBefore);
      expect(await runFootprint(testDb.db, services, runId)).toEqual(before);
    } finally {
      await worker.close();
      await dispatcher.close();
      await queue.obliterate({ force: true });
      await queue.close();
      workerConnection.disconnect();
      connection.disconnect();
    }
  });
});

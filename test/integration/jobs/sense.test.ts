/**
 * Sense runs end to end: after a nightly run on the small demo catalogue, a day selling ten times its usual is
 * caught by a sense run started through POST /runs {"kind": "sense"}, recorded as a spike exception, and its SKU
 * re-planned in the nightly run (a higher order-up-to level), saying why. In-process on PGlite, and on PostgreSQL with the
 * sense job taken by a BullMQ worker (and the scheduled start-sense job run as the schedule runs it).
 */
import type { Knex } from 'knex';
import request from 'supertest';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import { runJob } from '../../../jobs/processors';
import { openTestDb, servicesAvailable } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';
import { openInProcessPipeline, smallDemoSeed, smallPipelineConfig, waitForRun } from '../../helpers/pipeline';

const logger = createLogger('silent');

/**
 * The pair selling most among those a first sense run found nothing on (the demo has real surges), and today's sales
 * set to ten times its average day over the last four weeks.
 */
async function injectSpikeToday(services: Services, db: Knex): Promise<{ itemId: number; locationId: number; quantity: number; usual: number }> {
  const today = smallDemoSeed.endDate;
  await services.sense.runNow('before');
  const flagged = (await services.exceptions.list({ limit: 200 })).data.filter((e) => ['spike', 'drop', 'bias'].includes(e.kind));
  const { rows } = await db.raw(
    `select item_id, location_id, (sum(quantity) / 28)::float8 as daily from daily_sales
      where sales_date > ?::date - 28 and sales_date < ?::date and not ((item_id, location_id)::text = any(?::text[]))
      group by 1, 2 order by 3 desc limit 1`,
    [today, today, flagged.map((e) => `(${e.itemId},${e.locationId})`)],
  );
  const { item_id: itemId, location_id: locationId, daily } = rows[0];
  const quantity = Math.round(10 * daily);
  const usual = Number((await db.raw(`select coalesce(max(quantity), 0)::float8 as q from daily_sales where item_id = ? and location_id = ? and sales_date = ?`, [itemId, locationId, today])).rows[0].q);
  await db.raw(
    `insert into daily_sales (item_id, location_id, sales_date, quantity) values (?, ?, ?, ?)
     on conflict (item_id, location_id, sales_date) do update set quantity = excluded.quantity, out_of_stock = false`,
    [itemId, locationId, today, quantity],
  );
  return { itemId, locationId, quantity, usual };
}

/** The pair's policy in the nightly run: its order-up-to level and notes (a line follows only where stock falls short of the level). */
async function policyOf(db: Knex, runId: number, itemId: number, locationId: number) {
  const { rows } = await db.raw(`select order_up_to::float8 as order_up_to, explanation from inventory_policies where run_id = ? and item_id = ? and location_id = ?`, [
    runId,
    itemId,
    locationId,
  ]);
  const explanation = typeof rows[0].explanation === 'string' ? JSON.parse(rows[0].explanation) : rows[0].explanation;
  return { orderUpTo: rows[0].order_up_to as number, notes: explanation.notes as string[] };
}

async function expectSpikeCaughtAndReplanned(
  services: Services,
  db: Knex,
  senseRunId: number,
  pipelineRunId: number,
  spiked: { itemId: number; locationId: number; quantity: number },
  before: number,
) {
  const run = await waitForRun(services, senseRunId, 120_000);
  expect(run).toMatchObject({ kind: 'sense', status: 'succeeded', asOfDate: smallDemoSeed.endDate });
  expect(run.counts.sensedPairs).toBeGreaterThan(0);
  expect(run.counts.spikes).toBeGreaterThanOrEqual(1);
  expect(run.counts.replannedItems).toBeGreaterThanOrEqual(1);
  const spikes = (await services.exceptions.list({ kind: 'spike', limit: 200 })).data;
  const spike = spikes.find((e) => e.itemId === spiked.itemId && e.locationId === spiked.locationId);
  expect(spike).toBeDefined();
  expect(spike!.runId).toBe(senseRunId);
  // Today alone, or the last 7 days with today, past the 99 % quantile of as many days.
  const details = spike!.details as { days: number; sales: number; upper99: number; forecastRunId: number };
  expect(details.forecastRunId).toBe(pipelineRunId);
  expect([1, 7]).toContain(details.days);
  expect(details.sales).toBeGreaterThanOrEqual(spiked.quantity);
  expect(details.upper99).toBeLessThan(details.sales);
  expect(spike!.action).toMatch(/re-planned now/);
  // Re-planned with the sales beyond the 99 % quantile added to the near weeks: a higher level, saying why.
  const after = await policyOf(db, pipelineRunId, spiked.itemId, spiked.locationId);
  expect(after.notes.some((note) => note.startsWith(`demand sensing on ${smallDemoSeed.endDate}: spike`))).toBe(true);
  expect(after.orderUpTo).toBeGreaterThan(before);
  expect((await services.pipeline.listRuns({ limit: 10 })).map((listed) => listed.kind)).toContain('sense');
}

describe('a sense run in-process on PGlite', () => {
  it('is started by POST /runs {"kind": "sense"} (admin), catches a day at ten times the usual and re-plans its SKU', async () => {
    const pipeline = await openInProcessPipeline();
    try {
      const { db } = pipeline.testDb;
      const app = createApp({ services: pipeline.services, logger });
      const admin = (await pipeline.services.apiKeys.create({ name: 'admin', role: 'admin' })).key;
      const buyer = (await pipeline.services.apiKeys.create({ name: 'buyer', role: 'buyer' })).key;
      const { runId: pipelineRunId } = await pipeline.services.pipeline.startRun('test');
      expect((await waitForRun(pipeline.services, pipelineRunId, 300_000)).status).toBe('succeeded');
      const spiked = await injectSpikeToday(pipeline.services, db);
      const before = (await policyOf(db, pipelineRunId, spiked.itemId, spiked.locationId)).orderUpTo;

      await request(app).post('/runs').set('Authorization', `Bearer ${buyer}`).send({ kind: 'sense' }).expect(403);
      await request(app).post('/runs').set('Authorization', `Bearer ${admin}`).send({ kind: 'weather' }).expect(400);
      const started = await request(app).post('/runs').set('Authorization', `Bearer ${admin}`).send({ kind: 'sense' }).expect(202);
      expect(started.headers.location).toBe(`/runs/${started.body.runId}`);
      await expectSpikeCaughtAndReplanned(pipeline.services, db, started.body.runId, pipelineRunId, spiked, before);

      // Today's sales back to what they were: the next sense run resolves the spike.
      await db.raw(`update daily_sales set quantity = ? where item_id = ? and location_id = ? and sales_date = ?`, [spiked.usual, spiked.itemId, spiked.locationId, smallDemoSeed.endDate]);
      const { runId } = await pipeline.services.sense.runNow('test');
      expect((await pipeline.services.pipeline.getRun(runId)).status).toBe('succeeded');
      const open = (await pipeline.services.exceptions.list({ kind: 'spike', limit: 200 })).data;
      expect(open.filter((e) => e.itemId === spiked.itemId && e.locationId === spiked.locationId)).toEqual([]);
    } finally {
      await pipeline.close();
    }
  }, 600_000);
});

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

describeWithServices('a sense run on PostgreSQL with BullMQ', () => {
  it('runs as a sense job on a worker, and as the scheduled start-sense job', async () => {
    const testDb = await openTestDb('postgres');
    const queueName = uniqueQueueName();
    const connection = redisConnection(testRedisUrl());
    const workerConnection = redisConnection(testRedisUrl());
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services = createServices({ db: testDb.db, config: smallPipelineConfig, logger, dispatcher });
    const worker = startWorker({ connection: workerConnection, services, logger, concurrency: 2, queueName });
    try {
      await seedDemoData(testDb.db, smallDemoSeed);
      const { runId: pipelineRunId } = await services.pipeline.startRun('test');
      expect((await waitForRun(services, pipelineRunId, 300_000)).status).toBe('succeeded');
      const spiked = await injectSpikeToday(services, testDb.db);
      const before = (await policyOf(testDb.db, pipelineRunId, spiked.itemId, spiked.locationId)).orderUpTo;
      const { runId } = await services.sense.startRun('api');
      await expectSpikeCaughtAndReplanned(services, testDb.db, runId, pipelineRunId, spiked, before);

      const scheduled = (await runJob('start-sense', { trigger: 'schedule' }, services)) as { runId: number };
      expect(await services.pipeline.getRun(scheduled.runId)).toMatchObject({ kind: 'sense', trigger: 'schedule', status: 'succeeded' });
    } finally {
      await worker.close();
      await dispatcher.close();
      workerConnection.disconnect();
      connection.disconnect();
      await testDb.drop();
    }
  }, 600_000);
});

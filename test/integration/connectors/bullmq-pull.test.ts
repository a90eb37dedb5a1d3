/**
 * The pull-source job on a real BullMQ worker (Redis) over the real services: the schedule each source declares is
 * upserted once however often the API starts, and a queued pull imports a dropped file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { applySchedules, redisConnection, startWorker } from '../../../jobs/bullmq';
import { schedules } from '../../../jobs/schedules';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import { openTestDb, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';
import { dailySales, seedCatalogue } from './setup';

/** Polls the job until it completes (its return value) or fails (its reason), for at most 20 s. */
async function finished(queue: Queue, id: string): Promise<unknown> {
  for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const job = await Job.fromId(queue, id);
    if (job?.finishedOn) {
      if (job.failedReason) throw new Error(job.failedReason);
      return job.returnvalue;
    }
  }
  throw new Error(`job ${id} did not finish within 20 s`);
}

const describeWithRedis = redisAvailable().ok ? describe : describe.skip;

describeWithRedis('pull-source on BullMQ', () => {
  let testDb: TestDb;
  let folder: string;

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    await seedCatalogue(testDb.db);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-bullmq-pull-'));
    fs.writeFileSync(path.join(folder, 'sources.json'), JSON.stringify([{ name: 'drop', type: 'csv-folder', folder: 'inbox', settleSeconds: 0, schedule: '45 0 * * *' }]));
    fs.mkdirSync(path.join(folder, 'inbox'));
  });
  afterAll(async () => {
    await testDb.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('declares one scheduler per source and runs a queued pull on a worker', async () => {
    const config = loadConfig({ SOURCES_FILE: path.join(folder, 'sources.json') });
    const logger = createLogger('silent');
    const services = createServices({ db: testDb.db, config, logger, dispatcher: { dispatchRun: async () => {} } });
    const connection = redisConnection(testRedisUrl());
    const workerConnection = redisConnection(testRedisUrl());
    const queueName = uniqueQueueName();
    const queue = new Queue(queueName, { connection });
    const worker = startWorker({ connection: workerConnection, services, logger, concurrency: 1, queueName });
    try {
      const list = schedules(config, services.connectors.sources());
      await applySchedules(queue, list);
      await applySchedules(queue, list);
      const pulls = (await queue.getJobSchedulers()).filter((scheduler) => scheduler.name === 'pull-source');
      expect(pulls.map((scheduler) => [scheduler.key, scheduler.pattern])).toEqual([['pull-drop', '45 0 * * *']]);

      fs.writeFileSync(path.join(folder, 'inbox', 'daily-sales-queued.csv'), 'sku,location,sales_date,quantity\nSKU-B,DC2,2026-11-18,6\n');
      const { id } = await queue.add('pull-source', { source: 'drop' });
      const report = await finished(queue, id!);
      expect(report).toMatchObject({ source: 'drop', files: [{ file: 'daily-sales-queued.csv', outcome: 'imported' }] });
      expect(await dailySales(testDb.db)).toEqual({ 'SKU-B/DC2/2026-11-18': 6 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      workerConnection.disconnect();
    }
  });
});

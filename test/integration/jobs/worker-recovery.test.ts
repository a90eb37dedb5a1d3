import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import { openTestDb, servicesAvailable, testDatabaseUrl, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';

const logger = createLogger('silent');
const HORIZON_WEEKS = 8;
// One chunk holding the whole catalogue: the chunk job runs for long enough that the kill lands while it is active.
const settings = { FORECAST_CHUNK_SIZE: '10000', FORECAST_HORIZON_WEEKS: String(HORIZON_WEEKS), HISTORY_WEEKS: '104' };
const config = loadConfig(settings);

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npx tsx jobs/worker-main.ts` in its own process group, so SIGKILL reaches the node process behind npx too. */
function spawnWorkerProcess(databaseUrl: string, queueName: string): ChildProcess {
  return spawn('npx', ['tsx', 'jobs/worker-main.ts'], {
    cwd: path.resolve(__dirname, '../../..'),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...settings,
      NODE_OPTIONS: '',
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      QUEUE_NAME: queueName,
      REPLEN_ADMIN_KEY: 'worker-recovery-test-admin-key-000',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'silent',
    },
  });
}

describeWithServices('a worker process killed in the middle of a forecast chunk', () => {
  let testDb: TestDb;
  let databaseUrl: string;

  beforeAll(async () => {
    testDb = await openTestDb('postgres');
    await seedDemoData(testDb.db, { skuCount: 60, endDate: '2026-06-30', seed: 11 });
    const { rows } = await testDb.db.raw('select current_database() as name');
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${rows[0].name}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('leaves the chunk stalled; another worker picks it up and the run ends with one forecast per SKU × location × step', async () => {
    const queueName = uniqueQueueName();
    const connection = redisConnection(testRedisUrl());
    const queue = new Queue(queueName, { connection });
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services: Services = createServices({ db: testDb.db, config, logger, dispatcher });
    const child = spawnWorkerProcess(databaseUrl, queueName);
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    const workerConnection = redisConnection(testRedisUrl());
    let rescuer: ReturnType<typeof startWorker> | undefined;
    try {
      const { runId, chunks } = await services.pipeline.startRun('test');
      expect(chunks).toBe(1);

      const active = await until(
        'the worker process to take the forecast chunk',
        async () => {
          if (child.exitCode !== null) throw new Error(`worker process exited with ${child.exitCode}: ${stderr}`);
          return (await queue.getActive()).find((job) => job.name === 'forecast-chunk');
        },
        60_000,
      );
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));

      // Killed mid-chunk: the job is still active under the dead worker's lock and nothing of it was written.
      expect(await active.getState()).toBe('active');
      expect((await services.pipeline.getRun(runId)).counts.chunksDone).toBe(0);
      expect((await testDb.db.raw('select count(*)::int as n from forecasts where run_id = ?', [runId])).rows[0].n).toBe(0);

      // The rescuing worker's stalled-job check moves the job back to waiting once the dead worker's lock expires.
      rescuer = startWorker({ connection: workerConnection, services, logger, concurrency: 1, queueName, stalledInterval: 1000 });
      const run = await until(
        'the run to finish',
        async () => {
          const current = await services.pipeline.getRun(runId);
          return current.status === 'running' ? undefined : current;
        },
        90_000,
      );
      expect(run.status).toBe('succeeded');
      expect(run.counts.chunksDone).toBe(1);

      const { rows } = await testDb.db.raw(
        `select count(*)::int as n, count(distinct (item_id, location_id, step))::int as distinct_keys,
                count(distinct (item_id, location_id))::int as pairs
           from forecasts where run_id = ?`,
        [runId],
      );
      const activePairs = await testDb.db.raw(
        `select count(distinct (s.item_id, s.location_id))::int as n from daily_sales s join items i on i.id = s.item_id where i.active`,
      );
      expect(rows[0].pairs).toBe(activePairs.rows[0].n);
      expect(rows[0].n).toBe(rows[0].distinct_keys);
      expect(rows[0].n).toBe(rows[0].pairs * HORIZON_WEEKS);
      expect(run.counts.forecastedSeries).toBe(rows[0].pairs);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await rescuer?.close();
      await dispatcher.close();
      await queue.obliterate({ force: true });
      await queue.close();
      workerConnection.disconnect();
      connection.disconnect();
    }
  }, 180_000);
});

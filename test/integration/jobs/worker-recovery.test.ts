import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue, type Job, type Worker } from 'bullmq';
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
// The worker process's lock on a job: a killed worker's job is free again after this (BullMQ's default is 30 s).
const LOCK_DURATION_MS = 2000;
// How often workers look for stalled jobs. Every worker's setting counts: a check holds off all checks on the queue for
// one interval of the worker that made it (BullMQ's 'stalled-check' key), so the killed worker's too.
const STALLED_INTERVAL_MS = 1000;
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

/** The worker entry point in node with tsx as a loader: no npm or tsx wrapper process between the signals and the worker. */
function spawnWorkerProcess(databaseUrl: string, queueName: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'jobs/worker-main.ts'], {
    cwd: path.resolve(__dirname, '../../..'),
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
      WORKER_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
      WORKER_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
      LOG_LEVEL: 'silent',
    },
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describeWithServices('worker processes stopped in the middle of a forecast chunk', () => {
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

  /**
   * A run of one chunk, a worker process that has taken the chunk, and a worker in this process (`startRescuer`)
   * to finish what the process leaves.
   */
  async function withRunTakenByWorkerProcess(
    work: (context: { runId: number; child: ChildProcess; active: Job; queue: Queue; services: Services; startRescuer(): Worker }) => Promise<void>,
  ) {
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
      const startRescuer = () => {
        rescuer = startWorker({ connection: workerConnection, services, logger, concurrency: 1, queueName, stalledInterval: STALLED_INTERVAL_MS });
        return rescuer;
      };
      await work({ runId, child, active, queue, services, startRescuer });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rescuer?.close();
      await dispatcher.close();
      await queue.obliterate({ force: true });
      await queue.close();
      workerConnection.disconnect();
      connection.disconnect();
    }
  }

  function untilRunEnds(services: Services, runId: number) {
    return until(
      'the run to finish',
      async () => {
        const current = await services.pipeline.getRun(runId);
        return current.status === 'running' ? undefined : current;
      },
      60_000,
    );
  }

  /** Exactly one forecast per active SKU × location × step of the run. */
  async function expectCompleteForecasts(runId: number, forecastedSeries: number) {
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
    expect(forecastedSeries).toBe(rows[0].pairs);
  }

  it('killed (SIGKILL): the chunk stalls; another worker takes it once the lock expires and the run ends with one forecast per SKU × location × step', async () => {
    await withRunTakenByWorkerProcess(async ({ runId, child, active, services, startRescuer }) => {
      child.kill('SIGKILL');
      await exited(child);
      const killedAt = Date.now();

      // Killed mid-chunk: the job is still active under the dead worker's lock and nothing of it was written.
      expect(await active.getState()).toBe('active');
      expect((await services.pipeline.getRun(runId)).counts.chunksDone).toBe(0);
      expect((await testDb.db.raw('select count(*)::int as n from forecasts where run_id = ?', [runId])).rows[0].n).toBe(0);

      // The rescuing worker's stalled-job check moves the job back to waiting once the dead worker's lock expires.
      const rescuer = startRescuer();
      const stalledAfter = new Promise<number>((resolve) => rescuer.once('stalled', () => resolve(Date.now() - killedAt)));
      const run = await untilRunEnds(services, runId);
      expect(run.status).toBe('succeeded');
      expect(run.counts.chunksDone).toBe(1);
      await expectCompleteForecasts(runId, run.counts.forecastedSeries);
      // Found stalled once the lock expired, at the next check or the one after (BullMQ's default lock alone is 30 s).
      expect(await stalledAfter).toBeLessThan(LOCK_DURATION_MS + 2 * STALLED_INTERVAL_MS + 1000);
    });
  }, 90_000);

  it('stopped (SIGTERM): the worker finishes the chunk it holds, takes no new job and exits 0; another worker plans the run', async () => {
    await withRunTakenByWorkerProcess(async ({ runId, child, active, queue, services, startRescuer }) => {
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited(child)).toEqual({ code: 0, signal: null });

      // The chunk ran to its end in the stopping worker, after the signal: completed, attempted once, its rows written.
      expect(await active.getState()).toBe('completed');
      const chunk = (await queue.getJob(active.id!))!;
      expect(chunk.attemptsMade).toBe(1);
      expect(chunk.finishedOn).toBeGreaterThan(signalledAt);
      const stopped = await services.pipeline.getRun(runId);
      expect(stopped).toMatchObject({ status: 'running', counts: expect.objectContaining({ chunksDone: 1 }) });
      await expectCompleteForecasts(runId, stopped.counts.forecastedSeries);
      // The plan job was released by the last chunk after the worker stopped fetching: it waits for another worker.
      expect(await queue.getJobState(`plan-run-${runId}`)).toBe('waiting');

      startRescuer();
      const run = await untilRunEnds(services, runId);
      expect(run.status).toBe('succeeded');
      expect(run.counts.plannedItems).toBeGreaterThan(0);
    });
  }, 90_000);
});

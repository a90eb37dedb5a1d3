import { Queue, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import type { JobServices } from '../../../jobs/processors';
import { insertRun } from '../../helpers/catalogue';
import { openTestDb, servicesAvailable, type TestDb } from '../../helpers/database';
import { smallDemoSeed, smallPipelineConfig, waitForRun } from '../../helpers/pipeline';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';

const logger = createLogger('silent');
const config = smallPipelineConfig;

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

/** Polls a job until `done` says it reached the state looked for. */
async function waitForJob(queue: Queue, jobId: string, done: (job: Job, state: string) => boolean, timeoutMs = 30_000): Promise<{ job: Job; state: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // State first, then the job: a job read before the state could predate the move into that state.
    const state = await queue.getJobState(jobId);
    const job = await queue.getJob(jobId);
    if (job && done(job, state)) return { job, state };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithServices('job failures under BullMQ: data errors fail at once, other errors are retried', () => {
  let testDb: TestDb;
  let connection: IORedis;
  let workerConnection: IORedis;

  beforeAll(async () => {
    testDb = await openTestDb('postgres');
    await seedDemoData(testDb.db, smallDemoSeed);
    connection = redisConnection(testRedisUrl());
    workerConnection = redisConnection(testRedisUrl());
  });
  afterAll(async () => {
    workerConnection.disconnect();
    connection.disconnect();
    await testDb.drop();
  });

  /** A queue, its dispatcher, the services over them and one worker running the jobs with `jobServices(services)`. */
  async function withWorker(jobServices: (services: Services) => JobServices, work: (context: { queue: Queue; dispatcher: BullmqDispatcher; services: Services }) => Promise<void>) {
    const queueName = uniqueQueueName();
    const queue = new Queue(queueName, { connection });
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services = createServices({ db: testDb.db, config, logger, dispatcher });
    const worker = startWorker({ connection: workerConnection, services: jobServices(services), logger, concurrency: 1, queueName });
    try {
      await work({ queue, dispatcher, services });
    } finally {
      await worker.close();
      await dispatcher.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }

  it('a chunk of a run that does not exist fails after one attempt, and so does its plan job', async () => {
    await withWorker(
      (services) => services,
      async ({ queue, dispatcher }) => {
        const missingRun = 987_654;
        await dispatcher.dispatchRun(missingRun, [{ firstItemId: 1, lastItemId: 5 }]);
        const { job } = await waitForJob(queue, `forecast-chunk-${missingRun}-0`, (_, state) => state === 'failed');
        expect(job.attemptsMade).toBe(1);
        expect(job.opts.attempts).toBe(3);
        expect(job.failedReason).toBe(`run ${missingRun} not found`);
        const parent = await waitForJob(queue, `plan-run-${missingRun}`, (_, state) => state === 'failed');
        // failParentOnFailure: the plan job fails without running the planner.
        expect(parent.job.failedReason).toMatch(new RegExp(`child .*forecast-chunk-${missingRun}-0 failed`));
      },
    );
  });

  it('an invalid item range fails the chunk at once and marks its run failed, whose jobs then no longer run', async () => {
    await withWorker(
      (services) => services,
      async ({ queue, dispatcher, services }) => {
        const runId = await insertRun(testDb.db, { status: 'running' });
        await testDb.db.raw('update forecast_runs set finished_at = null where id = ?', [runId]);
        await dispatcher.dispatchRun(runId, [{ firstItemId: 10, lastItemId: 5 }]);
        const { job } = await waitForJob(queue, `forecast-chunk-${runId}-0`, (_, state) => state === 'failed');
        expect(job.attemptsMade).toBe(1);
        expect(job.failedReason).toBe('invalid item range 10..5');
        const run = await waitForRun(services, runId, 10_000);
        expect(run).toMatchObject({ status: 'failed', error: 'forecast-chunk: invalid item range 10..5' });
        // Its other jobs are refused from now on: a data error too, so not retried.
        await expect(services.pipeline.forecastChunk(runId, { firstItemId: 1, lastItemId: 5 })).rejects.toMatchObject({
          code: 'conflict',
          message: `run ${runId} has failed: its jobs no longer run`,
        });
      },
    );
  });

  it('a transient error is retried after a backoff and the run then succeeds', async () => {
    const calls: Array<{ firstItemId: number; at: number }> = [];
    await withWorker(
      (services) => ({
        ...services,
        pipeline: {
          ...services.pipeline,
          // The first call meets an error that is not the data's fault nor a lost connection (say, a lock timeout).
          forecastChunk: async (runId, range) => {
            calls.push({ firstItemId: range.firstItemId, at: Date.now() });
            if (calls.length === 1) throw new Error('lock timeout: canceling statement');
            return services.pipeline.forecastChunk(runId, range);
          },
        },
      }),
      async ({ queue, services }) => {
        const { runId, chunks } = await services.pipeline.startRun('test');
        const deadline = Date.now() + 10_000;
        let delayed: Job[] = [];
        while (delayed.length === 0 && Date.now() < deadline) {
          delayed = await queue.getDelayed();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(delayed).toHaveLength(1);
        expect(delayed[0].attemptsMade).toBe(1);
        expect(delayed[0].failedReason).toBe('lock timeout: canceling statement');
        expect((await services.pipeline.getRun(runId)).status).toBe('running');

        const run = await waitForRun(services, runId, 60_000);
        expect(run.status).toBe('succeeded');
        expect(run.counts.chunksDone).toBe(chunks);
        expect((await queue.getJob(delayed[0].id!))!.attemptsMade).toBe(2);
        const retried = calls.filter((call) => call.firstItemId === calls[0].firstItemId);
        expect(retried).toHaveLength(2);
        // The first backoff of the retry policy is 5 s (less 100 ms of slack between Redis's clock and ours).
        expect(retried[1].at - retried[0].at).toBeGreaterThanOrEqual(4900);
      },
    );
  }, 90_000);

  it('a lost database connection spends no try: the worker stops taking jobs, probes the database and runs the job again once it answers', async () => {
    const calls: number[] = [];
    let databaseDown = true;
    let probes = 0;
    const downFor = 1500;
    const wentDownAt = Date.now();
    setTimeout(() => (databaseDown = false), downFor).unref();
    await withWorker(
      (services) => ({
        ...services,
        pipeline: {
          ...services.pipeline,
          // node-postgres's error for a server gone mid-query; the probe fails alike until the "restart" is over.
          forecastChunk: async (runId, range) => {
            calls.push(Date.now());
            if (databaseDown) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
            return services.pipeline.forecastChunk(runId, range);
          },
          ping: async () => {
            probes++;
            if (databaseDown) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          },
        },
      }),
      async ({ queue, services }) => {
        const { runId, chunks } = await services.pipeline.startRun('test');
        const run = await waitForRun(services, runId, 60_000);
        expect(run.status).toBe('succeeded');
        expect(run.counts.chunksDone).toBe(chunks);
        // Every chunk succeeded on its first try: the outage was waited out inside the job, not counted as a failure.
        const completed = await queue.getCompleted();
        const chunkJobs = completed.filter((job) => job.name === 'forecast-chunk');
        expect(chunkJobs).toHaveLength(chunks);
        for (const job of chunkJobs) expect(job.attemptsMade).toBe(1);
        expect(await queue.getFailed()).toHaveLength(0);
        // Paused while the database was away: with concurrency 1, one call failed before the probe succeeded.
        expect(calls.filter((at) => at - wentDownAt < downFor)).toHaveLength(1);
        expect(probes).toBeGreaterThanOrEqual(2);
      },
    );
  }, 60_000);
});

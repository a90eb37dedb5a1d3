import { type Job, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { loadConfig } from '../../../src/config';
import { NotFoundError } from '../../../src/errors';
import { createLogger } from '../../../src/logger';
import { applySchedules, BullmqDispatcher, createQueue, jobRetention, type JobRetention, redisConnection, startWorker } from '../../../jobs/bullmq';
import type { JobServices } from '../../../jobs/processors';
import { schedules } from '../../../jobs/schedules';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';

const describeWithRedis = redisAvailable().ok ? describe : describe.skip;

/** Runs whose id is in `failing` fail their chunks with a data error (failed at once, no retry); the others succeed. */
const failing = new Set<number>();
const services = {
  pipeline: {
    forecastChunk: async (runId: number) => {
      if (failing.has(runId)) throw new NotFoundError(`run ${runId}`);
      return { runId };
    },
    planRun: async (runId: number) => ({ runId }),
    failRun: async () => undefined,
  },
} as unknown as JobServices;

/** Polls until the job reaches `state`. */
async function finished(queue: Queue, jobId: string, state: 'completed' | 'failed'): Promise<Job> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if ((await queue.getJobState(jobId)) === state) return (await queue.getJob(jobId))!;
    if (Date.now() > deadline) throw new Error(`job ${jobId} not ${state} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('jobRetention', () => {
  it('turns the configured hours, count and days into BullMQ options (ages in seconds)', () => {
    expect(jobRetention(loadConfig({}))).toEqual({ removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 14 * 86_400 } });
    expect(jobRetention(loadConfig({ JOB_KEEP_COMPLETED_HOURS: '2', JOB_KEEP_COMPLETED_COUNT: '50', JOB_KEEP_FAILED_DAYS: '30' }))).toEqual({
      removeOnComplete: { age: 7200, count: 50 },
      removeOnFail: { age: 30 * 86_400 },
    });
  });
});

describeWithRedis('finished jobs on BullMQ are kept for a while, then removed', () => {
  let connection: IORedis;
  let workerConnection: IORedis;

  beforeAll(() => {
    connection = redisConnection(testRedisUrl());
    workerConnection = redisConnection(testRedisUrl());
  });
  afterAll(() => {
    workerConnection.disconnect();
    connection.disconnect();
  });

  /** A queue with `retention`, a dispatcher with it and a worker running the stub services. */
  async function withQueue(retention: JobRetention, work: (context: { queue: Queue; dispatcher: BullmqDispatcher }) => Promise<void>) {
    const queueName = uniqueQueueName();
    const queue = createQueue(connection, queueName, retention);
    const dispatcher = new BullmqDispatcher(connection, queueName, retention);
    const worker = startWorker({ connection: workerConnection, services, logger: createLogger('silent'), concurrency: 1, queueName });
    try {
      await work({ queue, dispatcher });
    } finally {
      await worker.close();
      await dispatcher.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }

  it('a completed job goes once another job completes after its age; failed jobs stay', async () => {
    await withQueue({ removeOnComplete: { age: 1, count: 1000 }, removeOnFail: { age: 3600 } }, async ({ queue, dispatcher }) => {
      await dispatcher.dispatchRun(1, [{ firstItemId: 1, lastItemId: 5 }]);
      const done = await finished(queue, 'plan-run-1', 'completed');
      expect(done.opts).toMatchObject({ removeOnComplete: { age: 1, count: 1000 }, removeOnFail: { age: 3600 }, attempts: 3 });
      failing.add(2);
      await dispatcher.dispatchRun(2, [{ firstItemId: 1, lastItemId: 5 }]);
      await finished(queue, 'plan-run-2', 'failed');
      expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 2, failed: 2 });

      // Past run 1's age (1 s), the next completion removes its jobs.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, done.finishedOn! + 1000 - Date.now()) + 10));
      await dispatcher.dispatchRun(3, [{ firstItemId: 1, lastItemId: 5 }]);
      await finished(queue, 'plan-run-3', 'completed');

      expect(await queue.getJob('plan-run-1')).toBeUndefined();
      expect(await queue.getJob('forecast-chunk-1-0')).toBeUndefined();
      const failed = await queue.getFailed();
      expect(failed.map((job) => job.id).sort()).toEqual(['forecast-chunk-2-0', 'plan-run-2']);
      expect((await queue.getCompleted()).map((job) => job.id)).toContain('plan-run-3');
    });
  });

  it('keeps at most the configured count of completed jobs, the latest', async () => {
    await withQueue({ removeOnComplete: { age: 3600, count: 3 }, removeOnFail: { age: 3600 } }, async ({ queue, dispatcher }) => {
      // Five chunks and their plan job: six completions, one at a time (concurrency 1).
      await dispatcher.dispatchRun(4, Array.from({ length: 5 }, (_, index) => ({ firstItemId: index * 10 + 1, lastItemId: index * 10 + 10 })));
      await finished(queue, 'plan-run-4', 'completed');

      const completed = await queue.getCompleted();
      expect(completed).toHaveLength(3);
      expect(completed.map((job) => job.id)).toContain('plan-run-4');
    });
  });

  it('gives every job a schedule creates the retention of the queue', async () => {
    const retention = jobRetention(loadConfig({}));
    const queue = createQueue(connection, uniqueQueueName(), retention);
    try {
      const declared = schedules(loadConfig({}));
      await applySchedules(queue, declared);
      const scheduler = await queue.getJobScheduler('housekeeping');
      // The template is what every run of the schedule is created from.
      expect(scheduler?.template?.opts).toMatchObject({ ...retention, attempts: 3 });
      const delayed = await queue.getDelayed();
      // One delayed job per schedule: the nightly run, sensing, housekeeping and the webhook sweep.
      expect(delayed.map((job) => job.name).sort()).toEqual(declared.map((schedule) => schedule.job).sort());
      expect(declared.map((schedule) => schedule.job).sort()).toEqual(['deliver-webhooks', 'housekeeping', 'start-run', 'start-sense']);
      for (const job of delayed) expect(job.opts).toMatchObject(retention);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

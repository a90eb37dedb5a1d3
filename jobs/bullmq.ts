import { FlowProducer, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';
import type { Config } from '../src/config';
import { AppError, ServiceUnavailableError } from '../src/errors';
import type { Logger } from '../src/logger';
import { backoffMs, isConnectionError, sleep, withTimeout } from '../src/services/dependency-retry';
import type { ItemRange, RunDispatcher } from './dispatcher';
import { processors, type JobName, type JobServices } from './processors';
import type { Schedule } from './schedules';

export const DEFAULT_QUEUE = 'replen';

const retryPolicy = { attempts: 3, backoff: { type: 'exponential', delay: 5000 } } as const;

/**
 * How long Redis keeps finished jobs (BullMQ's default is forever). Ages in seconds, as BullMQ takes them. BullMQ has
 * no timer for this: a job past its age goes when another job finishes in the same state (completed or failed).
 */
export interface JobRetention {
  removeOnComplete: { age: number; count: number };
  removeOnFail: { age: number };
}

export function jobRetention(config: Pick<Config, 'JOB_KEEP_COMPLETED_HOURS' | 'JOB_KEEP_COMPLETED_COUNT' | 'JOB_KEEP_FAILED_DAYS'>): JobRetention {
  return {
    removeOnComplete: { age: config.JOB_KEEP_COMPLETED_HOURS * 3600, count: config.JOB_KEEP_COMPLETED_COUNT },
    removeOnFail: { age: config.JOB_KEEP_FAILED_DAYS * 86_400 },
  };
}

/**
 * The queue jobs are added to: its default job options give every job added on it, and every job its schedulers
 * create (BullMQ stores them in each scheduler's template), the retention.
 */
export function createQueue(connection: ConnectionOptions, queueName: string, retention: JobRetention): Queue {
  return new Queue(queueName, { connection, defaultJobOptions: retention });
}

/** Workers block on Redis, so their connections must never give up on a request (BullMQ going-to-production guide). */
export function redisConnection(redisUrl: string): IORedis {
  return new IORedis(redisUrl, { maxRetriesPerRequest: null });
}

/**
 * The connection of the API's queue, flows and probes: while Redis is away its commands fail at once instead of
 * waiting in ioredis's offline queue (BullMQ's advice for producers), so a request never hangs on it and a dispatch
 * that was refused is not replayed behind our back when Redis returns. ioredis reconnects by itself.
 */
export function producerConnection(redisUrl: string): IORedis {
  return new IORedis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
}

/** How long a dispatch may take before POST /runs answers 503 (Redis answers in milliseconds when it is there). */
const DISPATCH_TIMEOUT_MS = 5000;

/** The ids of a run's jobs: the first dispatch keeps the plain ids; each later one gets its own (`-d2`, `-d3`, …). */
export function runJobIds(runId: number, dispatch = 1): { plan: string; chunk: (index: number) => string } {
  const suffix = dispatch > 1 ? `-d${dispatch}` : '';
  return { plan: `plan-run-${runId}${suffix}`, chunk: (index) => `forecast-chunk-${runId}${suffix}-${index}` };
}

/** Job states from which a job still runs by itself; anything else (completed, failed, gone) will not. */
const liveStates = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/**
 * A run as a BullMQ flow: one child per chunk of items, the plan job as parent, released when every child is done.
 * A flow's jobs take no queue's default options, so each of them (parent and children) is given the retention.
 */
export class BullmqDispatcher implements RunDispatcher {
  private readonly flows: FlowProducer;
  private readonly queue: Queue;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly queueName = DEFAULT_QUEUE,
    private readonly retention?: JobRetention,
    /** Where the connection errors of its flow producer and queue go (else BullMQ prints each with its stack). */
    onError?: (error: Error) => void,
  ) {
    this.flows = new FlowProducer({ connection });
    this.queue = new Queue(queueName, { connection });
    if (onError) {
      this.flows.on('error', onError);
      this.queue.on('error', onError);
    }
  }

  async dispatchRun(runId: number, chunks: ItemRange[], dispatch = 1): Promise<void> {
    const options = { ...retryPolicy, ...this.retention };
    const ids = runJobIds(runId, dispatch);
    const adding = this.flows.add({
      name: 'plan-run',
      queueName: this.queueName,
      data: { runId },
      opts: { jobId: ids.plan, ...options },
      children: chunks.map((range, index) => ({
        name: 'forecast-chunk',
        queueName: this.queueName,
        data: { runId, firstItemId: range.firstItemId, lastItemId: range.lastItemId },
        // A deterministic id: dispatching the same run twice cannot queue a chunk twice.
        opts: { jobId: ids.chunk(index), failParentOnFailure: true, ...options },
      })),
    });
    await withTimeout(adding, DISPATCH_TIMEOUT_MS, 'queueing the run in Redis');
  }

  /** The sense job on the queue; the worker that takes it runs the sense processor. */
  async dispatchSense(runId: number): Promise<void> {
    // One attempt: a failed sense run is closed as failed, and the next hour's run starts afresh.
    await this.queue.add('sense', { runId }, { jobId: `sense-${runId}`, attempts: 1, ...this.retention });
  }

  /** One sweep job; sweeps lease what they send, so a duplicate sweep is harmless. Its own retries are the deliveries'. */
  async dispatchWebhookDelivery(): Promise<void> {
    await this.flows.add({ name: 'deliver-webhooks', queueName: this.queueName, data: {}, opts: { ...this.retention } });
  }

  async hasLiveJobs(runId: number, dispatch: number): Promise<boolean> {
    return liveStates.has(await this.queue.getJobState(runJobIds(runId, dispatch).plan));
  }

  async ensureReachable(): Promise<void> {
    const connection = this.connection;
    if (!(connection instanceof IORedis) || connection.status === 'ready') return;
    // A connection still being made gets a moment; one that was lost (reconnecting, closed) is refused at once.
    if (['wait', 'connecting', 'connect'].includes(connection.status)) {
      const ready = new Promise<void>((resolve) => connection.once('ready', resolve));
      if (connection.status === 'wait') void connection.connect().catch(() => undefined);
      if (await withTimeout(ready, 2000, 'redis').then(() => true, () => false)) return;
    }
    throw new ServiceUnavailableError(`the job queue (Redis) is unreachable (connection ${connection.status}); try again once it is back`);
  }

  async close(): Promise<void> {
    await this.flows.close();
    await this.queue.close();
  }
}

/**
 * Declares every schedule; upsertJobScheduler makes repeated start-ups idempotent. The jobs take the queue's default
 * options (createQueue: the retention) as well as the retry policy.
 */
export async function applySchedules(queue: Queue, list: Schedule[]): Promise<void> {
  for (const schedule of list) {
    await queue.upsertJobScheduler(schedule.id, { pattern: schedule.pattern, tz: 'UTC' }, { name: schedule.job, data: schedule.data, opts: retryPolicy });
  }
}

/** Declares the schedules Redis does not have (it lost its data); returns their ids. */
export async function declareMissingSchedules(queue: Queue, list: Schedule[]): Promise<string[]> {
  const missing: Schedule[] = [];
  for (const schedule of list) if (!(await queue.getJobScheduler(schedule.id))) missing.push(schedule);
  if (missing.length > 0) await applySchedules(queue, missing);
  return missing.map((schedule) => schedule.id);
}

/**
 * A failure no retry can mend: the service rejected the job's data or the state it found (a 4xx AppError: run not
 * found, run failed, invalid item range, a run already going for start-run). Anything else (the database or Redis
 * gone, a timeout, a bug) may pass on the next attempt.
 */
export function isDataError(error: unknown): boolean {
  return error instanceof AppError && error.statusCode < 500;
}

/**
 * The BullMQ adapter: every job is handed to the processor of the same name. Data errors fail the job at once
 * (UnrecoverableError); other errors are retried with exponential backoff.
 */
export function startWorker(options: {
  connection: ConnectionOptions;
  services: JobServices;
  logger: Logger;
  concurrency: number;
  queueName?: string;
  /**
   * How long a job waits out the database being unreachable (default 10 min) before the failure counts as one of
   * its tries. Meanwhile the worker takes no new job, and the job is tried again as soon as the database answers.
   */
  dependencyRetryMs?: number;
  /** How long a job's lock lives without renewal (BullMQ default 30 s): a dead worker's job is freed after this. */
  lockDuration?: number;
  /** How often this worker looks for jobs whose lock expired and puts them back in the queue (BullMQ default 30 s). */
  stalledInterval?: number;
}): Worker {
  const { services, logger } = options;
  const retryWindowMs = options.dependencyRetryMs ?? 600_000;
  const outage = databaseOutage(() => services.pipeline.ping(), logger, {
    pause: () => void worker.pause(true),
    resume: () => void worker.resume(),
  });
  const worker = new Worker(
    options.queueName ?? DEFAULT_QUEUE,
    async (job) => {
      const processor = processors[job.name as JobName] as ((data: unknown, services: JobServices) => Promise<unknown>) | undefined;
      if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}"`);
      const giveUpAt = Date.now() + retryWindowMs;
      for (;;) {
        try {
          return await processor(job.data, services);
        } catch (error) {
          // The database (or Redis) went away: wait for it and run the job again, without spending one of its tries.
          if (isConnectionError(error) && Date.now() < giveUpAt && (await outage.waitForRecovery(giveUpAt))) continue;
          if (!isDataError(error)) throw error;
          const unrecoverable = new UnrecoverableError((error as AppError).message);
          unrecoverable.cause = error;
          throw unrecoverable;
        }
      }
    },
    {
      connection: options.connection,
      concurrency: options.concurrency,
      ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
      ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval }),
    },
  );
  worker.on('failed', (job, error) => {
    logger.error({ err: error, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed');
    const runId = (job?.data as { runId?: number } | undefined)?.runId;
    if (!job || runId === undefined) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    if (exhausted || error instanceof UnrecoverableError) {
      // failRun itself waits for the database; past that, the run watchdog finds the run stalled.
      services.pipeline.failRun(runId, `${job.name}: ${error.message}`).catch((failError: unknown) => logger.error({ err: failError, runId }, 'could not mark run failed'));
    }
  });
  const connectionErrors = repeatedErrorLog(logger, 'worker connection error');
  worker.on('error', connectionErrors.report);
  if (options.connection instanceof IORedis) options.connection.on('ready', connectionErrors.ended);
  return worker;
}

/**
 * One outage of the database as the jobs of a worker meet it: the first job to meet it pauses the worker (no new job
 * is taken: each would only fail) and probes the database with a backoff; every job that met it waits for the probe
 * to succeed (true) or its own deadline to pass (false). The worker resumes with the database.
 */
function databaseOutage(probe: () => Promise<unknown>, logger: Logger, worker: { pause(): void; resume(): void }) {
  let recovered: Promise<void> | undefined;
  const probeUntilUp = async () => {
    const since = Date.now();
    logger.warn('database unreachable: this worker takes no new jobs until it answers');
    worker.pause();
    for (let attempt = 0; ; attempt++) {
      await sleep(backoffMs(attempt));
      try {
        await withTimeout(probe(), 5000, 'database probe');
        break;
      } catch {
        // Still away; the next probe waits longer.
      }
    }
    logger.info({ downSeconds: Math.round((Date.now() - since) / 1000) }, 'database reachable again: taking jobs');
    worker.resume();
  };
  return {
    async waitForRecovery(giveUpAt: number): Promise<boolean> {
      recovered ??= probeUntilUp().finally(() => (recovered = undefined));
      const timeLeft = giveUpAt - Date.now();
      if (timeLeft <= 0) return false;
      return withTimeout(recovered, timeLeft, 'database outage').then(
        () => true,
        () => false,
      );
    },
  };
}

/**
 * Logs a run of the same error once, as JSON with its code and message, then counts it: a line every minute while
 * it goes on and one when it ends, with the count (a Redis outage otherwise prints a stack per reconnection try).
 */
export function repeatedErrorLog(logger: Logger, message: string) {
  let current: { key: string; count: number; since: number; lastLine: number } | undefined;
  const summary = (ended: boolean) => {
    if (!current) return;
    const { key, count, since } = current;
    logger.warn({ error: key, count, seconds: Math.round((Date.now() - since) / 1000) }, ended ? `${message}s ended` : `${message} repeating`);
    current.lastLine = Date.now();
  };
  return {
    report: (error: Error) => {
      const key = [(error as { code?: string }).code, error.message].filter(Boolean).join(': ');
      if (current?.key === key) {
        current.count++;
        if (Date.now() - current.lastLine >= 60_000) summary(false);
        return;
      }
      if (current && current.count > 1) summary(true);
      current = { key, count: 1, since: Date.now(), lastLine: Date.now() };
      logger.error({ error: key, count: 1 }, message);
    },
    ended: () => {
      if (current && current.count > 1) summary(true);
      current = undefined;
    },
  };
}

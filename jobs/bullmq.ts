import { FlowProducer, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';
import type { Config } from '../src/config';
import { AppError } from '../src/errors';
import type { Logger } from '../src/logger';
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
 * A run as a BullMQ flow: one child per chunk of items, the plan job as parent, released when every child is done.
 * A flow's jobs take no queue's default options, so each of them (parent and children) is given the retention.
 */
export class BullmqDispatcher implements RunDispatcher {
  private readonly flows: FlowProducer;
  private readonly queue: Queue;

  constructor(
    connection: ConnectionOptions,
    private readonly queueName = DEFAULT_QUEUE,
    private readonly retention?: JobRetention,
  ) {
    this.flows = new FlowProducer({ connection });
    this.queue = new Queue(queueName, { connection });
  }

  async dispatchRun(runId: number, chunks: ItemRange[]): Promise<void> {
    const options = { ...retryPolicy, ...this.retention };
    await this.flows.add({
      name: 'plan-run',
      queueName: this.queueName,
      data: { runId },
      opts: { jobId: `plan-run-${runId}`, ...options },
      children: chunks.map((range, index) => ({
        name: 'forecast-chunk',
        queueName: this.queueName,
        data: { runId, firstItemId: range.firstItemId, lastItemId: range.lastItemId },
        // A deterministic id: dispatching the same run twice cannot queue a chunk twice.
        opts: { jobId: `forecast-chunk-${runId}-${index}`, failParentOnFailure: true, ...options },
      })),
    });
  }

  /** The sense job on the queue; the worker that takes it runs the sense processor. */
  async dispatchSense(runId: number): Promise<void> {
    // One attempt: a failed sense run is closed as failed, and the next hour's run starts afresh.
    await this.queue.add('sense', { runId }, { jobId: `sense-${runId}`, attempts: 1, ...this.retention });
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.flows.close();
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
  /** How long a job's lock lives without renewal (BullMQ default 30 s): a dead worker's job is freed after this. */
  lockDuration?: number;
  /** How often this worker looks for jobs whose lock expired and puts them back in the queue (BullMQ default 30 s). */
  stalledInterval?: number;
}): Worker {
  const { services, logger } = options;
  const worker = new Worker(
    options.queueName ?? DEFAULT_QUEUE,
    async (job) => {
      const processor = processors[job.name as JobName] as ((data: unknown, services: JobServices) => Promise<unknown>) | undefined;
      if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}"`);
      try {
        return await processor(job.data, services);
      } catch (error) {
        if (!isDataError(error)) throw error;
        const unrecoverable = new UnrecoverableError((error as AppError).message);
        unrecoverable.cause = error;
        throw unrecoverable;
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
      services.pipeline.failRun(runId, `${job.name}: ${error.message}`).catch((failError: unknown) => logger.error({ err: failError }, 'could not mark run failed'));
    }
  });
  return worker;
}

import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '../src/logger';
import type { ItemRange, RunDispatcher } from './dispatcher';
import { processors, runJob, type JobServices } from './processors';
import type { Schedule } from './schedules';

/**
 * The embedded default when no Redis is configured: the same processors, one job at a time in this process,
 * and the same schedules on timers. Work is chained on one promise, so runs never overlap.
 */
export class InProcessRunner implements RunDispatcher {
  private tail: Promise<unknown> = Promise.resolve();
  private timers = new Map<string, NodeJS.Timeout>();
  private services?: JobServices;
  private closed = false;
  /** The dispatches queued or running here, as `runId:dispatch`. */
  private readonly live = new Set<string>();
  private delivering?: Promise<void>;
  private deliverAgain = false;

  constructor(private readonly logger: Logger) {}

  /** The services are built after the runner (they need it as their dispatcher), so they are attached here. */
  attach(services: JobServices): void {
    this.services = services;
  }

  startSchedules(list: Schedule[]): void {
    for (const schedule of list) this.arm(schedule);
  }

  async dispatchRun(runId: number, chunks: ItemRange[], dispatch = 1): Promise<void> {
    const key = `${runId}:${dispatch}`;
    this.live.add(key);
    this.enqueue(async () => {
      const services = this.requireServices();
      try {
        for (const range of chunks) await processors['forecast-chunk']({ runId, ...range }, services);
        await processors['plan-run']({ runId }, services);
      } catch (error) {
        this.logger.error({ err: error, runId }, 'run failed');
        await services.pipeline
          .failRun(runId, error instanceof Error ? error.message : String(error))
          .catch((failError: unknown) => this.logger.error({ err: failError, runId }, 'could not mark run failed'));
      } finally {
        this.live.delete(key);
      }
    });
  }

  async dispatchSense(runId: number): Promise<void> {
    this.enqueue(async () => {
      await processors.sense({ runId }, this.requireServices()).catch((error: unknown) => this.logger.error({ err: error, runId }, 'sense run failed'));
    });
  }

  async hasLiveJobs(runId: number, dispatch: number): Promise<boolean> {
    return this.live.has(`${runId}:${dispatch}`);
  }

  /**
   * Webhook sweeps run beside the run chain (a slow receiver must not hold up planning), one at a time: a request
   * during a sweep asks for one more after it.
   */
  async dispatchWebhookDelivery(): Promise<void> {
    if (this.closed) return;
    if (this.delivering) {
      this.deliverAgain = true;
      return;
    }
    this.delivering = (async () => {
      do {
        this.deliverAgain = false;
        try {
          await processors['deliver-webhooks']({}, this.requireServices());
        } catch (error) {
          this.logger.warn({ err: error }, 'webhook delivery sweep failed; the schedule tries again');
        }
      } while (this.deliverAgain && !this.closed);
    })().finally(() => {
      this.delivering = undefined;
    });
  }

  /** Resolves when every job queued so far has finished, webhook sweeps included. */
  async idle(): Promise<void> {
    await this.tail;
    while (this.delivering) await this.delivering;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.idle();
  }

  private enqueue(work: () => Promise<void>): void {
    this.tail = this.tail.then(work, work);
  }

  private arm(schedule: Schedule): void {
    if (this.closed) return;
    const next = CronExpressionParser.parse(schedule.pattern, { tz: 'UTC' }).next().getTime();
    // setTimeout holds at most 2^31-1 ms (~24.8 days): wake up early and re-arm when the next time is further out.
    const delay = Math.min(Math.max(next - Date.now(), 0), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (Date.now() >= next) {
        runJob(schedule.job, schedule.data, this.requireServices()).catch((error: unknown) =>
          this.logger.warn({ err: error, schedule: schedule.id }, 'scheduled job failed'),
        );
      }
      this.arm(schedule);
    }, delay);
    timer.unref();
    this.timers.set(schedule.id, timer);
  }

  private requireServices(): JobServices {
    if (!this.services) throw new Error('InProcessRunner: attach(services) before running jobs');
    return this.services;
  }
}

import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WeeklySeries } from '../db/repositories/sales';
import type { SeriesForecaster } from '../src/services/forecast-stage';
import type { SeriesForecastOptions, SeriesForecastRows } from '../src/services/forecast-series';

export interface ForecastTask {
  series: WeeklySeries[];
  options: SeriesForecastOptions;
}
export type ForecastReply = { rows: SeriesForecastRows } | { error: string };

interface Pending {
  task: ForecastTask;
  resolve: (rows: SeriesForecastRows) => void;
  reject: (error: Error) => void;
}

/**
 * A small pool of worker threads for the model fits of forecast chunks: up to `size` threads, started on first
 * use, one task per thread at a time, the rest queued. A thread that dies fails its task (BullMQ retries the job)
 * and is replaced by the next task.
 */
export class ForecastPool implements SeriesForecaster {
  private readonly threads = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly queued: Pending[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`ForecastPool: size must be a positive integer, got ${size}`);
  }

  forecast(series: WeeklySeries[], options: SeriesForecastOptions): Promise<SeriesForecastRows> {
    return new Promise((resolve, reject) => {
      this.queued.push({ task: { series, options }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    for (const pending of this.queued.splice(0)) pending.reject(new Error('ForecastPool: closed'));
    await Promise.all([...this.threads].map((thread) => thread.terminate()));
  }

  private dispatch(): void {
    while (this.queued.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.size < this.size ? this.spawn() : undefined);
      if (!thread) return;
      const pending = this.queued.shift()!;
      this.running.set(thread, pending);
      thread.postMessage(pending.task);
    }
  }

  private spawn(): Worker {
    const thread = new Worker(path.join(__dirname, 'forecast-thread.js'));
    this.threads.add(thread);
    thread.on('message', (reply: ForecastReply) => {
      const pending = this.settle(thread);
      this.idle.push(thread);
      if ('error' in reply) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.rows);
      this.dispatch();
    });
    thread.on('error', (error) => this.settle(thread)?.reject(error));
    thread.on('exit', (code) => {
      this.threads.delete(thread);
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
      this.settle(thread)?.reject(new Error(`forecast thread exited with code ${code}`));
      this.dispatch();
    });
    return thread;
  }

  private settle(thread: Worker): Pending | undefined {
    const pending = this.running.get(thread);
    this.running.delete(thread);
    return pending;
  }
}

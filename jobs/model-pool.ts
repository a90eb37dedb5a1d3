import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WeeklySeries } from '../db/repositories/sales';
import type { SeriesForecaster } from '../src/services/forecast-stage';
import type { SeriesForecastOptions, SeriesForecastRows } from '../src/services/forecast-series';
import type { ChunkPlanner } from '../src/services/plan-stage';
import type { ChunkInputs, ChunkPlan, PairContext } from '../src/services/planning/plan-pairs';

/** The pure work a thread does: a forecast chunk's model fits, or a plan chunk's pairs. */
export type ModelTask =
  | { kind: 'forecast'; series: WeeklySeries[]; options: SeriesForecastOptions }
  | { kind: 'plan'; data: ChunkInputs; asOfDate: string; context: PairContext };
export type ModelReply = { result: SeriesForecastRows | ChunkPlan } | { error: string };

interface Pending {
  task: ModelTask;
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

/**
 * A small pool of worker threads for the model work of the jobs (forecast chunks' fits, the plan stage's chunks): up
 * to `size` threads, started on first use, one task per thread at a time, the rest queued. A thread that dies fails
 * its task (BullMQ retries the job) and is replaced by the next task.
 */
export class ModelPool implements SeriesForecaster {
  private readonly threads = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly queued: Pending[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`ModelPool: size must be a positive integer, got ${size}`);
  }

  forecast(series: WeeklySeries[], options: SeriesForecastOptions): Promise<SeriesForecastRows> {
    return this.run<SeriesForecastRows>({ kind: 'forecast', series, options });
  }

  /** The plan stage's planner on these threads, `parallelism` chunks at once (at most the pool's size run together). */
  planner(parallelism = this.size): ChunkPlanner {
    return {
      parallelism,
      planChunk: (data: ChunkInputs, asOfDate: string, context: PairContext) => this.run<ChunkPlan>({ kind: 'plan', data, asOfDate, context }),
    };
  }

  async close(): Promise<void> {
    for (const pending of this.queued.splice(0)) pending.reject(new Error('ModelPool: closed'));
    await Promise.all([...this.threads].map((thread) => thread.terminate()));
  }

  private run<Result>(task: ModelTask): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queued.push({ task, resolve: resolve as (result: never) => void, reject });
      this.dispatch();
    });
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
    const thread = new Worker(path.join(__dirname, 'model-thread.js'));
    this.threads.add(thread);
    thread.on('message', (reply: ModelReply) => {
      const pending = this.settle(thread);
      this.idle.push(thread);
      if ('error' in reply) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.result as never);
      this.dispatch();
    });
    thread.on('error', (error) => this.settle(thread)?.reject(error));
    thread.on('exit', (code) => {
      this.threads.delete(thread);
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
      this.settle(thread)?.reject(new Error(`model thread exited with code ${code}`));
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

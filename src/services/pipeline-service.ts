import type { Knex } from 'knex';
import { activeItemIdRanges } from '../../db/repositories/items';
import {
  closeRun,
  deleteUndispatchedRun,
  failRunningRuns,
  findRun,
  listRuns,
  openRun,
  pruneRuns,
  recordDispatch,
  reopenRun,
  runningRuns,
  setRunCounts,
  unfinishedChunks,
  type PruneCounts,
  type Run,
  type RunningRun,
} from '../../db/repositories/runs';
import { planErrorsOfRun, type ListedPlanError } from '../../db/repositories/plan-errors';
import type { ItemRange, RunDispatcher } from '../../jobs/dispatcher';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { isConnectionError, retryWhileUnreachable } from './dependency-retry';

export const PIPELINE_RUN_KIND = 'pipeline';
export const PLAN_ERRORS_SHOWN = 100;

/** A stage that works on a whole run once every forecast chunk is written (planning, backorder allocation, …). */
export type RunStage = (runId: number, asOfDate: string) => Promise<Record<string, number>>;
/** The forecast stage for one chunk of items; it records the chunk done (completeChunk) with its rows. */
export type ChunkStage = (runId: number, asOfDate: string, range: ItemRange) => Promise<Record<string, number>>;

export interface PipelineService {
  /** Opens a run and dispatches its chunks; a ConflictError names the run already going. */
  startRun(trigger: string): Promise<{ runId: number; chunks: number }>;
  forecastChunk(runId: number, range: ItemRange): Promise<Record<string, number>>;
  /** The stages after forecasting, then the run is closed as succeeded. */
  planRun(runId: number): Promise<Record<string, number>>;
  /** Fails a running run; waits out the database being unreachable (dependencyRetryMs) so the outcome is recorded. */
  failRun(runId: number, message: string): Promise<void>;
  /** An admin fails a running run (its remaining jobs are then refused). */
  cancelRun(runId: number): Promise<Run>;
  /**
   * Dispatches the unfinished chunks of a running run whose jobs are gone, or of a failed run (opened again), then
   * its plan step: finished chunks are kept. A running run whose jobs are still queued is a ConflictError.
   */
  resumeRun(runId: number): Promise<{ runId: number; chunks: number; dispatch: number }>;
  /**
   * The watchdog's round: each running run with no progress for stallSeconds whose jobs are gone is dispatched
   * again (its finished chunks kept), or failed with the reason once it was dispatched maxDispatches times.
   */
  recoverStalledRuns(): Promise<Array<{ runId: number; action: 'dispatched' | 'failed' }>>;
  /** The running runs, how long each has run and gone without progress (for /ready and /metrics). */
  runningRuns(): Promise<RunningRun[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Fails runs left running by a process that died (in-process mode, where a run lives and dies with its process). */
  failInterruptedRuns(): Promise<number[]>;
  getRun(runId: number): Promise<Run>;
  /** A run with the first PLAN_ERRORS_SHOWN item × locations it could not plan, and why (counts.planErrors has how many). */
  getRunDetail(runId: number): Promise<Run & { planErrors: ListedPlanError[] }>;
  listRuns(options: { beforeId?: number; limit: number }): Promise<Run[]>;
  /** Housekeeping: prunes finished runs older than the retention (see pruneRuns in db/repositories/runs.ts). */
  pruneRuns(): Promise<PruneCounts>;
}

export function createPipelineService(deps: {
  db: Knex;
  logger: Logger;
  metrics: Metrics;
  dispatcher: RunDispatcher;
  chunkSize: number;
  /** Finished runs older than this many days are pruned by housekeeping. */
  runRetentionDays: number;
  forecastStage: ChunkStage;
  runStages: Array<{ name: string; stage: RunStage }>;
  /** How long writing a run's outcome waits out the database being unreachable. */
  dependencyRetryMs: number;
  /** Seconds without progress (and without queued jobs) after which a running run is stalled. */
  stallSeconds: number;
  /** How many times a run is dispatched in all before a stall fails it. */
  maxDispatches: number;
}): PipelineService {
  const { db, logger, metrics } = deps;

  /**
   * Records a dispatch and queues the chunks; the dispatch count guards against two processes dispatching one run.
   * Returns the dispatch number, or undefined when another process got there first.
   */
  async function dispatch(runId: number, chunks: ItemRange[], seenDispatches: number, allRanges: ItemRange[] | null): Promise<number | undefined> {
    const number = await recordDispatch(db, runId, allRanges, seenDispatches);
    if (number === undefined) return undefined;
    await deps.dispatcher.dispatchRun(runId, chunks, number);
    return number;
  }

  /** Dispatches again what a run has left; a ConflictError when its jobs are still queued or another dispatch won. */
  async function dispatchUnfinished(run: Run, reason: string): Promise<{ runId: number; chunks: number; dispatch: number }> {
    const left = await unfinishedChunks(db, run.id);
    if (!left || left.dispatches === 0) throw new ConflictError(`run ${run.id} was never dispatched and has no chunk list: fail it and start a new run`, { runId: run.id });
    if (left.dispatches > 0 && (await deps.dispatcher.hasLiveJobs?.(run.id, left.dispatches))) {
      throw new ConflictError(`run ${run.id} still has jobs in the queue; cancel it first or let them finish`, { runId: run.id });
    }
    await deps.dispatcher.ensureReachable?.();
    const number = await dispatch(run.id, left.chunks, left.dispatches, null);
    if (number === undefined) throw new ConflictError(`run ${run.id} was dispatched by another process meanwhile`, { runId: run.id });
    logger.warn({ runId: run.id, dispatch: number, chunksLeft: left.chunks.length, reason }, 'run dispatched again');
    return { runId: run.id, chunks: left.chunks.length, dispatch: number };
  }

  async function requireRun(runId: number): Promise<Run> {
    if (!Number.isSafeInteger(runId) || runId < 1) throw new ValidationError(`run id must be a positive integer, got ${JSON.stringify(runId)}`);
    const run = await findRun(db, runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    return run;
  }

  /**
   * The run a job works on. A succeeded run's jobs may run again (they rewrite the same rows); a failed run's may
   * not: once one of its jobs gave up, its other jobs would only write rows nobody reads.
   */
  async function requireRunToWorkOn(runId: number): Promise<Run> {
    const run = await requireRun(runId);
    if (run.status === 'failed') throw new ConflictError(`run ${runId} has failed: its jobs no longer run`, { runId, error: run.error });
    return run;
  }

  const service: PipelineService = {
    async startRun(trigger) {
      // Redis known to be away: refuse before a run row exists that could not be dispatched.
      await deps.dispatcher.ensureReachable?.();
      const opened = await openRun(db, { kind: PIPELINE_RUN_KIND, trigger });
      if ('runningId' in opened) {
        throw new ConflictError(`run ${opened.runningId} is still running`, { runningRunId: opened.runningId });
      }
      const { run } = opened;
      const chunks = await activeItemIdRanges(db, deps.chunkSize);
      await setRunCounts(db, run.id, { chunks: chunks.length, chunksDone: 0, items: chunks.reduce((sum, chunk) => sum + chunk.itemCount, 0) });
      logger.info({ runId: run.id, trigger, chunks: chunks.length, asOfDate: run.asOfDate }, 'run started');
      const ranges = chunks.map(({ firstItemId, lastItemId }) => ({ firstItemId, lastItemId }));
      try {
        await dispatch(run.id, ranges, 0, ranges);
      } catch (error) {
        // Not queued: take the run back, so the next start is not refused by a run nothing works on. Should the
        // database be away too, the watchdog finds the run stalled with no jobs and dispatches it.
        const queueError = error instanceof AppError ? error : new ServiceUnavailableError(`could not queue run ${run.id}: ${(error as Error).message}`);
        await deleteUndispatchedRun(db, run.id).catch((deleteError: unknown) => logger.error({ err: deleteError, runId: run.id }, 'could not take back an undispatched run'));
        logger.error({ runId: run.id, error: (error as Error).message }, 'run not started: its jobs could not be queued');
        throw queueError;
      }
      return { runId: run.id, chunks: chunks.length };
    },

    async forecastChunk(runId, range) {
      const { firstItemId, lastItemId } = range;
      if (!Number.isSafeInteger(firstItemId) || !Number.isSafeInteger(lastItemId) || firstItemId > lastItemId) {
        throw new ValidationError(`invalid item range ${JSON.stringify(firstItemId)}..${JSON.stringify(lastItemId)}`, { firstItemId, lastItemId });
      }
      const run = await requireRunToWorkOn(runId);
      // The stage records the chunk (and so the run's progress) in the transaction that writes its rows.
      return deps.forecastStage(runId, run.asOfDate!, range);
    },

    async planRun(runId) {
      const run = await requireRunToWorkOn(runId);
      // The queue says every chunk job completed; the database must agree, or the plan would miss SKUs' forecasts.
      const { chunks, chunksDone = 0 } = run.counts;
      if (chunks !== undefined && chunksDone < chunks) {
        throw new ConflictError(`run ${runId} has ${chunksDone} of ${chunks} chunks recorded: resume it to forecast the others`, { runId, chunks, chunksDone });
      }
      const totals: Record<string, number> = {};
      for (const { name, stage } of deps.runStages) {
        const started = Date.now();
        Object.assign(totals, await stage(runId, run.asOfDate!));
        logger.info({ runId, stage: name, ms: Date.now() - started }, 'stage done');
      }
      await setRunCounts(db, runId, totals);
      await closeRun(db, runId, { status: 'succeeded' });
      logger.info({ runId, ...totals }, 'run succeeded');
      metrics.countPlanned(totals.plannedItems ?? 0);
      return totals;
    },

    async failRun(runId, message) {
      await retryWhileUnreachable(() => closeRun(db, runId, { status: 'failed', error: message }), {
        windowMs: deps.dependencyRetryMs,
        onRetry: (error, attempt) => attempt === 0 && logger.warn({ runId, error: (error as Error).message }, 'database unreachable: marking the run failed once it answers'),
      });
    },

    async cancelRun(runId) {
      const run = await requireRun(runId);
      if (run.status !== 'running') throw new ConflictError(`run ${runId} is not running (${run.status})`, { runId, status: run.status });
      await closeRun(db, runId, { status: 'failed', error: 'cancelled by an admin' });
      logger.warn({ runId }, 'run cancelled');
      return requireRun(runId);
    },

    async resumeRun(runId) {
      const run = await requireRun(runId);
      if (run.status === 'succeeded') throw new ConflictError(`run ${runId} has succeeded: start a new run instead`, { runId });
      if (run.status === 'failed') {
        const reopened = await reopenRun(db, runId).catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505') return false;
          throw error;
        });
        if (!reopened) throw new ConflictError(`run ${runId} cannot be resumed: another run is running or it was pruned`, { runId });
        try {
          return await dispatchUnfinished({ ...run, status: 'running' }, 'resumed by an admin');
        } catch (error) {
          await closeRun(db, runId, { status: 'failed', error: run.error ?? 'resume failed' });
          throw error;
        }
      }
      return dispatchUnfinished(run, 'resumed by an admin');
    },

    async recoverStalledRuns() {
      const actions: Array<{ runId: number; action: 'dispatched' | 'failed' }> = [];
      for (const running of await runningRuns(db, PIPELINE_RUN_KIND)) {
        if (running.idleSeconds < deps.stallSeconds) continue;
        if (running.dispatches > 0 && (await deps.dispatcher.hasLiveJobs?.(running.id, running.dispatches)) !== false) continue;
        metrics.countStuckRun();
        const idle = Math.round(running.idleSeconds);
        if (running.dispatches === 0 || running.dispatches >= deps.maxDispatches) {
          const why =
            running.dispatches === 0
              ? `stalled: never queued (the queue was unreachable), no progress for ${idle} s`
              : `stalled: no progress for ${idle} s and its jobs are gone from the queue, after ${running.dispatches} dispatches`;
          await closeRun(db, running.id, { status: 'failed', error: why });
          logger.error({ runId: running.id, reason: why }, 'stalled run failed');
          actions.push({ runId: running.id, action: 'failed' });
          continue;
        }
        try {
          await dispatchUnfinished(await requireRun(running.id), `stalled: no progress for ${idle} s and its jobs are gone from the queue`);
          actions.push({ runId: running.id, action: 'dispatched' });
        } catch (error) {
          // Another process dispatched it, or the queue is still away: the next round looks again.
          if (!(error instanceof AppError) && !isConnectionError(error)) throw error;
          logger.warn({ runId: running.id, error: (error as Error).message }, 'stalled run not dispatched again yet');
        }
      }
      return actions;
    },

    runningRuns: () => runningRuns(db, PIPELINE_RUN_KIND),
    ping: async () => void (await db.raw('select 1')),

    failInterruptedRuns: () => failRunningRuns(db, PIPELINE_RUN_KIND, 'interrupted: the process running it stopped'),

    getRun: requireRun,
    async getRunDetail(runId) {
      const run = await requireRun(runId);
      return { ...run, planErrors: await planErrorsOfRun(db, runId, PLAN_ERRORS_SHOWN) };
    },
    listRuns: (options) => listRuns(db, options),

    async pruneRuns() {
      const counts = await pruneRuns(db, { retentionDays: deps.runRetentionDays });
      logger.info({ retentionDays: deps.runRetentionDays, ...counts }, 'old runs pruned');
      return counts;
    },
  };
  // The two job steps are timed for /metrics, failures included.
  return {
    ...service,
    forecastChunk: (runId, range) => metrics.timeJob('forecast-chunk', () => service.forecastChunk(runId, range)),
    planRun: (runId) => metrics.timeJob('plan-run', () => service.planRun(runId)),
  };
}

import type { Knex } from 'knex';
import { activeItemIdRanges } from '../../db/repositories/items';
import { closeRun, failRunningRuns, findRun, listRuns, openRun, pruneRuns, setRunCounts, type PruneCounts, type Run } from '../../db/repositories/runs';
import { planErrorsOfRun, type ListedPlanError } from '../../db/repositories/plan-errors';
import type { ItemRange, RunDispatcher } from '../../jobs/dispatcher';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

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
  failRun(runId: number, message: string): Promise<void>;
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
}): PipelineService {
  const { db, logger, metrics } = deps;

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
      const opened = await openRun(db, { kind: PIPELINE_RUN_KIND, trigger });
      if ('runningId' in opened) {
        throw new ConflictError(`run ${opened.runningId} is still running`, { runningRunId: opened.runningId });
      }
      const { run } = opened;
      const chunks = await activeItemIdRanges(db, deps.chunkSize);
      await setRunCounts(db, run.id, { chunks: chunks.length, chunksDone: 0, items: chunks.reduce((sum, chunk) => sum + chunk.itemCount, 0) });
      logger.info({ runId: run.id, trigger, chunks: chunks.length, asOfDate: run.asOfDate }, 'run started');
      await deps.dispatcher.dispatchRun(
        run.id,
        chunks.map(({ firstItemId, lastItemId }) => ({ firstItemId, lastItemId })),
      );
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
      await closeRun(db, runId, { status: 'failed', error: message });
    },

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

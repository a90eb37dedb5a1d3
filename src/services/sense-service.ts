import type { Knex } from 'knex';
import type { FoundException } from '../../db/repositories/exceptions';
import { recordExceptionsWithEvents } from './exception-events';
import { closeRun, failRunningRuns, findRun, latestSucceededRunId, openRun, setRunCounts } from '../../db/repositories/runs';
import { sensingInputs } from '../../db/repositories/sensing';
import { senseDemand, SENSING_DAYS, type SensedChange } from '../../models/forecast/sensing';
import { ConflictError } from '../errors';
import type { Logger } from '../logger';
import { PIPELINE_RUN_KIND } from './pipeline-service';
import type { ForecastAdjustment, Replanner } from './plan-stage';

export const SENSE_RUN_KIND = 'sense';
export const SENSE_EXCEPTION_KINDS = ['spike', 'drop', 'bias'] as const;
/** Weeks of the forecast a sensed change re-plans at the sensed rate: about a lead time and a review. */
const ADJUSTED_WEEKS = 4;
/** The sensed rate is held within these multiples of the forecast: a first day's sales are a noisy guide. */
const RATIO_LIMITS = [0.25, 4] as const;
/** A sense run still 'running' after this long was left by a process that died: the next start fails it. */
const STALE_RUN_MINUTES = 30;

export interface SenseCounts {
  sensedPairs: number;
  spikes: number;
  drops: number;
  biased: number;
  replannedItems: number;
  recommendations: number;
  criticalRecommendations: number;
}

export interface SenseService {
  /** Opens a sense run and hands it to the job runner (or runs it in the background without one); 409 while one runs. */
  startRun(trigger: string): Promise<{ runId: number }>;
  /** Opens a sense run and runs it to the end here (the CLI and the scheduled job). */
  runNow(trigger: string): Promise<{ runId: number; counts: SenseCounts }>;
  /** The work of an opened sense run: check, record exceptions, re-plan the flagged pairs, close the run. */
  senseRun(runId: number): Promise<SenseCounts>;
  /** Fails sense runs left running by a process that stopped (in-process mode, at start-up). */
  failInterruptedRuns(): Promise<number[]>;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function actionFor(change: SensedChange, factor: number): string {
  const what = { spike: 'demand above the forecast', drop: 'demand below the forecast', bias: 'the forecast biased' }[change.kind];
  return `${what}: re-planned now with the next ${ADJUSTED_WEEKS} weeks at ${round(factor)}x the forecast (recommendation, urgency and expedite flag updated)`;
}

/**
 * Demand sensing within the day (models/forecast/sensing.ts): reads only the first forecast week of the latest
 * succeeded pipeline run and the last 9 days of sales, records spike, drop and bias exceptions (resolving the ones
 * no longer seen) and re-plans the flagged item × locations in that run with the plan stage's own steps, their next
 * weeks at the sensed rate. The nightly run then forecasts from the new history as usual, where history cleaning
 * keeps a one-off week out of the level.
 */
export function createSenseService(deps: {
  db: Knex;
  logger: Logger;
  replan: Replanner;
  /** Hands an opened sense run to the job runner; absent, the run goes on in the background of this process. */
  dispatch?: (runId: number) => Promise<void>;
  /** Throws when the job runner cannot take the run now: nothing is opened then. */
  ensureReachable?: () => Promise<void>;
  now: () => Date;
}): SenseService {
  const { db, logger } = deps;

  async function open(trigger: string): Promise<number> {
    let opened = await openRun(db, { kind: SENSE_RUN_KIND, trigger });
    if ('runningId' in opened) {
      const running = await findRun(db, opened.runningId);
      const ageMinutes = running ? (deps.now().getTime() - new Date(running.startedAt).getTime()) / 60_000 : 0;
      if (ageMinutes < STALE_RUN_MINUTES) throw new ConflictError(`sense run ${opened.runningId} is still running`, { runningRunId: opened.runningId });
      await closeRun(db, opened.runningId, { status: 'failed', error: `still running after ${STALE_RUN_MINUTES} minutes: its process stopped` });
      opened = await openRun(db, { kind: SENSE_RUN_KIND, trigger });
      if ('runningId' in opened) throw new ConflictError(`sense run ${opened.runningId} is still running`, { runningRunId: opened.runningId });
    }
    return opened.run.id;
  }

  async function senseRun(runId: number): Promise<SenseCounts> {
    try {
      const run = await findRun(db, runId);
      if (!run || run.kind !== SENSE_RUN_KIND) throw new Error(`run ${runId} is not a sense run`);
      const today = run.asOfDate!;
      const counts: SenseCounts = { sensedPairs: 0, spikes: 0, drops: 0, biased: 0, replannedItems: 0, recommendations: 0, criticalRecommendations: 0 };
      const planRunId = await latestSucceededRunId(db, PIPELINE_RUN_KIND);
      if (planRunId !== undefined) {
        const rows = await sensingInputs(db, planRunId, today, SENSING_DAYS);
        const found: FoundException[] = [];
        const adjustments = new Map<number, Map<number, ForecastAdjustment>>();
        for (const row of rows) {
          if (row.weekUpper95 === null) continue;
          const steady = row.demandClass === 'smooth' || row.demandClass === 'erratic';
          const changes = senseDemand({ weekMean: row.weekMean, weekUpper95: row.weekUpper95, steady, days: row.days });
          counts.sensedPairs += 1;
          if (changes.length === 0) continue;
          // A spike outranks a bias of the same sign; the first change found sets the rate re-planned at.
          const factor = Math.min(Math.max(changes[0].ratio, RATIO_LIMITS[0]), RATIO_LIMITS[1]);
          for (const change of changes) {
            counts[({ spike: 'spikes', drop: 'drops', bias: 'biased' } as const)[change.kind]] += 1;
            found.push({
              itemId: row.itemId,
              locationId: row.locationId,
              kind: change.kind,
              details: { ...change.details, ratio: round(change.ratio, 3), asOfDate: today, forecastRunId: planRunId },
              action: actionFor(change, factor),
            });
          }
          const locations = adjustments.get(row.itemId) ?? new Map<number, ForecastAdjustment>();
          locations.set(row.locationId, {
            factor,
            weeks: ADJUSTED_WEEKS,
            note: `demand sensing on ${today}: ${changes.map((change) => `${change.kind} (sales ${round(change.ratio)}x the forecast)`).join(', ')}; the next ${ADJUSTED_WEEKS} weeks planned at ${round(factor)}x the forecast`,
          });
          adjustments.set(row.itemId, locations);
        }
        await db.transaction((trx) => recordExceptionsWithEvents(trx, { runId, kinds: SENSE_EXCEPTION_KINDS, itemIds: [...new Set(rows.map((row) => row.itemId))] }, found, deps.now()));
        Object.assign(counts, await deps.replan(planRunId, today, adjustments));
      }
      await setRunCounts(db, runId, { ...counts });
      await closeRun(db, runId, { status: 'succeeded' });
      logger.info({ runId, ...counts }, 'sense run succeeded');
      return counts;
    } catch (error) {
      await closeRun(db, runId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  return {
    async startRun(trigger) {
      if (deps.dispatch) await deps.ensureReachable?.();
      const runId = await open(trigger);
      if (deps.dispatch) await deps.dispatch(runId);
      else senseRun(runId).catch((error: unknown) => logger.error({ err: error, runId }, 'sense run failed'));
      return { runId };
    },
    async runNow(trigger) {
      const runId = await open(trigger);
      return { runId, counts: await senseRun(runId) };
    },
    senseRun,
    failInterruptedRuns: () => failRunningRuns(db, SENSE_RUN_KIND, 'interrupted: the process running it stopped'),
  };
}

import type { Knex } from 'knex';
import type { FoundException } from '../../db/repositories/exceptions';
import { recordExceptionsWithEvents } from './exception-events';
import { closeRun, failRunningRuns, findRun, latestSucceededRunId, openRun, setRunCounts } from '../../db/repositories/runs';
import { sensingInputs } from '../../db/repositories/sensing';
import { addDays } from '../../db/dates';
import { replanFactors, senseDemand, SENSING_DAYS, type SensedChange } from '../../models/forecast/sensing';
import { ConflictError } from '../errors';
import type { Logger } from '../logger';
import { PIPELINE_RUN_KIND } from './pipeline-service';
import type { ForecastAdjustment, Replanner } from './plan-stage';

export const SENSE_RUN_KIND = 'sense';
export const SENSE_EXCEPTION_KINDS = ['spike', 'drop', 'bias'] as const;
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

const bound = (change: SensedChange) => (change.kind === 'drop' || change.excess < 0 ? 'its 1 % quantile' : 'its 99 % quantile');

/** What the change does to the plan: re-planned by its excess (or by the change found with it), or only recorded (and why). */
function actionFor(change: SensedChange, leading: SensedChange, replanned: boolean, weekMean: number): string {
  const what = { spike: 'demand above the forecast', drop: 'demand below the forecast', bias: 'the forecast biased' }[change.kind];
  if (replanned && change !== leading) return `${what}: re-planned now by the ${leading.kind} found with it`;
  if (replanned) {
    return `${what}: re-planned now, the ${round(Math.abs(change.excess))} units ${change.excess > 0 ? 'beyond' : 'short of'} ${bound(change)} over ${change.days} days added to the next weeks' forecast as a weekly rate fading by half a week (recommendation, urgency and expedite flag updated; a line already approved gets a top-up)`;
  }
  return weekMean > 0
    ? `${what}: recorded, not re-planned: the sales stay within the forecast's 1–99 % range over those days, so the nightly forecast corrects the level`
    : `${what}: recorded, not re-planned: the forecast is zero (nothing to scale); the nightly forecast takes the sales up`;
}

/**
 * Demand sensing within the day (models/forecast/sensing.ts): reads only the first forecast week of the latest
 * succeeded pipeline run and the last 9 days of sales, records spike, drop and bias exceptions (resolving the ones
 * no longer seen) and re-plans the flagged item × locations in that run with the plan stage's own steps, their next
 * weeks raised (or lowered) by the sales beyond the forecast's quantiles (replanFactors); a line a buyer already
 * approved gets a top-up for the extra need only. The nightly run then forecasts from the new history as usual,
 * where history cleaning keeps a one-off week out of the level.
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
          // A spike outranks a bias of the same sign; the first change found sets what the near weeks are re-planned by.
          const leading = changes[0];
          const replanned = replanFactors(leading, row.weekMean, 1) !== null;
          for (const change of changes) {
            counts[({ spike: 'spikes', drop: 'drops', bias: 'biased' } as const)[change.kind]] += 1;
            found.push({
              itemId: row.itemId,
              locationId: row.locationId,
              kind: change.kind,
              details: { ...change.details, ratio: round(change.ratio, 3), excess: round(change.excess, 3), asOfDate: today, forecastRunId: planRunId },
              action: actionFor(change, leading, replanned, row.weekMean),
            });
          }
          if (!replanned) continue;
          const locations = adjustments.get(row.itemId) ?? new Map<number, ForecastAdjustment>();
          locations.set(row.locationId, {
            sensed: { days: leading.days, excess: leading.excess },
            since: addDays(today, -(leading.days - 1)),
            reason: `demand sensing on ${today}: ${changes.map((change) => `${change.kind} (sales ${round(change.ratio)}x the forecast over ${change.days} days)`).join(', ')}; ${round(Math.abs(leading.excess))} units ${leading.excess > 0 ? 'beyond' : 'short of'} ${bound(leading)}`,
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

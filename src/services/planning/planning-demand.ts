import type { WeeklySeries } from '../../../db/repositories/sales';
import type { DemandClass } from '../../../models/forecast/classify';
import { protectionDemandSamples } from '../../../models/forecast/lead-time-demand';
import type { ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import type { PlanItemInput } from '../../../models/policy/plan';
import { buffersFromSamples } from '../../../models/policy/sample-buffer';
import { weeklyDemand } from '../forecast-series';

/** What planning reads of a stored forecast (forecastsForItems' ItemForecast, or the rows appendSeriesForecast makes). */
export interface PlanningForecast {
  mean: number[];
  errorSd: number | null;
  protectionErrors: ProtectionErrorSummary | null;
  demandClass: string;
}

export interface PlanningDemandInput {
  forecast: PlanningForecast;
  /** samplingHistory of the item × location; undefined when it has no sales rows. */
  history: number[] | undefined;
  /** The default source's planned lead time. */
  leadTime: { meanDays: number; stdDevDays: number };
  reviewPeriodDays: number;
  periodDays: number;
  /** Simulated protection intervals when the buffer comes from samples. */
  sampleCount: number;
  seed: number;
}

export type PlanningDemand = Pick<PlanItemInput, 'forecastMean' | 'forecastStdDev' | 'protectionErrors' | 'demandSamples' | 'cycleDemandSamples' | 'demandClass' | 'demandHistory'> & {
  forecastStdDevSource: 'forecast-residuals' | 'poisson';
  notes: string[];
};

/**
 * The demand half of planItem's input, from a forecast and the item's history: the one path from forecast to policy
 * that the plan stage, the backtest (src/services/replay/backtest.ts) and the replay all take, so that what they
 * measure is what buyers are sent.
 */
export function planningDemand(input: PlanningDemandInput): PlanningDemand {
  const { forecast, leadTime } = input;
  const notes: string[] = [];
  // A dying item (its sales stopped: the forecast stage forecast it at zero) is not buffered on its old sales either.
  const dying = forecast.demandClass === 'dying';
  const history = dying ? [] : input.history;
  if (dying) notes.push('dying: no sale for clearly longer than its usual interval; not reordered on its old rate');
  const forecastMean = forecast.mean.map((value) => Math.max(0, value));
  if (forecast.mean.some((value) => value < 0)) notes.push('negative forecast periods taken as zero demand');
  const meanDemand = forecastMean.reduce((sum, value) => sum + value, 0) / forecastMean.length;
  const hasResidualSd = forecast.errorSd !== null && Number.isFinite(forecast.errorSd) && forecast.errorSd >= 0;
  const forecastStdDev = hasResidualSd ? (forecast.errorSd as number) : Math.sqrt(meanDemand);
  if (!hasResidualSd) notes.push('the forecast has no residual standard deviation: σ per week = √(mean weekly demand), as for Poisson demand');

  const demandClass = forecast.demandClass as DemandClass;
  // planItem decides on the same default-source lead time + review, and keeps the decision on a re-plan.
  const protectionPeriods = (leadTime.meanDays + input.reviewPeriodDays) / input.periodDays;
  // Periodic review: the cycle is the review period's whole periods at the end of the interval (at least one).
  const cyclePeriods = input.reviewPeriodDays > 0 ? Math.max(1, Math.round(input.reviewPeriodDays / input.periodDays)) : 0;
  // The samples give the spread (quantile − mean) and the forecast the level: the empirical occurrence and sizes of the
  // whole history, not TSB's, whose probability rises after each sale and falls through each run of zeros, so that S
  // moved with it and stock bought for a higher S stayed (the position was above S at 38 % of the demo's intermittent
  // reviews, 21 % empirical), and whose tail was short on carparts (planned 98.9 % at 98 %, 95.0 % served from S).
  // A fading item's level still falls with its forecast; a dying one has no history here.
  const sampled =
    history && buffersFromSamples({ demandClass, history, protectionPeriods })
      ? protectionDemandSamples(history, {
          horizon: { mean: protectionPeriods, sd: leadTime.stdDevDays / input.periodDays },
          samples: input.sampleCount,
          seed: input.seed,
          cyclePeriods,
          method: 'empirical',
        })
      : undefined;
  const demandSamples = sampled?.totals;
  const cycleDemandSamples = sampled && cyclePeriods > 0 ? sampled.atRisk : undefined;
  return {
    forecastMean,
    forecastStdDev,
    forecastStdDevSource: hasResidualSd ? 'forecast-residuals' : 'poisson',
    protectionErrors: forecast.protectionErrors,
    demandSamples,
    cycleDemandSamples,
    demandClass,
    demandHistory: history,
    notes,
  };
}

/**
 * The weekly history lead-time demand is sampled from: the forecast stage's demand (weeklyDemand), less the weeks out
 * of stock on every day, which say nothing.
 */
export const samplingHistory = (series: Pick<WeeklySeries, 'quantities' | 'outOfStockDays' | 'soldOutDays'>): number[] => weeklyDemand(series).filter(Number.isFinite);

/** A different, fixed seed per item × location, so a rerun draws the same samples. */
export const samplingSeed = (itemId: number, locationId: number) => (Math.imul(itemId, 2_654_435_761) ^ Math.imul(locationId, 40_503)) >>> 0;

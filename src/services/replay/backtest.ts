/**
 * The policy backtest on the planner's own path: at each review the history so far goes through the forecast stage's
 * appendSeriesForecast, the plan stage's planningDemand and planItem, exactly as a nightly run plans one item with
 * nothing on hand (only S matters here), and models/policy/simulate.ts' replayOrderUpTo replays those levels over
 * the demand that followed. `replen simulate` and bench/policy.ts run it; the baselines (textbook, min/max) come from
 * models/policy/baseline-policies.ts on the same history.
 */
import { classifyDemand, type DemandClass } from '../../../models/forecast/classify';
import { minMaxLevels, textbookOrderUpTo } from '../../../models/policy/baseline-policies';
import { planItem } from '../../../models/policy/plan';
import { replayOrderUpTo, type ReplayOptions, type ReplayResult, type ReviewLevels } from '../../../models/policy/simulate';
import { appendSeriesForecast, type SeriesForecastRows } from '../forecast-series';
import { planningDemand, samplingHistory } from '../planning/planning-demand';
import { classPooledTails, withPooledTail } from '../planning/pooled-tails';
import type { PooledTail } from '../../../models/policy/pooled-tail';

export type BacktestPolicy = 'replen' | 'textbook' | 'minmax';

/** The planner counts time in days; the backtest's period is taken as a week of 7 (any period works: only ratios matter). */
const PERIOD_DAYS = 7;
/** The plan stage's default demandSampleCount. */
const DEFAULT_SAMPLES = 2000;
/** A Monday: the start of the first forecast step, for the rows' dates only. */
const FIRST_PERIOD = '2001-01-01';

export interface PlannerLevelOptions {
  /** Lead time L and review period R in periods; the lead time's spread σ_L in periods (the planner's lead-time sd). */
  leadTime: number;
  reviewPeriod: number;
  leadTimeStdDev?: number;
  seasonLength: number;
  /** Forecast periods (default ⌈L + R⌉): the planner's FORECAST_HORIZON_WEEKS. */
  horizon?: number;
  /** Demand samples per review for sampled buffers (default 2000, the plan stage's). */
  samples?: number;
  /** Seed of the samples (default 1). */
  seed?: number;
  /** Each demand class's pooled error tail, as the plan stage pools its run's (backtestPooledTails); none: each series' own. */
  pooledTails?: ReadonlyMap<string, PooledTail>;
}

/** What the planner decides for one history: the forecast's class and method, and S at each service level. */
export interface PlannerLevels {
  demandClass: DemandClass;
  /** The forecast's method and planItem's safetyStockMethod, e.g. 'adida; samples-quantile'. */
  method: string;
  orderUpTo: number[];
}

/**
 * The planner's order-up-to level for `history` (demand per period, oldest first) at each of `serviceLevels`: one
 * forecast, then planItem per level.
 */
/** The forecast stage's forecast of one history, as plannerOrderUpTo plans from it. */
function forecastHistory(history: number[], options: Pick<PlannerLevelOptions, 'leadTime' | 'reviewPeriod' | 'horizon' | 'seasonLength'>) {
  const series = { itemId: 1, locationId: 1, quantities: history, outOfStockDays: history.map(() => 0) };
  const rows: SeriesForecastRows = { forecasts: [], fits: [] };
  appendSeriesForecast(rows, series, {
    horizonWeeks: options.horizon ?? Math.max(1, Math.ceil(options.leadTime + options.reviewPeriod)),
    firstPeriodStart: FIRST_PERIOD,
    seasonLength: options.seasonLength,
  });
  return { series, fit: rows.fits[0], mean: rows.forecasts.map((row) => row.mean) };
}

/**
 * The pooled error tails the backtest plans with (planning/pooled-tails.ts, as the plan stage pools a run's): each
 * series' forecast at its first review (the warm-up), grouped by demand class. A nightly run pools the run it plans;
 * over a backtest's few dozen reviews the pool of the first stands for them all, at one forecast more per series.
 */
export function backtestPooledTails(
  histories: Array<{ demand: number[]; warmup: number; seasonLength: number }>,
  options: Pick<PlannerLevelOptions, 'leadTime' | 'reviewPeriod' | 'horizon'>,
): Map<string, PooledTail> {
  const members = histories.flatMap(({ demand, warmup, seasonLength }) => {
    const { fit, mean } = forecastHistory(demand.slice(0, warmup), { ...options, seasonLength });
    return fit.protectionErrors ? [{ demandClass: fit.demandClass, summary: fit.protectionErrors, forecastMean: mean }] : [];
  });
  return classPooledTails(members);
}

export function plannerOrderUpTo(history: number[], serviceLevels: number[], options: PlannerLevelOptions): PlannerLevels {
  const { series, fit, mean } = forecastHistory(history, options);
  const leadTime = { meanDays: options.leadTime * PERIOD_DAYS, stdDevDays: (options.leadTimeStdDev ?? 0) * PERIOD_DAYS };
  const reviewPeriodDays = options.reviewPeriod * PERIOD_DAYS;
  const demand = planningDemand({
    forecast: { mean, errorSd: fit.errorSd, protectionErrors: withPooledTail(fit.protectionErrors, mean, fit.demandClass, options.pooledTails), demandClass: fit.demandClass },
    history: samplingHistory(series),
    leadTime,
    reviewPeriodDays,
    periodDays: PERIOD_DAYS,
    sampleCount: options.samples ?? DEFAULT_SAMPLES,
    seed: options.seed ?? 1,
  });
  const plans = serviceLevels.map((level) =>
      planItem({
        sku: 'backtest',
        locationId: '1',
        startDate: FIRST_PERIOD,
        periodDays: PERIOD_DAYS,
        ...demand,
        leadTime,
        reviewPeriodDays,
        service: { measure: 'cycle', level },
        stock: { onHand: 0, onOrder: 0, backordered: 0, allocated: 0 },
        supplierItems: [],
      }),
  );
  const buffer = plans[0]?.explanation.safetyStockMethod;
  return { demandClass: fit.demandClass as DemandClass, method: buffer ? `${fit.method}; ${buffer}` : fit.method, orderUpTo: plans.map((plan) => plan.policy.orderUpTo) };
}

export interface BacktestOptions extends ReplayOptions, Omit<PlannerLevelOptions, 'leadTime' | 'reviewPeriod' | 'leadTimeStdDev' | 'seed'> {}

/** The levels of one policy at every review of a replay, per service level: levels[level][review]. */
export interface BacktestPlan {
  /** classifyDemand of the warm-up (replen: the forecast's class at the first review). */
  demandClass: DemandClass;
  method: string;
  reviews: number[];
  levels: ReviewLevels[][];
}

function reviewPeriodsOf(periods: number, { warmup, reviewPeriod }: ReplayOptions): number[] {
  const reviews: number[] = [];
  for (let t = warmup; t < periods; t += reviewPeriod) reviews.push(t);
  return reviews;
}

/**
 * A policy's levels at each review from the demand before it only. replen chooses its model again at every review,
 * as weekly runs with FORECAST_RESELECT_DAYS = 7 do.
 */
export function backtestPlan(demand: number[], policy: BacktestPolicy, serviceLevels: number[], options: BacktestOptions): BacktestPlan {
  const reviews = reviewPeriodsOf(demand.length, options);
  const levels: ReviewLevels[][] = serviceLevels.map(() => []);
  const baseline = { leadTimePeriods: options.leadTime, reviewPeriods: options.reviewPeriod, leadTimeStdDevPeriods: options.leadTimeStdDev ?? 0 };
  if (policy !== 'replen') {
    for (const t of reviews) {
      const history = demand.slice(0, t);
      serviceLevels.forEach((serviceLevel, i) => {
        if (policy === 'textbook') levels[i].push(textbookOrderUpTo({ ...baseline, history, serviceLevel }));
        else {
          const { minimum, maximum } = minMaxLevels({ ...baseline, history, serviceLevel });
          levels[i].push({ reorderPoint: minimum, orderUpTo: maximum });
        }
      });
    }
    return { demandClass: classifyDemand(demand.slice(0, options.warmup)).demandClass, method: policy === 'textbook' ? 'textbook normal' : 'min/max', reviews, levels };
  }
  let demandClass: DemandClass | undefined;
  let method = '';
  for (const t of reviews) {
    const planned = plannerOrderUpTo(demand.slice(0, t), serviceLevels, options);
    demandClass ??= planned.demandClass;
    method ||= planned.method;
    planned.orderUpTo.forEach((level, i) => levels[i].push(level));
  }
  return { demandClass: demandClass ?? classifyDemand(demand.slice(0, options.warmup)).demandClass, method, reviews, levels };
}

export interface BacktestResult extends ReplayResult {
  targetCycleServiceLevel: number;
  demandClass: DemandClass;
  method: string;
}

/** Replays a plan's levels at service level index `i` over the demand. */
export function replayBacktestPlan(demand: number[], plan: BacktestPlan, i: number, options: ReplayOptions): ReplayResult {
  const at = new Map(plan.reviews.map((t, review) => [t, plan.levels[i][review]]));
  return replayOrderUpTo(demand, (t) => at.get(t)!, options);
}

/** The backtest of one series at one target: the policy's levels from the history before each review, replayed. */
export function backtestSeries(demand: number[], options: BacktestOptions & { serviceLevel: number; policy?: BacktestPolicy }): BacktestResult {
  const plan = backtestPlan(demand, options.policy ?? 'replen', [options.serviceLevel], options);
  return { ...replayBacktestPlan(demand, plan, 0, options), targetCycleServiceLevel: options.serviceLevel, demandClass: plan.demandClass, method: plan.method };
}

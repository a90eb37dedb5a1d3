/**
 * Policy backtest: replays a periodic-review order-up-to policy (R, S) over a demand history, so that a promised cycle
 * service level can be measured rather than assumed. Pure: demand in, counts and averages out.
 *
 * Timing within one period t (Silver, Pyke and Peterson 1998, ch. 7, (R, S) system):
 *   1. receipts due at t arrive; they fill backorders first, the rest goes on hand;
 *   2. at a review (t = W, W + R, W + 2R, …) the policy sets S from demand[0 … t − 1] only and orders
 *      max(0, S − inventory position), inventory position = on hand + on order − backordered; the order arrives at t + L
 *      (L = 0: before this period's demand);
 *   3. demand of period t is met from stock on hand; the rest is backordered.
 * The order placed at review t is the last one to arrive before period t + L + R − 1 ends, so S must cover demand over
 * the L + R periods t … t + L + R − 1: the replenishment cycle of review t ends with period t + L + R − 1, and the cycle
 * counts as served when no backorder is open at that moment. With a fixed lead time no receipt falls inside
 * t + L + 1 … t + L + R − 1, so a backorder at any point of the cycle is still open at its end: the share of served
 * cycles is the cycle service level (P1). With random lead times the cycle keeps the nominal L (orders may then cross).
 */
import { classifyDemand, type DemandClass } from '../forecast/classify';
import { fitEts } from '../forecast/ets';
import { etsStateTracker, summariseProtectionErrors, type ProtectionErrorSummary } from '../forecast/protection-errors';
import { leadTimeDemandSamples, type LeadTime, type LeadTimeDemandMethod } from '../forecast/lead-time-demand';
import { normalDraw, seededRandom, type Random } from '../stats/random';
import { orderUpToLevel } from './levels';
import { buffersFromSamples } from './sample-buffer';
import { demandStdDevOverProtection, safetyStockForCycleService, safetyStockFromProtectionErrors, safetyStockFromSamples } from './safety-stock';

export { conformalQuantile } from '../forecast/protection-errors';

export interface ReplayOptions {
  /** Lead time L in periods, a whole number ≥ 0 (the mean when leadTimeStdDev > 0, then ≥ 1). */
  leadTime: number;
  /** Review period R in periods, a whole number ≥ 1. */
  reviewPeriod: number;
  /** First review W: periods 0 … W − 1 are history only. 1 ≤ W < demand.length. */
  warmup: number;
  /** Standard deviation of the lead time in periods (default 0): each order's lead time is max(1, round(L + sd·N(0, 1))). */
  leadTimeStdDev?: number;
  /** Seed of the lead-time draws (default 1). */
  seed?: number;
}

/** One replayed period, after its demand. */
export interface ReplayPeriod {
  period: number;
  received: number;
  /** S set at this period's review; null when it is not a review. */
  orderUpTo: number | null;
  ordered: number;
  /** The period the order arrives in; null without an order. */
  arrivalPeriod: number | null;
  demand: number;
  metFromStock: number;
  onHand: number;
  backordered: number;
}

export interface ReplayResult {
  /** Replenishment cycles that ended within the history: one per review t with t + L + R − 1 < n. */
  cycles: number;
  cyclesWithoutBackorder: number;
  /** cyclesWithoutBackorder / cycles; null without a complete cycle. */
  achievedCycleServiceLevel: number | null;
  /** Demand met from stock in its own period / all demand from W on; null without demand. */
  fillRate: number | null;
  /** Means over periods W … n − 1 of the end-of-period stock on hand and backorders. */
  averageOnHand: number;
  averageBackordered: number;
  /** Orders placed with a positive quantity. */
  orders: number;
  trace: ReplayPeriod[];
}

function checkReplayOptions(functionName: string, periods: number, options: ReplayOptions): void {
  const { leadTime, reviewPeriod, warmup, leadTimeStdDev = 0 } = options;
  if (!(Number.isInteger(leadTime) && leadTime >= 0)) throw new Error(`${functionName}: leadTime must be a whole number ≥ 0, got ${leadTime}`);
  if (!(Number.isInteger(reviewPeriod) && reviewPeriod >= 1)) throw new Error(`${functionName}: reviewPeriod must be a whole number ≥ 1, got ${reviewPeriod}`);
  if (!(Number.isInteger(warmup) && warmup >= 1 && warmup < periods)) {
    throw new Error(`${functionName}: warmup must be a whole number in [1, ${periods - 1}] for ${periods} periods, got ${warmup}`);
  }
  if (!(leadTimeStdDev >= 0 && Number.isFinite(leadTimeStdDev))) throw new Error(`${functionName}: leadTimeStdDev must be ≥ 0, got ${leadTimeStdDev}`);
  if (leadTimeStdDev > 0 && leadTime < 1) throw new Error(`${functionName}: a random lead time needs leadTime ≥ 1`);
}

function checkDemand(functionName: string, demand: number[]): void {
  demand.forEach((value, period) => {
    if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${functionName}: demand must be finite and ≥ 0, got ${value} in period ${period}`);
  });
}

/** A seeded draw of one order's lead time: the rounded normal, clipped at 1 period. */
function leadTimeSampler(leadTime: number, leadTimeStdDev: number, random: Random): () => number {
  if (leadTimeStdDev === 0) return () => leadTime;
  return () => Math.max(1, Math.round(leadTime + leadTimeStdDev * normalDraw(random)));
}

/**
 * Replays an (R, S) policy over demand[W …] with S given per review by `orderUpToAt(t)` (which must look only at
 * demand before t). Stock starts at W with S_W on hand and nothing on order, as if the policy had always run.
 * Counts and stock are compared with a tolerance of 1e-9 × the largest demand, so that rounding in S never counts as a stock-out.
 */
export function replayOrderUpTo(demand: number[], orderUpToAt: (period: number) => number, options: ReplayOptions): ReplayResult {
  checkDemand('replayOrderUpTo', demand);
  checkReplayOptions('replayOrderUpTo', demand.length, options);
  const { leadTime, reviewPeriod, warmup } = options;
  const drawLeadTime = leadTimeSampler(leadTime, options.leadTimeStdDev ?? 0, seededRandom(options.seed ?? 1));
  const tolerance = 1e-9 * Math.max(1, ...demand);
  const receipts = new Map<number, number>();
  const trace: ReplayPeriod[] = [];
  let net = 0; // on hand − backordered
  let onOrder = 0;
  let orders = 0;
  let cycles = 0;
  let cyclesWithoutBackorder = 0;
  let totalDemand = 0;
  let totalMet = 0;

  for (let t = warmup; t < demand.length; t++) {
    const received = receipts.get(t) ?? 0;
    net += received;
    onOrder -= received;
    let orderUpTo: number | null = null;
    let ordered = 0;
    let arrivalPeriod: number | null = null;
    if ((t - warmup) % reviewPeriod === 0) {
      orderUpTo = orderUpToAt(t);
      if (!(orderUpTo >= 0 && Number.isFinite(orderUpTo))) throw new Error(`replayOrderUpTo: order-up-to level must be finite and ≥ 0, got ${orderUpTo} in period ${t}`);
      if (t === warmup) net = orderUpTo;
      const shortfall = orderUpTo - (net + onOrder);
      if (shortfall > tolerance) {
        ordered = shortfall;
        orders += 1;
        arrivalPeriod = t + drawLeadTime();
        if (arrivalPeriod === t) net += ordered;
        else {
          receipts.set(arrivalPeriod, (receipts.get(arrivalPeriod) ?? 0) + ordered);
          onOrder += ordered;
        }
      }
    }
    const metFromStock = Math.min(Math.max(net, 0), demand[t]);
    net -= demand[t];
    totalDemand += demand[t];
    totalMet += metFromStock;
    const onHand = net > tolerance ? net : 0;
    const backordered = net < -tolerance ? -net : 0;
    trace.push({ period: t, received, orderUpTo, ordered, arrivalPeriod, demand: demand[t], metFromStock, onHand, backordered });
    // Period t closes the cycle of the review at t − L − R + 1.
    const review = t - leadTime - reviewPeriod + 1;
    if (review >= warmup && (review - warmup) % reviewPeriod === 0) {
      cycles += 1;
      if (backordered === 0) cyclesWithoutBackorder += 1;
    }
  }

  const replayed = trace.length;
  return {
    cycles,
    cyclesWithoutBackorder,
    achievedCycleServiceLevel: cycles === 0 ? null : cyclesWithoutBackorder / cycles,
    fillRate: totalDemand === 0 ? null : totalMet / totalDemand,
    averageOnHand: trace.reduce((sum, row) => sum + row.onHand, 0) / replayed,
    averageBackordered: trace.reduce((sum, row) => sum + row.backordered, 0) / replayed,
    orders,
    trace,
  };
}

/**
 * What a policy knows at a review about demand over the protection interval L + R:
 * - 'normal': mean and standard deviation (the textbook view);
 * - 'errors': the point forecast of the total over H = L + R periods and the summary of past forecasts' errors over
 *   such totals (summariseProtectionErrors, the planner's), plus d·σ_L, the standard deviation a random lead time adds;
 * - 'samples': sorted simulated totals (intermittent demand).
 */
export type ProtectionDemand =
  | { kind: 'normal'; mean: number; stdDev: number }
  | { kind: 'errors'; mean: number; horizon: number; summary: ProtectionErrorSummary; leadTimeDemandStdDev: number }
  | { kind: 'samples'; sorted: number[] };

/**
 * S for a cycle service level p (the policy math of models/policy: orderUpToLevel = demand over L + R + SS):
 * - 'normal': SS = z_p·σ (safetyStockForCycleService);
 * - 'errors': SS = safetyStockFromProtectionErrors, as planItem: the error quantile q over H combined with the lead-time
 *   term z_p·d·σ_L in quadrature, floored at 0 (a summary without a quantile at p: SS = 0);
 * - 'samples': the p-quantile of the samples (safetyStockFromSamples), the smallest level covering at least p of them,
 *   as planItem. Demand in whole units cannot be covered with probability exactly p by any one level: the coverage is
 *   F(Q) ≥ p, which for slow movers is far above p (e.g. F(0) = 0.85, F(1) = 0.97 at p = 0.9). Orders are whole units
 *   and the planner does not randomise, so neither does the backtest (integerLevelBand gives the limit this sets).
 */
export function orderUpToForServiceLevel(demand: ProtectionDemand, serviceLevel: number): number {
  if (demand.kind === 'samples') {
    const { meanDemand, safetyStock } = safetyStockFromSamples(demand.sorted, serviceLevel);
    return orderUpToLevel(meanDemand, safetyStock);
  }
  if (demand.kind === 'errors') {
    const buffer = safetyStockFromProtectionErrors({
      summary: demand.summary,
      protectionPeriods: demand.horizon,
      forecastTotal: Math.max(0, demand.mean),
      leadTimeDemandStdDev: demand.leadTimeDemandStdDev,
      cycleServiceLevel: serviceLevel,
    });
    return Math.max(0, demand.mean + (buffer?.safetyStock ?? 0));
  }
  return orderUpToLevel(Math.max(0, demand.mean), safetyStockForCycleService(serviceLevel, demand.stdDev));
}

export interface ProtectionOptions {
  leadTime: number;
  reviewPeriod: number;
  warmup: number;
  /** Seasonal period of the data (1 = none). */
  seasonLength: number;
  leadTimeStdDev?: number;
  /** Samples of demand over L + R for intermittent items (default 2000). */
  samples?: number;
  /** Seed of those samples (default 1). */
  seed?: number;
  /** The intermittent method behind the samples; default 'tsb', leadTimeDemandSamples' default, which the planner uses. */
  intermittentMethod?: LeadTimeDemandMethod;
}

/** The demand over L + R the policy sees at each review W, W + R, …, and how it got there. */
export interface ProtectionPlan {
  /** classifyDemand of the warm-up history, which picks the method for the whole replay. */
  demandClass: DemandClass;
  method: string;
  /** Periods of the reviews, and the view of demand at each. */
  reviews: number[];
  demand: ProtectionDemand[];
}

function reviewPeriods(periods: number, warmup: number, reviewPeriod: number): number[] {
  const reviews: number[] = [];
  for (let t = warmup; t < periods; t += reviewPeriod) reviews.push(t);
  return reviews;
}

/**
 * The forecast-based view of demand over the protection interval H = L + R at each review, from demand before it only.
 *
 * Smooth, erratic and new series, unless they are whole-unit slow movers (fewer than slowMoverUnits = 10 units over
 * L + R on average in the warm-up; the rule is sample-buffer.ts' buffersFromSamples, shared with the planner): ETS
 * (fitEts, model chosen by AICc) is fitted once on the warm-up; at each review the fitted model is run over the
 * history so far with its parameters held (the state follows the data, the model does not change: a full refit costs
 * ~50 ms per review and series). The mean is the sum of the next H point forecasts.
 * The buffer comes from the model's own H-period errors on the history so far, summarised exactly as the forecast
 * stage summarises them for the planner (summariseProtectionErrors on demand[0 … t − 1]: FPE-inflated conformal
 * quantiles, relative under multiplicative error) and read as the planner reads them (safetyStockFromProtectionErrors).
 * With no more errors than estimated parameters, the model's one-step σ × √H as a normal. A random lead time adds
 * (mean per period)·σ_L.
 *
 * Intermittent, lumpy, single-demand and all-zero series, and whole-unit slow movers of any class: the sorted samples
 * of leadTimeDemandSamples over H periods at each review, `samples` of them (default 2000: the 98 % quantile's coverage
 * is then known to ±0.3 points, at a fifth of the cost of 10000); a random lead time is a gamma of mean H and sd σ_L
 * there. The samples come as the planner draws them (plan-stage): from the history since the first demand, with
 * leadTimeDemandSamples' default method, TSB. (Until 2026-11 the backtest used SBA on the whole history, zeros before
 * the first demand included: its long first interval held the rate low, which happened to offset the fall in carparts
 * demand after the warm-up, but it was not what the planner orders.)
 */
export function forecastProtectionDemand(demand: number[], options: ProtectionOptions): ProtectionPlan {
  checkDemand('forecastProtectionDemand', demand);
  checkReplayOptions('forecastProtectionDemand', demand.length, options);
  const { leadTime, reviewPeriod, warmup, seasonLength } = options;
  const horizon = leadTime + reviewPeriod;
  const leadTimeStdDev = options.leadTimeStdDev ?? 0;
  const reviews = reviewPeriods(demand.length, warmup, reviewPeriod);
  const history = demand.slice(0, warmup);
  const { demandClass } = classifyDemand(history);

  // The planner's rule (sample-buffer.ts), decided once on the warm-up.
  if (buffersFromSamples({ demandClass, history, protectionPeriods: horizon })) {
    const protection: LeadTime = leadTimeStdDev > 0 ? { mean: horizon, sd: leadTimeStdDev } : horizon;
    const method = options.intermittentMethod ?? 'tsb';
    // As the planner's samplingHistory (plan-stage): the history starts at the first demand, zeros before it say nothing.
    const firstDemand = demand.findIndex((value) => value > 0);
    const from = (t: number) => (firstDemand >= 0 && firstDemand < t ? firstDemand : 0);
    return {
      demandClass,
      method: `${method} samples`,
      reviews,
      demand: reviews.map((t) => ({
        kind: 'samples',
        sorted: leadTimeDemandSamples(demand.slice(from(t), t), { horizon: protection, samples: options.samples ?? 2000, seed: options.seed, method }),
      })),
    };
  }

  const fit = fitEts(demand.slice(0, warmup), { seasonLength });
  const model = etsStateTracker(fit, demand);
  const multiplicative = fit.errorType === 'M';
  return {
    demandClass,
    method: `${fit.method}, conformal ${horizon}-period errors`,
    reviews,
    demand: reviews.map((t) => {
      const mean = Math.max(0, model.forecastTotals(t, horizon)[horizon - 1]);
      const summary = summariseProtectionErrors(demand.slice(0, t), fit, horizon);
      const leadTimeDemandStdDev = (mean / horizon) * leadTimeStdDev;
      if (summary === null) {
        const oneStep = Math.sqrt(fit.sigma2) * (multiplicative ? mean / horizon : 1);
        const stdDev = demandStdDevOverProtection({ meanDemandPerPeriod: mean / horizon, demandStdDevPerPeriod: oneStep, protectionPeriods: horizon, leadTimeStdDevPeriods: leadTimeStdDev });
        return { kind: 'normal', mean, stdDev };
      }
      return { kind: 'errors', mean, horizon, summary, leadTimeDemandStdDev };
    }),
  };
}

/**
 * The textbook view, for comparison: demand over L + R as a normal with mean d̄·(L + R) and standard deviation
 * σ_d·√(L + R) (with σ_L: demandStdDevOverProtection), d̄ and σ_d the mean and sample standard deviation of all
 * demand before the review (Silver, Pyke and Peterson 1998, ch. 7; Chopra and Meindl, ch. 12).
 */
export function textbookProtectionDemand(demand: number[], options: Omit<ProtectionOptions, 'seasonLength' | 'samples' | 'seed'>): ProtectionPlan {
  checkDemand('textbookProtectionDemand', demand);
  checkReplayOptions('textbookProtectionDemand', demand.length, options);
  const { leadTime, reviewPeriod, warmup } = options;
  const horizon = leadTime + reviewPeriod;
  const reviews = reviewPeriods(demand.length, warmup, reviewPeriod);
  return {
    demandClass: classifyDemand(demand.slice(0, warmup)).demandClass,
    method: 'textbook normal',
    reviews,
    demand: reviews.map((t) => {
      const history = demand.slice(0, t);
      const mean = history.reduce((sum, x) => sum + x, 0) / t;
      const variance = t < 2 ? 0 : history.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (t - 1);
      const stdDev = demandStdDevOverProtection({
        meanDemandPerPeriod: mean,
        demandStdDevPerPeriod: Math.sqrt(variance),
        protectionPeriods: horizon,
        leadTimeStdDevPeriods: options.leadTimeStdDev ?? 0,
      });
      return { kind: 'normal', mean: mean * horizon, stdDev };
    }),
  };
}

/** Replays a plan at one cycle service level: S at each review = orderUpToForServiceLevel(plan's view, level). */
export function replayPlan(demand: number[], plan: ProtectionPlan, serviceLevel: number, options: ReplayOptions): ReplayResult {
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`replayPlan: serviceLevel must be in (0, 1), got ${serviceLevel}`);
  const levels = new Map(plan.reviews.map((t, i) => [t, orderUpToForServiceLevel(plan.demand[i], serviceLevel)]));
  return replayOrderUpTo(
    demand,
    (t) => {
      const level = levels.get(t);
      if (level === undefined) throw new Error(`replayPlan: the plan has no review at period ${t}; make it with the same warmup and reviewPeriod`);
      return level;
    },
    options,
  );
}

/** One constant order-up-to level and the cycle service level it achieves over the replay. */
export interface LevelAchieved {
  orderUpTo: number;
  cycleServiceLevel: number;
}

/**
 * A yardstick, not a policy: the oracle that knows the replayed demand and holds one constant S throughout. With a
 * fixed lead time every review then orders up to S, so the cycle of review t is served exactly when the demand D_t
 * over t … t + L + R − 1 is at most S, and CSL(S) = share of the D_t ≤ S: a step function that jumps only at the
 * D_t. `atLeast` is the smallest S whose CSL reaches the target, `below` the largest S whose CSL falls short of it
 * (null when even S = 0 reaches it). No S achieves a CSL strictly between the two: e.g. 17 cycles with D_t = 0 in
 * 15 and 1 in 2 give 88.2 % at S = 0 and 100 % at S = 1, and nothing in between, at a 90 % target.
 */
export function integerLevelBand(demand: number[], serviceLevel: number, options: ReplayOptions): { below: LevelAchieved | null; atLeast: LevelAchieved } {
  checkDemand('integerLevelBand', demand);
  checkReplayOptions('integerLevelBand', demand.length, options);
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`integerLevelBand: serviceLevel must be in (0, 1), got ${serviceLevel}`);
  if ((options.leadTimeStdDev ?? 0) > 0) throw new Error('integerLevelBand: needs a fixed lead time');
  const horizon = options.leadTime + options.reviewPeriod;
  const totals: number[] = [];
  for (let t = options.warmup; t + horizon <= demand.length; t += options.reviewPeriod) {
    totals.push(demand.slice(t, t + horizon).reduce((sum, x) => sum + x, 0));
  }
  if (totals.length === 0) throw new Error('integerLevelBand: no complete cycle after the warm-up');
  totals.sort((a, b) => a - b);
  // The candidate levels are 0 and the distinct totals; the CSL of the k-th sorted total is (last index with it + 1) / n.
  const levels: LevelAchieved[] = [];
  if (totals[0] > 0) levels.push({ orderUpTo: 0, cycleServiceLevel: 0 });
  totals.forEach((total, i) => {
    if (i + 1 === totals.length || totals[i + 1] > total) levels.push({ orderUpTo: total, cycleServiceLevel: (i + 1) / totals.length });
  });
  const first = levels.findIndex((level) => level.cycleServiceLevel >= serviceLevel - 1e-12);
  return { below: first > 0 ? levels[first - 1] : null, atLeast: levels[first] };
}

export interface SimulateOptions extends ProtectionOptions {
  /** Target cycle service level in (0, 1). */
  serviceLevel: number;
  /** 'forecast' (default): forecastProtectionDemand; 'textbook': textbookProtectionDemand. */
  policy?: 'forecast' | 'textbook';
}

export interface SimulationResult extends ReplayResult {
  targetCycleServiceLevel: number;
  demandClass: DemandClass;
  method: string;
}

/** The backtest of one series: the plan from the history before each review, replayed at the target level. */
export function simulateOrderUpTo(demand: number[], options: SimulateOptions): SimulationResult {
  const plan = options.policy === 'textbook' ? textbookProtectionDemand(demand, options) : forecastProtectionDemand(demand, options);
  return {
    ...replayPlan(demand, plan, options.serviceLevel, options),
    targetCycleServiceLevel: options.serviceLevel,
    demandClass: plan.demandClass,
    method: plan.method,
  };
}

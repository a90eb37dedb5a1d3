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
import { fitEts, type EtsFit } from '../forecast/ets';
import { etsFilter, etsPointForecasts, type EtsStructure } from '../forecast/ets/recursions';
import { leadTimeDemandSamples, type LeadTime, type LeadTimeDemandMethod } from '../forecast/lead-time-demand';
import { normalDraw, seededRandom, type Random } from '../stats/random';
import { orderUpToLevel } from './levels';
import { demandStdDevOverProtection, safetyStockForCycleService, safetyStockFromSamples } from './safety-stock';

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
 * - 'errors': the point forecast of the total and the sorted errors of past forecasts of such totals, already in units
 *   and inflated for the model's estimated parameters, plus the standard deviation that a random lead time adds;
 * - 'samples': sorted simulated totals (intermittent demand).
 */
export type ProtectionDemand =
  | { kind: 'normal'; mean: number; stdDev: number }
  | { kind: 'errors'; mean: number; sortedErrors: number[]; leadTimeStdDev: number }
  | { kind: 'samples'; sorted: number[] };

/**
 * The split-conformal quantile of sorted errors: the ⌈(n + 1)·p⌉-th smallest (the largest when that passes n), which a
 * new error exchangeable with the n falls at or below with probability ≥ p whatever their distribution (Vovk, Gammerman
 * and Shafer 2005; Lei et al. 2018, JASA 113, split conformal). The plain empirical p-quantile of n errors covers a new
 * one with probability about p·n/(n + 1), short of p in the few dozen errors a series has.
 */
export function conformalQuantile(sortedErrors: number[], probability: number): number {
  if (sortedErrors.length === 0) throw new Error('conformalQuantile: no errors');
  if (!(probability > 0 && probability < 1)) throw new Error(`conformalQuantile: probability must be in (0, 1), got ${probability}`);
  const rank = Math.ceil((sortedErrors.length + 1) * probability - 1e-9);
  return sortedErrors[Math.min(sortedErrors.length, rank) - 1];
}

/**
 * S for a cycle service level p (the policy math of models/policy: orderUpToLevel = demand over L + R + SS):
 * - 'normal': SS = z_p·σ (safetyStockForCycleService);
 * - 'errors': SS = the conformal p-quantile q of the errors, combined with the lead-time term z_p·σ_LT in quadrature,
 *   √(q² + (z_p·σ_LT)²), as demandStdDevOverProtection adds variances (q < 0, a forecast biased high, is kept: S = mean + q);
 * - 'samples': the p-quantile of the samples (safetyStockFromSamples), the smallest level covering at least p of them.
 *   Demand in whole units cannot be covered with probability exactly p by any one level: with `uniform` (a uniform
 *   draw in [0, 1)) S is the level q below the quantile with the probability θ that makes the coverage p on average,
 *   θ = (F(Q) − p) / (F(Q) − F(q)), F the share of samples at or below (a randomised policy; without it the coverage
 *   is F(Q) ≥ p, which for slow movers is far above p, e.g. F(0) = 0.85, F(1) = 0.97 at p = 0.9).
 */
export function orderUpToForServiceLevel(demand: ProtectionDemand, serviceLevel: number, uniform?: number): number {
  if (demand.kind === 'samples') {
    const { quantile, meanDemand, safetyStock } = safetyStockFromSamples(demand.sorted, serviceLevel);
    const atLeast = orderUpToLevel(meanDemand, safetyStock);
    if (uniform === undefined || atLeast > quantile) return atLeast;
    const sorted = demand.sorted;
    const firstAtQuantile = sorted.indexOf(quantile);
    if (firstAtQuantile === 0) return quantile;
    const coveredAtQuantile = upperBound(sorted, quantile) / sorted.length;
    const coveredBelow = firstAtQuantile / sorted.length;
    const belowProbability = (coveredAtQuantile - serviceLevel) / (coveredAtQuantile - coveredBelow);
    return uniform < belowProbability ? sorted[firstAtQuantile - 1] : quantile;
  }
  if (demand.kind === 'errors') {
    if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`orderUpToForServiceLevel: serviceLevel must be in (0, 1), got ${serviceLevel}`);
    const errorQuantile = demand.sortedErrors.length === 0 ? 0 : conformalQuantile(demand.sortedErrors, serviceLevel);
    const leadTimeBuffer = safetyStockForCycleService(serviceLevel, demand.leadTimeStdDev);
    const buffer = errorQuantile >= 0 ? Math.hypot(errorQuantile, leadTimeBuffer) : errorQuantile + leadTimeBuffer;
    return Math.max(0, demand.mean + buffer);
  }
  return orderUpToLevel(Math.max(0, demand.mean), safetyStockForCycleService(serviceLevel, demand.stdDev));
}

/** Number of sorted values ≤ x. */
function upperBound(sorted: number[], x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= x) low = middle + 1;
    else high = middle;
  }
  return low;
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
  /** The intermittent method behind the samples; default 'sba' for intermittent and lumpy, 'tsb' for short and zero (see forecastProtectionDemand). */
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

/** Classes whose buffer comes from simulated samples, never a normal (as planItem), plus those too sparse to smooth. */
const sampledClasses: ReadonlySet<DemandClass> = new Set<DemandClass>(['intermittent', 'lumpy', 'short', 'zero']);

/**
 * Whole-unit demand averaging fewer units than this over L + R counts as a slow mover: its demand over the protection
 * interval is a handful of units, a discrete distribution that samples represent and a continuous error quantile does
 * not (the usual rule of thumb for switching from a normal to a discrete, e.g. Poisson, lead-time demand).
 */
const slowMoverUnits = 10;

/**
 * The forecast-based view of demand over the protection interval H = L + R at each review, from demand before it only.
 *
 * Smooth, erratic and new series, unless they are whole-unit slow movers (fewer than 10 units over L + R on average
 * in the warm-up): ETS (fitEts, model chosen by AICc) is fitted once on the warm-up; at each review the
 * fitted model is run over the history so far with its parameters held (the state follows the data, the model does
 * not change: a full refit costs ~50 ms per review and series). The mean is the sum of the next H point forecasts.
 * The buffer comes from the model's own H-period errors on the history so far: from every origin o with o + H ≤ t,
 * the actual total of demand[o … o + H − 1] minus the forecast total from the state at o (relative to that forecast
 * under multiplicative error, then scaled by the current forecast total). Unlike √H × the one-step σ this keeps
 * the correlation of errors across the H periods and any bias or skew of the forecast. These errors are in-sample
 * (the parameters were fitted on them), so they are inflated by Akaike's final-prediction-error factor
 * √((n + k)/(n − k)) for the k estimated parameters, and S takes their conformal quantile (conformalQuantile).
 * With n ≤ k errors, the model's one-step σ × √H as a normal. A random lead time adds (mean per period)·σ_L.
 *
 * Intermittent, lumpy, single-demand and all-zero series, and whole-unit slow movers of any class: the sorted samples
 * of leadTimeDemandSamples over H periods from the history so far at each review, `samples` of them (default 2000:
 * the 98 % quantile's coverage is then known to ±0.3 points, at a fifth of the cost of 10000); a random lead time is
 * a gamma of mean H and sd σ_L there. The method behind the samples: SBA when the warm-up holds at least two demands.
 * Its rate moves only when a demand occurs, so S stays put between demands; TSB's rate decays through every zero, S
 * falls below the stock already held, which cannot be sent back, and the achieved CSL overshoots the target
 * (carparts intermittent in bench/policy.ts, at 90 %: TSB 94.8 %, SBA 92.3 %; at 95 %: 96.7 % and 95.2 %, with the
 * same stock). TSB with at most one demand in the warm-up: Croston-type rates hang on the single interval since the
 * start of the history, while TSB's demand probability follows each new period (half of carparts' 'zero' items at
 * 90 %: SBA 58.7 %, TSB 79.0 %).
 */
export function forecastProtectionDemand(demand: number[], options: ProtectionOptions): ProtectionPlan {
  checkDemand('forecastProtectionDemand', demand);
  checkReplayOptions('forecastProtectionDemand', demand.length, options);
  const { leadTime, reviewPeriod, warmup, seasonLength } = options;
  const horizon = leadTime + reviewPeriod;
  const leadTimeStdDev = options.leadTimeStdDev ?? 0;
  const reviews = reviewPeriods(demand.length, warmup, reviewPeriod);
  const history = demand.slice(0, warmup);
  const { demandClass, nonZeroCount } = classifyDemand(history);
  const slowMover = history.every(Number.isInteger) && (history.reduce((sum, x) => sum + x, 0) / warmup) * horizon < slowMoverUnits;

  if (sampledClasses.has(demandClass) || slowMover) {
    const protection: LeadTime = leadTimeStdDev > 0 ? { mean: horizon, sd: leadTimeStdDev } : horizon;
    const method = options.intermittentMethod ?? (nonZeroCount >= 2 ? 'sba' : 'tsb');
    return {
      demandClass,
      method: `${method} samples`,
      reviews,
      demand: reviews.map((t) => ({
        kind: 'samples',
        sorted: leadTimeDemandSamples(demand.slice(0, t), { horizon: protection, samples: options.samples ?? 2000, seed: options.seed, method }),
      })),
    };
  }

  const fit = fitEts(demand.slice(0, warmup), { seasonLength });
  const model = etsStateTracker(fit, demand);
  const multiplicative = fit.errorType === 'M';
  const estimatedParameters = estimatedParameterCount(fit);
  // errors[o]: the error of the forecast of the total over o … o + H − 1 made at origin o, relative to that forecast
  // under multiplicative error; known at review t when o + H ≤ t.
  const errors: number[] = [];
  let actualTotal = demand.slice(0, horizon).reduce((sum, x) => sum + x, 0);
  for (let origin = 0; origin + horizon <= demand.length; origin++) {
    const forecastTotal = model.forecastTotal(origin, horizon);
    errors.push(multiplicative ? (forecastTotal > 0 ? (actualTotal - forecastTotal) / forecastTotal : NaN) : actualTotal - forecastTotal);
    if (origin + horizon < demand.length) actualTotal += demand[origin + horizon] - demand[origin];
  }

  return {
    demandClass,
    method: `${fit.method}, conformal ${horizon}-period errors`,
    reviews,
    demand: reviews.map((t) => {
      const mean = Math.max(0, model.forecastTotal(t, horizon));
      const known = errors.slice(0, Math.max(0, t - horizon + 1)).filter(Number.isFinite);
      // Akaike's final prediction error: in-sample errors of a model with k estimated parameters understate the
      // variance of new errors by (n − k)/(n + k) (Akaike 1970, Ann. Inst. Statist. Math. 22).
      const count = known.length;
      const inflation = count > estimatedParameters ? Math.sqrt((count + estimatedParameters) / (count - estimatedParameters)) : Infinity;
      const unit = (multiplicative ? mean : 1) * inflation;
      const leadTimeTerm = (mean / horizon) * leadTimeStdDev;
      if (!Number.isFinite(inflation)) {
        const oneStep = Math.sqrt(fit.sigma2) * (multiplicative ? mean / horizon : 1);
        const stdDev = demandStdDevOverProtection({ meanDemandPerPeriod: mean / horizon, demandStdDevPerPeriod: oneStep, protectionPeriods: horizon, leadTimeStdDevPeriods: leadTimeStdDev });
        return { kind: 'normal', mean, stdDev };
      }
      return { kind: 'errors', mean, sortedErrors: known.map((error) => error * unit).sort((x, y) => x - y), leadTimeStdDev: leadTimeTerm };
    }),
  };
}

/** Smoothing parameters and free initial states (the seasonal terms have one constraint), as fitEts estimates them. */
function estimatedParameterCount(fit: EtsFit): number {
  const { alpha, beta, gamma, phi } = fit.parameters;
  const smoothing = [alpha, beta, gamma, phi].filter((value) => value !== null).length;
  return smoothing + fit.initialState.length - (fit.seasonType === 'N' ? 0 : 1);
}

/**
 * The state of a fitted ETS model after each prefix of `demand`, parameters held: stateAt(o) is the state after
 * demand[0 … o − 1], from which the next values are forecast. One filter step per period.
 */
function etsStateTracker(fit: EtsFit, demand: number[]): { forecastTotal: (origin: number, horizon: number) => number } {
  const structure: EtsStructure = {
    error: fit.errorType === 'A' ? 1 : 2,
    trend: fit.trendType === 'A' ? 1 : 0,
    season: ({ N: 0, A: 1, M: 2 } as const)[fit.seasonType],
    seasonLength: fit.seasonLength,
  };
  const parameters = { alpha: fit.parameters.alpha, beta: fit.parameters.beta ?? 0, gamma: fit.parameters.gamma ?? 0, phi: fit.parameters.phi ?? 1 };
  const ring = new Float64Array(Math.max(1, fit.seasonLength));
  const states: Float64Array[] = [Float64Array.from(fit.initialState)];
  for (let t = 0; t < demand.length; t++) {
    const next = new Float64Array(fit.initialState.length);
    etsFilter([demand[t]], structure, parameters, states[t], ring, { finalState: next });
    states.push(next);
  }
  return {
    forecastTotal: (origin, horizon) => etsPointForecasts(structure, parameters.phi, states[origin], horizon).reduce((sum, x) => sum + x, 0),
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

export interface PlanReplayOptions extends ReplayOptions {
  /**
   * Levels from samples (whole-unit demand): 'randomized' (default) draws between the two levels around the quantile
   * so that the coverage is p on average; 'at-least' always takes the level covering ≥ p (see orderUpToForServiceLevel).
   */
  discreteLevels?: 'randomized' | 'at-least';
}

/**
 * Replays a plan at one cycle service level: S at each review = orderUpToForServiceLevel(plan's view, level), the
 * draws for randomised levels seeded apart from the lead-time draws.
 */
export function replayPlan(demand: number[], plan: ProtectionPlan, serviceLevel: number, options: PlanReplayOptions): ReplayResult {
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`replayPlan: serviceLevel must be in (0, 1), got ${serviceLevel}`);
  const random = seededRandom((options.seed ?? 1) + 0x5bd1e995);
  const randomized = (options.discreteLevels ?? 'randomized') === 'randomized';
  const levels = new Map(plan.reviews.map((t, i) => [t, orderUpToForServiceLevel(plan.demand[i], serviceLevel, randomized ? random() : undefined)]));
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

export interface SimulateOptions extends ProtectionOptions, Pick<PlanReplayOptions, 'discreteLevels'> {
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

import { errorQuantileAt, protectionErrorProbabilities, protectionErrorsAt, type ProtectionErrors, type ProtectionErrorSummary } from '../forecast/protection-errors';
import { normalLoss, normalQuantile } from '../stats/normal';
import { lowerExponentialPlusNormal, uniformPlusNormal, upperExponentialPlusNormal, type CdfAndDensity } from '../stats/normal-sums';
import type { ProtectionDemandRecord } from './protection-demand';

export type AbcClass = 'A' | 'B' | 'C';

/** How service is measured: cycle service level (P1, chance of no stock-out per cycle) or fill rate (P2, share of demand met from stock). */
export type ServiceMeasure = 'cycle' | 'fill-rate';

export const defaultServiceLevels: Readonly<Record<AbcClass, number>> = Object.freeze({ A: 0.98, B: 0.95, C: 0.9 });

function checkLevel(functionName: string, name: string, level: number): void {
  if (!(level > 0 && level < 1)) throw new Error(`${functionName}: ${name} must be in (0, 1), got ${level}`);
}

/** Service level for an item: its own override when given, else its ABC class's level (defaults A 98%, B 95%, C 90%). */
export function serviceLevelFor(abcClass: AbcClass, classLevels: Partial<Record<AbcClass, number>> = {}, itemOverride?: number): number {
  const level = itemOverride ?? classLevels[abcClass] ?? defaultServiceLevels[abcClass];
  if (level === undefined) throw new Error(`serviceLevelFor: unknown ABC class ${String(abcClass)}`);
  checkLevel('serviceLevelFor', 'service level', level);
  return level;
}

export interface DemandOverProtectionInput {
  /** Mean demand per period over the protection interval. */
  meanDemandPerPeriod: number;
  /** Standard deviation of demand (forecast error) per period; periods independent. */
  demandStdDevPerPeriod: number;
  /** Expected protection interval in periods: lead time (+ review period for periodic review). */
  protectionPeriods: number;
  /** Standard deviation of the lead time, in periods (the review period adds none). */
  leadTimeStdDevPeriods: number;
}

/**
 * Standard deviation of demand over a random protection interval:
 * σ = √(E[L]·σ_d² + d²·σ_L²) (Chopra and Meindl, Supply Chain Management, ch. 12,
 * safety inventory with lead-time uncertainty; Silver, Pyke and Peterson 1998, ch. 7). All in the same period.
 */
export function demandStdDevOverProtection(input: DemandOverProtectionInput): number {
  const { meanDemandPerPeriod, demandStdDevPerPeriod, protectionPeriods, leadTimeStdDevPeriods } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`demandStdDevOverProtection: ${name} must be a finite number ≥ 0, got ${value}`);
  }
  return Math.sqrt(protectionPeriods * demandStdDevPerPeriod ** 2 + meanDemandPerPeriod ** 2 * leadTimeStdDevPeriods ** 2);
}

/** Safety factor z = Φ⁻¹(CSL) for a cycle service level (Silver, Pyke and Peterson 1998, ch. 7, service measure P1). */
export function safetyFactorForCycleService(cycleServiceLevel: number): number {
  checkLevel('safetyFactorForCycleService', 'cycleServiceLevel', cycleServiceLevel);
  return normalQuantile(cycleServiceLevel);
}

/** Largest safety factor solved for: G(6) ≈ 1.6e-10, and beyond it 1 − Φ(z) loses its digits in double precision. */
export const largestFillRateFactor = 6;

/**
 * Safety factor k for a fill-rate target β: solves G(k) = (1 − β)·Q / σ by bisection, G the standard normal loss function
 * (Silver, Pyke and Peterson 1998, ch. 7, service measure P2; Nahmias, Production and Operations Analysis, §5.5, type 2 service).
 * Q is the expected replenishment size (order quantity, or demand per review period for periodic review), σ the standard
 * deviation of demand over the protection interval. k may come out negative when Q is large against σ.
 */
export function safetyFactorForFillRate(fillRate: number, orderQuantity: number, demandStdDev: number): number {
  checkLevel('safetyFactorForFillRate', 'fillRate', fillRate);
  if (!(orderQuantity > 0) || !Number.isFinite(orderQuantity)) throw new Error(`safetyFactorForFillRate: orderQuantity must be > 0, got ${orderQuantity}`);
  if (!(demandStdDev > 0) || !Number.isFinite(demandStdDev)) throw new Error(`safetyFactorForFillRate: demandStdDev must be > 0, got ${demandStdDev}`);
  const target = ((1 - fillRate) * orderQuantity) / demandStdDev;
  if (target < normalLoss(largestFillRateFactor)) {
    throw new Error(`safetyFactorForFillRate: target loss ${target} needs k > ${largestFillRateFactor}; fill rate too close to 1 for this Q/σ`);
  }
  // G is decreasing with G(k) ≥ −k, so G(−target − 1) > target: the root lies in [low, high].
  let low = -target - 1;
  let high = largestFillRateFactor;
  for (let step = 0; step < 200 && high - low > 1e-12; step++) {
    const middle = (low + high) / 2;
    if (normalLoss(middle) > target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Safety stock z·σ for a cycle service level, floored at zero (a level below 50% would otherwise give a negative buffer). */
export function safetyStockForCycleService(cycleServiceLevel: number, demandStdDev: number): number {
  if (!(demandStdDev >= 0) || !Number.isFinite(demandStdDev)) throw new Error(`safetyStockForCycleService: demandStdDev must be ≥ 0, got ${demandStdDev}`);
  return Math.max(0, safetyFactorForCycleService(cycleServiceLevel) * demandStdDev);
}

export interface SampleSafetyStock {
  /** Inverse empirical distribution at the service level: the smallest sample x with at least that share of samples ≤ x. */
  quantile: number;
  meanDemand: number;
  /** max(0, quantile − mean). */
  safetyStock: number;
}

/**
 * Safety stock for intermittent or lumpy demand from samples of demand over the protection interval (e.g. bootstrapped
 * or simulated by the forecast): SS = max(0, Q̂(p) − mean), Q̂ the inverse empirical distribution (Hyndman and Fan 1996,
 * type 1), so that at least a share p of the samples is covered. No normal approximation: lumpy demand is skewed and
 * a normal buffer under-protects its upper tail.
 * With `atRiskSamples` (models/forecast/lead-time-demand's protectionDemandSamples: from the same draws, the total when
 * the replenishment cycle itself has demand, else 0) the quantile is theirs and the mean stays the totals': the level
 * then holds a share p of cycles without a day of unmet demand, rather than a share p of intervals without a backorder
 * at their end (the two differ for intermittent demand, whose cycle often has no demand to miss).
 */
export function safetyStockFromSamples(sortedSamples: number[], serviceLevel: number, atRiskSamples?: number[]): SampleSafetyStock {
  checkLevel('safetyStockFromSamples', 'serviceLevel', serviceLevel);
  if (sortedSamples.length === 0) throw new Error('safetyStockFromSamples: no samples');
  const checkSorted = (samples: number[]) => {
    for (let i = 0; i < samples.length; i++) {
      if (!(samples[i] >= 0) || !Number.isFinite(samples[i])) throw new Error(`safetyStockFromSamples: samples must be finite and ≥ 0, got ${samples[i]}`);
      if (i > 0 && samples[i] < samples[i - 1]) throw new Error('safetyStockFromSamples: samples must be sorted ascending');
    }
  };
  checkSorted(sortedSamples);
  if (atRiskSamples !== undefined) {
    if (atRiskSamples.length !== sortedSamples.length) throw new Error('safetyStockFromSamples: atRiskSamples must come from the same draws as the samples');
    checkSorted(atRiskSamples);
  }
  const quantile = sampleQuantile(atRiskSamples ?? sortedSamples, serviceLevel);
  const meanDemand = sortedSamples.reduce((sum, x) => sum + x, 0) / sortedSamples.length;
  return { quantile, meanDemand, safetyStock: Math.max(0, quantile - meanDemand) };
}

/**
 * The inverse empirical distribution of sorted samples at p (Hyndman and Fan 1996, type 1): the smallest sample with at
 * least a share p of the samples at or below it.
 */
export function sampleQuantile(sortedSamples: ArrayLike<number>, probability: number): number {
  // The small allowance keeps 0.81 × 300 = 243.00000000000003 from rounding up to the 244th sample.
  return sortedSamples[Math.max(0, Math.ceil(probability * sortedSamples.length - 1e-9) - 1)];
}

export interface ProtectionErrorSafetyStockInput {
  summary: ProtectionErrorSummary;
  /** Expected protection interval H = L + R in periods. */
  protectionPeriods: number;
  /** Forecast demand over H: relative errors are shares of it. */
  forecastTotal: number;
  /** Mean demand per period × standard deviation of the lead time in periods: what a random lead time adds (d·σ_L). */
  leadTimeDemandStdDev: number;
  cycleServiceLevel: number;
}

export interface ProtectionErrorSafetyStock {
  protectionPeriods: number;
  /** The forecast's error quantile over H at the service level, in units. */
  errorQuantile: number;
  /** Root mean square of the forecast's errors over H, in units: σ over H without the lead-time term. */
  errorStdDev: number;
  /** What the random lead time adds to the error quantile: x_p − q_p (0 with a fixed lead time). */
  leadTimeBuffer: number;
  safetyFactor: number;
  safetyStock: number;
  /** H beyond the summary's largest horizon: its errors were scaled by √H. */
  extrapolated: boolean;
  /** The distribution the safety stock is the quantile of (models/policy/protection-demand): what the page's interval is read from. */
  record: ProtectionDemandRecord & { kind: 'forecast-errors' };
}

/** One piece of the error distribution: a share `weight` of it, X + s·Z's distribution and density at x. */
type ErrorPiece = { weight: number; at: (x: number, s: number) => CdfAndDensity };

/**
 * The error distribution errorPlusNormalQuantile convolves, in pieces: between two probabilities of the grid the
 * quantile function is a straight line, so that share of the errors is uniform between the two quantiles; beyond
 * 99.5 % it is q99.5 + β·E, E exponential, β = (q99.5 − q99)/ln 2 (the tail through the last two quantiles); the lower
 * half mirrors the upper about the median.
 */
function errorPieces(errors: ProtectionErrors, unit: number): ErrorPiece[] {
  const grid = protectionErrorProbabilities;
  const q = errors.quantiles.map((value) => value * unit);
  const last = q.length - 1;
  const median = q[0];
  const pieces: ErrorPiece[] = [];
  for (let k = 0; k < last; k++) {
    const weight = grid[k + 1] - grid[k];
    const [low, high] = [q[k], q[k + 1]];
    pieces.push({ weight, at: (x, s) => uniformPlusNormal(x, low, high, s) }, { weight, at: (x, s) => uniformPlusNormal(x, 2 * median - high, 2 * median - low, s) });
  }
  const beta = (q[last] - q[last - 1]) / Math.LN2;
  const tailWeight = 1 - grid[last];
  pieces.push({ weight: tailWeight, at: (x, s) => upperExponentialPlusNormal(x, q[last], beta, s) }, { weight: tailWeight, at: (x, s) => lowerExponentialPlusNormal(x, 2 * median - q[last], beta, s) });
  return pieces;
}

/**
 * The p-quantile of e + s·Z, e a forecast error over H with the quantile function of `errors` (linear between the
 * summary's probabilities 50 … 99.5 %, the exponential tail of the last two beyond, the lower half mirrored about
 * the median) and Z a standard normal independent of it: the demand a random lead time adds, s = d·σ_L (Silver, Pyke
 * and Peterson 1998, ch. 7: demand over a random lead time). The distribution of e + s·Z is the mixture of its pieces'
 * sums with the normal (errorPieces, models/stats/normal-sums: closed forms), solved for p by Newton's method kept
 * inside a bracket. Adding the two quantiles in quadrature, √(q_p² + (z_p·s)²), is exact only when e is normal: the
 * forecast errors of the demo's smooth items are skewed (a narrow body, a long right tail of promotions), and the
 * quadrature buffer covered 78 % of their cycles at an 80 % target with a 2 ± 0.5-week lead time against 84 % with the
 * lead time fixed.
 */
export function errorPlusNormalQuantile(errors: ProtectionErrors, spread: number, probability: number, unit = 1): number {
  checkLevel('errorPlusNormalQuantile', 'probability', probability);
  const errorQuantile = errorQuantileOrTail(errors, probability, unit);
  if (!(spread > 0)) return errorQuantile;
  const pieces = errorPieces(errors, unit);
  const distribution = (x: number): CdfAndDensity => {
    let [cdf, density] = [0, 0];
    for (const piece of pieces) {
      const value = piece.at(x, spread);
      cdf += piece.weight * value.cdf;
      density += piece.weight * value.density;
    }
    return { cdf, density };
  };
  // A bracket around the error's own quantile, widened until it holds the root.
  let [low, high] = [errorQuantile - 8 * spread, errorQuantile + 8 * spread];
  for (let step = 8 * spread; distribution(low).cdf > probability; step *= 2) low -= step;
  for (let step = 8 * spread; distribution(high).cdf < probability; step *= 2) high += step;
  let x = errorQuantile;
  for (let iteration = 0; iteration < 100; iteration++) {
    const { cdf, density } = distribution(x);
    if (cdf < probability) low = x;
    else high = x;
    const newton = x - (cdf - probability) / density;
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (Math.abs(next - x) <= 1e-12 * Math.max(1, Math.abs(x)) || high - low <= 1e-12 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/** The error's own p-quantile (× unit), through the exponential tail beyond 99.5 % and mirrored below the median, as errorPieces. */
function errorQuantileOrTail(errors: ProtectionErrors, probability: number, unit: number): number {
  if (probability < 0.5) return 2 * errors.quantiles[0] * unit - errorQuantileOrTail(errors, 1 - probability, unit);
  const last = protectionErrorProbabilities.length - 1;
  if (probability <= protectionErrorProbabilities[last]) return (errorQuantileAt(errors, probability) as number) * unit;
  const [q99, q995] = [errors.quantiles[last - 1], errors.quantiles[last]];
  return (q995 + ((q995 - q99) / Math.LN2) * Math.log((1 - protectionErrorProbabilities[last]) / (1 - probability))) * unit;
}

/**
 * Safety stock for a cycle service level p from the forecast's own errors over the protection interval
 * (models/forecast/protection-errors): SS = max(0, x_p), x_p the p-quantile of the error over H (× the forecast total
 * when errors are relative) plus the normal demand a random lead time adds, d·σ_L·Z (errorPlusNormalQuantile); with a
 * fixed lead time, the error quantile itself. Null when the summary has no quantile at p (outside 50 % … 99.5 %): the
 * caller falls back to a normal.
 * One function for the planner (planItem) and the backtest (simulate.ts), so the backtest measures the planner's policy.
 */
export function safetyStockFromProtectionErrors(input: ProtectionErrorSafetyStockInput): ProtectionErrorSafetyStock | null {
  const { summary, protectionPeriods, forecastTotal, leadTimeDemandStdDev, cycleServiceLevel } = input;
  checkLevel('safetyStockFromProtectionErrors', 'cycleServiceLevel', cycleServiceLevel);
  for (const [name, value] of Object.entries({ protectionPeriods, forecastTotal, leadTimeDemandStdDev })) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`safetyStockFromProtectionErrors: ${name} must be a finite number ≥ 0, got ${value}`);
  }
  const errors = protectionErrorsAt(summary, protectionPeriods);
  const quantile = errorQuantileAt(errors, cycleServiceLevel);
  if (quantile === null) return null;
  const unit = summary.scale === 'relative' ? forecastTotal : 1;
  const errorQuantile = quantile * unit;
  const safetyFactor = normalQuantile(cycleServiceLevel);
  // protectionDemandBuffer(record, p) makes this same call: the level and the interval shown are one computation.
  const record = { kind: 'forecast-errors' as const, horizonPeriods: protectionPeriods, forecastDemand: forecastTotal, wholeUnits: false, errors, unit, leadTimeSpread: leadTimeDemandStdDev };
  const buffer = errorPlusNormalQuantile(record.errors, record.leadTimeSpread, cycleServiceLevel, record.unit);
  const leadTimeBuffer = buffer - errorQuantile;
  return {
    protectionPeriods,
    errorQuantile,
    errorStdDev: errors.rootMeanSquare * unit,
    leadTimeBuffer,
    safetyFactor,
    safetyStock: Math.max(0, buffer),
    extrapolated: errors.extrapolated,
    record,
  };
}

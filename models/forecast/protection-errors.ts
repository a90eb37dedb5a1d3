/**
 * Errors of a fitted ETS model's forecasts of demand totals over H periods (the protection interval L + R), as a
 * compact summary the planner and the policy backtest read safety stock from.
 *
 * From every origin o with o + H ≤ n, the actual total of demand[o … o + H − 1] minus the forecast total from the
 * model's state after demand[0 … o − 1] (parameters held; relative to that forecast under multiplicative error).
 * Unlike √H × the one-step σ, these keep the correlation of errors across the H periods and any bias or skew of the
 * forecast. They are in-sample (the parameters were fitted on them), so they are inflated by Akaike's final-prediction-
 * error factor √((n + k)/(n − k)) for the k estimated parameters (Akaike 1970, Ann. Inst. Statist. Math. 22), and
 * summarised per horizon by their root mean square and their quantiles on a fixed probability grid (errorQuantile:
 * split-conformal up to 80 %, an exponential tail above).
 *
 * The errors are measured against the demand as it was, not the history the model was fitted on: outlier weeks
 * replaced before fitting (a promotion nobody announced) keep the forecast's level where it belongs, but they happened
 * and will happen again, and stock must serve them. Measured against the cleaned history, the demo catalogue's smooth
 * items planned with σ over L + R at 0.22 of the forecast total while the replayed errors were 0.32.
 */
import type { EtsFit } from './ets';
import { etsPointForecasts, filterWith, type EtsStructure } from './ets/recursions';

/** Probabilities the quantiles are kept at: 50 % and the usual service levels between 80 % and 99.5 %. */
export const protectionErrorProbabilities: readonly number[] = Object.freeze([0.5, 0.8, 0.85, 0.9, 0.95, 0.975, 0.98, 0.99, 0.995]);

/** Horizons kept below the largest one: every period up to 4, then about ×1.5 apart (interpolated between). */
const horizonGrid = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96];

/** Stored values keep 4 significant digits: 0.05 % of a buffer, and a few hundred bytes per series. */
const significantDigits = 4;

export interface ProtectionErrorSummary {
  /** 'relative': errors are shares of the forecast total (multiplicative error); 'absolute': in demand units. */
  scale: 'relative' | 'absolute';
  /** Horizons in periods, ascending, 1 first. */
  horizons: number[];
  /** rows[i] = [root mean square, then the quantile at each of protectionErrorProbabilities] over horizons[i] periods. */
  rows: number[][];
}

/** One horizon's row, possibly interpolated. */
export interface ProtectionErrors {
  horizon: number;
  scale: ProtectionErrorSummary['scale'];
  rootMeanSquare: number;
  /** At protectionErrorProbabilities. */
  quantiles: number[];
  /** True past the largest horizon kept: the last row scaled by √(horizon / largest), as for independent periods. */
  extrapolated: boolean;
}

/**
 * The split-conformal quantile of sorted errors: the ⌈(n + 1)·p⌉-th smallest (the largest when that passes n), which a
 * new error exchangeable with the n falls at or below with probability ≥ p whatever their distribution (Vovk, Gammerman
 * and Shafer 2005; Lei et al. 2018, JASA 113, split conformal). The plain empirical p-quantile of n errors covers a new
 * one with probability about p·n/(n + 1), short of p in the few dozen errors a series has.
 */
export function conformalQuantile(sortedErrors: ArrayLike<number>, probability: number): number {
  if (sortedErrors.length === 0) throw new Error('conformalQuantile: no errors');
  if (!(probability > 0 && probability < 1)) throw new Error(`conformalQuantile: probability must be in (0, 1), got ${probability}`);
  const rank = Math.max(1, Math.ceil((sortedErrors.length + 1) * probability - 1e-9));
  return sortedErrors[Math.min(sortedErrors.length, rank) - 1];
}

/** Probability above which errorQuantile reads an exponential tail instead of a single order statistic. */
export const tailThreshold = 0.8;

/**
 * The error quantile at probability p: the conformal quantile up to tailThreshold (80 %); above it, the exponential
 * tail fitted to the errors beyond that quantile u, u + β·ln((1 − 0.8)/(1 − p)) with β their mean excess over u (peaks
 * over a threshold with a shape-0 generalised Pareto excess: Pickands 1975, Ann. Statist. 3; Davison and Smith 1990,
 * JRSS B 52; the exponential's memorylessness makes the mean excess its scale). A few dozen errors put one or two
 * beyond the 95 % quantile and none beyond the 98 %: an order statistic there is the largest error, whatever the level
 * (the demo's smooth items reached 92.7 % cycle service at both 98 and 99 %), while the tail rests on every error past
 * u and keeps rising with p. For normal errors it gives the 99 % quantile at 2.52 σ (2.33 exact): a little more.
 */
export function errorQuantile(sortedErrors: ArrayLike<number>, probability: number): number {
  const threshold = conformalQuantile(sortedErrors, Math.min(probability, tailThreshold));
  if (probability <= tailThreshold) return threshold;
  let excess = 0;
  let beyond = 0;
  for (let i = 0; i < sortedErrors.length; i++) {
    if (sortedErrors[i] > threshold) {
      excess += sortedErrors[i] - threshold;
      beyond += 1;
    }
  }
  return beyond === 0 ? threshold : threshold + (excess / beyond) * Math.log((1 - tailThreshold) / (1 - probability));
}

/** Smoothing parameters and free initial states (the seasonal terms have one constraint), as fitEts estimates them. */
export function estimatedParameterCount(fit: EtsFit): number {
  const { alpha, beta, gamma, phi } = fit.parameters;
  const smoothing = [alpha, beta, gamma, phi].filter((value) => value !== null).length;
  return smoothing + fit.initialState.length - (fit.seasonType === 'N' ? 0 : 1);
}

/**
 * The state of a fitted ETS model after each prefix of `demand`, parameters held: forecastTotals(o, H)[h − 1] is the
 * forecast total of the h periods after demand[0 … o − 1]. One filter step per period.
 */
export function etsStateTracker(fit: EtsFit, demand: readonly number[]): { forecastTotals: (origin: number, horizon: number) => number[] } {
  const structure: EtsStructure = {
    error: fit.errorType === 'A' ? 1 : 2,
    trend: fit.trendType === 'A' ? 1 : 0,
    season: ({ N: 0, A: 1, M: 2 } as const)[fit.seasonType],
    seasonLength: fit.seasonLength,
  };
  const { alpha } = fit.parameters;
  const [beta, gamma, phi] = [fit.parameters.beta ?? 0, fit.parameters.gamma ?? 0, fit.parameters.phi ?? 1];
  const ring = new Float64Array(Math.max(1, fit.seasonLength));
  const width = fit.initialState.length;
  // Every state in one buffer, one filter step at a time from the one before (no allocation per step).
  const states = new Float64Array(width * (demand.length + 1));
  states.set(fit.initialState);
  const value = new Float64Array(1);
  for (let t = 0; t < demand.length; t++) {
    value[0] = demand[t];
    filterWith(value, structure, alpha, beta, gamma, phi, states.subarray(t * width, (t + 1) * width), ring, { finalState: states.subarray((t + 1) * width, (t + 2) * width) });
  }
  return {
    forecastTotals: (origin, horizon) => {
      const totals = etsPointForecasts(structure, phi, states.subarray(origin * width, (origin + 1) * width), horizon);
      for (let h = 1; h < totals.length; h++) totals[h] += totals[h - 1];
      return totals;
    },
  };
}

/** Below this an error is nil for any demand; it is also stored as 0 because PostgreSQL's real rejects values under ~1e-38. */
const negligibleError = 1e-30;
const round = (value: number) => (Math.abs(value) < negligibleError ? 0 : Number(value.toPrecision(significantDigits)));

/**
 * Summarises the in-sample errors of `fit`'s forecasts of H-period totals, the model's state filtered over `demand`
 * (the history the model saw, or any history for it) and its forecasts compared with `actual` (default `demand`; the
 * forecast stage passes the demand before outliers were replaced), for H on the grid 1, 2, 3, 4, 6, 8, 12, … below
 * `maxHorizon` and maxHorizon itself: per H the FPE-inflated root mean square and errorQuantile's quantiles (see the
 * module comment). A horizon is kept while it has more errors than the model has estimated parameters; null when not
 * even H = 1 has. Cost O(n·maxHorizon).
 */
export function summariseProtectionErrors(
  demand: readonly number[],
  fit: EtsFit,
  maxHorizon: number,
  actual: readonly number[] = demand,
): ProtectionErrorSummary | null {
  if (!(Number.isInteger(maxHorizon) && maxHorizon >= 1)) throw new Error(`summariseProtectionErrors: maxHorizon must be a whole number ≥ 1, got ${maxHorizon}`);
  if (!demand.every(Number.isFinite)) throw new Error('summariseProtectionErrors: demand must be finite numbers');
  if (actual.length !== demand.length || !actual.every(Number.isFinite)) {
    throw new Error(`summariseProtectionErrors: actual must be ${demand.length} finite numbers, as many as demand`);
  }
  const horizons = [...horizonGrid.filter((h) => h < maxHorizon), maxHorizon];
  const longest = Math.min(maxHorizon, demand.length);
  const relative = fit.errorType === 'M';
  const model = etsStateTracker(fit, demand);
  // errors[i]: the errors over horizons[i] periods, one per origin (typed arrays: a numeric sort without a comparator).
  const errors = horizons.map(() => new Float64Array(demand.length));
  const counts = horizons.map(() => 0);
  const cumulative = [0];
  for (const value of actual) cumulative.push(cumulative[cumulative.length - 1] + value);
  for (let origin = 0; origin < demand.length; origin++) {
    const forecastTotals = model.forecastTotals(origin, Math.min(longest, demand.length - origin));
    for (let i = 0; i < horizons.length && origin + horizons[i] <= demand.length; i++) {
      const forecast = forecastTotals[horizons[i] - 1];
      const observed = cumulative[origin + horizons[i]] - cumulative[origin];
      const error = relative ? (forecast > 0 ? (observed - forecast) / forecast : NaN) : observed - forecast;
      if (Number.isFinite(error)) errors[i][counts[i]++] = error;
    }
  }

  const parameterCount = estimatedParameterCount(fit);
  const rows: number[][] = [];
  for (let i = 0; i < horizons.length; i++) {
    const count = counts[i];
    if (count <= parameterCount) break;
    const inflation = Math.sqrt((count + parameterCount) / (count - parameterCount));
    const sorted = errors[i].subarray(0, count).sort();
    const rootMeanSquare = Math.sqrt(sorted.reduce((sum, e) => sum + e * e, 0) / count) * inflation;
    rows.push([rootMeanSquare, ...protectionErrorProbabilities.map((p) => errorQuantile(sorted, p) * inflation)].map(round));
  }
  if (rows.length === 0) return null;
  return { scale: relative ? 'relative' : 'absolute', horizons: horizons.slice(0, rows.length), rows };
}

/**
 * The summary's row at a horizon of any length ≥ 0 (periods, e.g. lead time 1.43 + review 1): linear between the
 * horizons kept, √(H/1) × the first row below one period, √(H/H_last) × the last row past the largest.
 */
export function protectionErrorsAt(summary: ProtectionErrorSummary, horizon: number): ProtectionErrors {
  if (!(horizon >= 0) || !Number.isFinite(horizon)) throw new Error(`protectionErrorsAt: horizon must be a finite number ≥ 0, got ${horizon}`);
  const { horizons, rows, scale } = summary;
  const last = horizons.length - 1;
  const scaled = (row: number[], factor: number, extrapolated: boolean): ProtectionErrors => ({
    horizon,
    scale,
    rootMeanSquare: row[0] * factor,
    quantiles: row.slice(1).map((q) => q * factor),
    extrapolated,
  });
  if (horizon <= horizons[0]) return scaled(rows[0], Math.sqrt(horizon / horizons[0]), false);
  if (horizon >= horizons[last]) return scaled(rows[last], Math.sqrt(horizon / horizons[last]), horizon > horizons[last]);
  const upper = horizons.findIndex((h) => h >= horizon);
  const weight = (horizon - horizons[upper - 1]) / (horizons[upper] - horizons[upper - 1]);
  const between = rows[upper].map((value, j) => rows[upper - 1][j] + weight * (value - rows[upper - 1][j]));
  return scaled(between, 1, false);
}

/**
 * The error quantile at probability p, linear between the grid's probabilities; null outside [50 %, 99.5 %], where
 * the grid says nothing.
 */
export function errorQuantileAt(errors: ProtectionErrors, probability: number): number | null {
  const grid = protectionErrorProbabilities;
  if (!(probability >= grid[0] && probability <= grid[grid.length - 1])) return null;
  const upper = grid.findIndex((p) => p >= probability - 1e-12);
  if (upper === 0 || Math.abs(grid[upper] - probability) <= 1e-12) return errors.quantiles[upper];
  const weight = (probability - grid[upper - 1]) / (grid[upper] - grid[upper - 1]);
  return errors.quantiles[upper - 1] + weight * (errors.quantiles[upper] - errors.quantiles[upper - 1]);
}

/**
 * The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of R's forecast::thetaf:
 * simple exponential smoothing with drift equal to half the slope of the linear trend
 * (Hyndman & Billah 2003, "Unmasking the Theta method", IJF 19(2)), on a series seasonally adjusted by
 * classical multiplicative decomposition when the 90% autocorrelation test finds seasonality.
 */
import type { Forecast } from './types';
import { normalQuantile } from '../stats/normal';
import { checkHorizonAndLevels } from './baselines';
import { nelderMead } from '../stats/optimize';
import { autocorrelations, classicalDecomposition } from './seasonality';

export interface ThetaFit {
  method: string;
  /** SES smoothing parameter of the seasonally adjusted series. */
  alpha: number;
  initialLevel: number;
  /** SES level after the last observation. */
  finalLevel: number;
  /** Half the OLS slope of the (adjusted) series on time. */
  drift: number;
  /** Σe² / (n − 2) of the SES one-step errors on the adjusted series (as ets "ANN"). */
  residualVariance: number;
  count: number;
  /** Multiplicative seasonal indices by cycle position from the first observation; null when not seasonal. */
  seasonalFigure: number[] | null;
  fitted: number[];
}

export interface SesFit {
  alpha: number;
  initialLevel: number;
  finalLevel: number;
  sumSquaredErrors: number;
  /** One-step forecasts ℓ_{t−1}. */
  fitted: number[];
}

const alphaLower = 1e-4;
const alphaUpper = 0.9999;

/**
 * Minimises f on [low, high]: a coarse grid to find the right valley, then golden-section search
 * within the neighbouring grid cells (Kiefer 1953) down to `tolerance`. Deterministic.
 */
export function minimiseOnInterval(
  f: (x: number) => number,
  low: number,
  high: number,
  gridPoints = 20,
  tolerance = 1e-9,
): number {
  const step = (high - low) / gridPoints;
  let best = 0;
  let bestValue = Infinity;
  for (let i = 0; i <= gridPoints; i++) {
    const value = f(low + i * step);
    if (value < bestValue) {
      bestValue = value;
      best = i;
    }
  }
  let a = low + Math.max(0, best - 1) * step;
  let b = low + Math.min(gridPoints, best + 1) * step;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  const x = (a + b) / 2;
  return f(x) <= bestValue ? x : low + best * step;
}

/**
 * Mean squared one-step error of SES from level ℓ₀ with smoothing α, accumulated as a running mean
 * the way forecast's etscalc computes amse[0] (R's ets(opt.crit = "mse") objective), so the Nelder-Mead
 * path below compares the same numbers R's does.
 */
function sesMeanSquaredError(values: readonly number[], alpha: number, initialLevel: number): number {
  let level = initialLevel;
  let mse = 0;
  for (let t = 0; t < values.length; t++) {
    const error = values[t] - level;
    mse = (mse * t + error * error) / (t + 1);
    level += alpha * error;
  }
  return mse;
}

/**
 * Simple exponential smoothing ℓ_t = ℓ_{t−1} + α(y_t − ℓ_{t−1}) as forecast::ses (forecast 8.20), which is
 * ets(y, "ANN", opt.crit = "mse"): Nelder-Mead (R's nmmin, reltol sqrt(ε), 2000 evaluations) over (α, ℓ₀) from
 * ets's own start, α = 1e-4 + 0.2·(0.9999 − 1e-4) and ℓ₀ = mean of the first min(10, n) values, minimising the
 * mean squared one-step error, and returning, as R, the simplex's last best vertex when the budget runs out. Following R's optimiser rather than finding the exact optimum is what makes the
 * Theta forecasts match thetaf's to 1e-6: the SSE surface is flat along α, and R stops where its simplex stops.
 * Series of six values or fewer get ets's fallback (HoltWintersZZ): ℓ₀ = y₁ and α ∈ [0, 1] by least squares
 * (R uses L-BFGS-B there, we a bracketing search; such series are not in the parity set).
 */
export function fitSimpleExponentialSmoothing(values: number[]): SesFit {
  const n = values.length;
  if (n === 0) throw new Error('fitSimpleExponentialSmoothing: needs at least one value');
  let alpha: number;
  let initialLevel: number;
  if (n <= 6) {
    initialLevel = values[0];
    alpha = minimiseOnInterval((a) => sesMeanSquaredError(values, a, initialLevel), 0, 1);
  } else {
    const firstCount = Math.min(10, n);
    let firstSum = 0;
    for (let t = 0; t < firstCount; t++) firstSum += values[t];
    const start = [alphaLower + 0.2 * (alphaUpper - alphaLower), firstSum / firstCount];
    // ets's bounds check: outside them the objective is infinite (nmmin ranks such a vertex worst).
    const objective = (p: Float64Array) =>
      p[0] >= alphaLower && p[0] <= alphaUpper ? sesMeanSquaredError(values, p[0], p[1]) : Infinity;
    const { point } = nelderMead(objective, start, { asRAtBudgetEnd: true });
    [alpha, initialLevel] = [point[0], point[1]];
  }
  const fitted: number[] = [];
  let level = initialLevel;
  let sumSquaredErrors = 0;
  for (const value of values) {
    fitted.push(level);
    sumSquaredErrors += (value - level) ** 2;
    level += alpha * (value - level);
  }
  return { alpha, initialLevel, finalLevel: level, sumSquaredErrors, fitted };
}

/** OLS slope of values on time 0..n−1 (0 for a single value). */
function trendSlope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const timeMean = (n - 1) / 2;
  const valueMean = values.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  values.forEach((v, t) => {
    numerator += (t - timeMean) * (v - valueMean);
    denominator += (t - timeMean) ** 2;
  });
  return numerator / denominator;
}

function checkSeries(functionName: string, values: number[], seasonLength: number): void {
  if (values.length === 0) throw new Error(`${functionName}: needs at least one value`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`${functionName}: values must be finite`);
  if (!Number.isInteger(seasonLength) || seasonLength < 1) {
    throw new Error(`${functionName}: seasonLength must be a positive integer`);
  }
}

/**
 * thetaf's own seasonality test (forecast 8.20, R/theta.R), kept here so Theta stays R's whatever the
 * service's seasonality rules become: seasonal when |r_m| > qnorm(0.95) · sqrt((1 + 2 Σ_{k<m} r_k²) / n),
 * r_k the sample autocorrelations (R's acf), for m > 1, a non-constant series and n > 2m.
 * Assimakopoulos & Nikolopoulos (2000), IJF 16(4); the 90% test of the M3 Theta submission.
 */
export function thetaSeasonalityTest(values: number[], seasonLength: number): boolean {
  const n = values.length;
  const m = seasonLength;
  if (m <= 1 || n <= 2 * m || values.every((v) => v === values[0])) return false;
  const r = autocorrelations(values, m);
  let sumSquares = 0;
  for (let k = 0; k < m - 1; k++) sumSquares += r[k] * r[k];
  return Math.abs(r[m - 1]) / Math.sqrt((1 + 2 * sumSquares) / n) > 1.6448536269514722;
}

/**
 * Seasonal indices for the Theta method, or null: thetaf's test, then classical multiplicative decomposition
 * (stats::decompose). Null when an index is within 1e-4 of zero (thetaf then skips the adjustment but still
 * multiplies its forecasts by those indices) and when a value is not positive, where multiplicative indices mean
 * nothing (thetaf divides by them anyway). Neither case occurs in M1 or M3.
 */
function thetaSeasonalFigure(values: number[], seasonLength: number): number[] | null {
  if (!thetaSeasonalityTest(values, seasonLength) || values.some((v) => v <= 0)) return null;
  const { figure } = classicalDecomposition(values, seasonLength, 'multiplicative');
  return figure.some((f) => Math.abs(f) < 1e-4 || !Number.isFinite(f)) ? null : figure;
}

/**
 * Fits the standard Theta method (forecast::thetaf): seasonal adjustment if the test says so,
 * SES on the adjusted series, drift b/2 where b is the OLS slope of the adjusted series on time.
 */
export function fitTheta(values: number[], seasonLength = 1): ThetaFit {
  checkSeries('fitTheta', values, seasonLength);
  const n = values.length;
  const seasonalFigure = thetaSeasonalFigure(values, seasonLength);
  const adjusted = seasonalFigure ? values.map((v, t) => v / seasonalFigure[t % seasonLength]) : values;
  const ses = fitSimpleExponentialSmoothing(adjusted);
  return {
    method: 'Theta',
    alpha: Math.max(1e-10, ses.alpha),
    initialLevel: ses.initialLevel,
    finalLevel: ses.finalLevel,
    drift: trendSlope(adjusted) / 2,
    // ets counts two parameters (α, ℓ₀); with two values or fewer keep the divisor positive.
    residualVariance: ses.sumSquaredErrors / Math.max(1, n - 2),
    count: n,
    seasonalFigure,
    // thetaf's fitted values are the SES one-step forecasts, reseasonalised, without the drift.
    fitted: ses.fitted.map((f, t) => (seasonalFigure ? f * seasonalFigure[t % seasonLength] : f)),
  };
}

/**
 * Theta forecasts, as thetaf:
 * ŷ_{n+h} = [ℓ_n + b/2 · ((h − 1) + (1 − (1 − α)^n)/α)] · s_{n+h},
 * interval ŷ ± z · σ · sqrt(1 + (h − 1)α²) (the SES variance; thetaf does not rescale it by the seasonal index).
 */
export function forecastTheta(fit: ThetaFit, h: number, levels: number[] = [80, 95]): Forecast {
  checkHorizonAndLevels('forecastTheta', h, levels);
  const { alpha, count, seasonalFigure } = fit;
  const driftOffset = (1 - (1 - alpha) ** count) / alpha;
  const mean = Array.from({ length: h }, (_, i) => {
    const adjusted = fit.finalLevel + fit.drift * (i + driftOffset);
    return seasonalFigure ? adjusted * seasonalFigure[(count + i) % seasonalFigure.length] : adjusted;
  });
  const sigma = Math.sqrt(fit.residualVariance);
  const standardErrors = mean.map((_, i) => sigma * Math.sqrt(1 + i * alpha * alpha));
  const lower: number[][] = [];
  const upper: number[][] = [];
  for (const level of levels) {
    const z = normalQuantile(0.5 + level / 200);
    lower.push(mean.map((m, i) => m - z * standardErrors[i]));
    upper.push(mean.map((m, i) => m + z * standardErrors[i]));
  }
  return { method: fit.method, mean, levels: [...levels], lower, upper, fitted: [...fit.fitted] };
}

/**
 * OLS line of y_1..y_t on time 1..t for every t (A_t, B_t of the dynamic Theta model; zero until t = 2):
 * B_t = 6/(t² − 1) · ((2/t) Σ i·y_i − (1 + t) ȳ_t), A_t = ȳ_t − (t + 1)/2 · B_t.
 */
function runningTrendLines(values: number[]): { intercepts: number[]; slopes: number[] } {
  const intercepts: number[] = [];
  const slopes: number[] = [];
  let sumY = 0;
  let sumTY = 0;
  values.forEach((value, index) => {
    const t = index + 1;
    sumY += value;
    sumTY += t * value;
    const slope = t >= 2 ? (6 / (t * t - 1)) * ((2 / t) * sumTY - (1 + t) * (sumY / t)) : 0;
    slopes.push(slope);
    intercepts.push(t >= 2 ? sumY / t - ((t + 1) / 2) * slope : 0);
  });
  return { intercepts, slopes };
}

/**
 * One-step forecasts of the Dynamic Optimised Theta Model without the level's start, and their weight on ℓ₀:
 * μ_t = ℓ_{t−1} + (1 − 1/θ)[(1−α)^{t−1} A_{t−1} + (1 − (1−α)^t)/α · B_{t−1}] (no trend term before two values),
 * where ℓ_{t−1} = (1−α)^{t−1} ℓ₀ + c_{t−1}. μ_t is linear in ℓ₀, so the best ℓ₀ is a least-squares coefficient.
 * Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016), IJF 32(4), §3.
 */
function dotmErrors(values: number[], lines: { intercepts: number[]; slopes: number[] }, alpha: number, theta: number) {
  const trendWeight = 1 - 1 / theta;
  let carried = 0;
  let weight = 1;
  let sumRR = 0;
  let sumRW = 0;
  let sumWW = 0;
  for (let index = 0; index < values.length; index++) {
    const nextWeight = weight * (1 - alpha);
    const trendTerm =
      index >= 2 ? trendWeight * (weight * lines.intercepts[index - 1] + ((1 - nextWeight) / alpha) * lines.slopes[index - 1]) : 0;
    const r = values[index] - carried - trendTerm;
    sumRR += r * r;
    sumRW += r * weight;
    sumWW += weight * weight;
    carried = (1 - alpha) * carried + alpha * values[index];
    weight = nextWeight;
  }
  return { initialLevel: sumRW / sumWW, sumSquaredErrors: Math.max(0, sumRR - (sumRW * sumRW) / sumWW) };
}

export interface OptimisedThetaFit {
  method: string;
  alpha: number;
  theta: number;
  initialLevel: number;
  finalLevel: number;
  /** OLS line of the adjusted series on time 1..n. */
  intercept: number;
  slope: number;
  residualVariance: number;
  count: number;
  seasonalFigure: number[] | null;
  fitted: number[];
}

/**
 * Dynamic Optimised Theta Model (Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler 2016):
 * α ∈ [1e-4, 0.9999], θ ∈ [1, 1000] and ℓ₀ chosen by least squares of the one-step errors,
 * with the same seasonal adjustment as the standard method.
 */
export function fitOptimisedTheta(values: number[], seasonLength = 1): OptimisedThetaFit {
  checkSeries('fitOptimisedTheta', values, seasonLength);
  const n = values.length;
  const seasonalFigure = thetaSeasonalFigure(values, seasonLength);
  const adjusted = seasonalFigure ? values.map((v, t) => v / seasonalFigure[t % seasonLength]) : values;
  const lines = runningTrendLines(adjusted);
  const bestAlphaFor = (theta: number) =>
    minimiseOnInterval((a) => dotmErrors(adjusted, lines, a, theta).sumSquaredErrors, alphaLower, alphaUpper, 10, 1e-7);
  // Search on the trend weight 1 − 1/θ ∈ [0, 0.999] (θ ∈ [1, 1000]): bounded, and a pure line needs weight → 1.
  const trendWeightFound = minimiseOnInterval(
    (w) => dotmErrors(adjusted, lines, bestAlphaFor(1 / (1 - w)), 1 / (1 - w)).sumSquaredErrors,
    0,
    0.999,
    10,
    1e-6,
  );
  const theta = 1 / (1 - trendWeightFound);
  const alpha = bestAlphaFor(theta);
  const best = dotmErrors(adjusted, lines, alpha, theta);
  const trendWeight = 1 - 1 / theta;
  const fitted: number[] = [];
  let level = best.initialLevel;
  let weight = 1;
  adjusted.forEach((value, index) => {
    const nextWeight = weight * (1 - alpha);
    const trendTerm =
      index >= 2 ? trendWeight * (weight * lines.intercepts[index - 1] + ((1 - nextWeight) / alpha) * lines.slopes[index - 1]) : 0;
    fitted.push((level + trendTerm) * (seasonalFigure ? seasonalFigure[index % seasonLength] : 1));
    level += alpha * (value - level);
    weight = nextWeight;
  });
  return {
    method: 'Optimised Theta',
    alpha,
    theta,
    initialLevel: best.initialLevel,
    finalLevel: level,
    intercept: lines.intercepts[n - 1],
    slope: lines.slopes[n - 1],
    residualVariance: best.sumSquaredErrors / Math.max(1, n - 3),
    count: n,
    seasonalFigure,
    fitted,
  };
}

/**
 * DOTM forecasts: ŷ_{n+h} = [ℓ_n + (1 − 1/θ){(1−α)^n A_n + ((h − 1) + (1 − (1−α)^{n+1})/α) B_n}] · s_{n+h},
 * interval ŷ ± z · σ · sqrt(1 + (h − 1)α²). Fiorucci et al. (2016), eq. (8) and §3.3.
 */
export function forecastOptimisedTheta(fit: OptimisedThetaFit, h: number, levels: number[] = [80, 95]): Forecast {
  checkHorizonAndLevels('forecastOptimisedTheta', h, levels);
  const { alpha, theta, count, seasonalFigure } = fit;
  const trendWeight = count >= 2 ? 1 - 1 / theta : 0;
  const mean = Array.from({ length: h }, (_, i) => {
    const adjusted =
      fit.finalLevel +
      trendWeight * ((1 - alpha) ** count * fit.intercept + (i + (1 - (1 - alpha) ** (count + 1)) / alpha) * fit.slope);
    return seasonalFigure ? adjusted * seasonalFigure[(count + i) % seasonalFigure.length] : adjusted;
  });
  const sigma = Math.sqrt(fit.residualVariance);
  const lower: number[][] = [];
  const upper: number[][] = [];
  for (const level of levels) {
    const z = normalQuantile(0.5 + level / 200);
    lower.push(mean.map((m, i) => m - z * sigma * Math.sqrt(1 + i * alpha * alpha)));
    upper.push(mean.map((m, i) => m + z * sigma * Math.sqrt(1 + i * alpha * alpha)));
  }
  return { method: fit.method, mean, levels: [...levels], lower, upper, fitted: [...fit.fitted] };
}

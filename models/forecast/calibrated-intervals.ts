/**
 * Prediction intervals calibrated on the forecast's own out-of-sample errors (split conformal prediction with a
 * normalised score; Vovk, Gammerman & Shafer 2005; Papadopoulos et al. 2008; Lei et al. 2018, JASA 113).
 *
 * A model's (or a combination's) own bands give the shape: how the spread grows with the step and leans to one side.
 * Their width is set from how far the same method, refitted on the history before a few rolling origins, missed the
 * values after them: each miss at step i, brought to the level of today's forecast, is divided by the band's distance
 * from the point forecast at step i on its side, stretched by i^g where the misses grow faster with the step than the
 * band does, and the level's conformal quantile of those ratios scales the bands. An averaged band of several members
 * under-covers (they err together); bands from a model's own assumptions over- or under-cover as the assumptions
 * fail. The calibration uses neither's width, only their shape. Tashman (2000) for the rolling origin.
 *
 * Where at most one origin fits (short histories: a monthly series under about 52 values, whose origins must leave two
 * seasons to train on), that origin's misses are one draw of the window's level error, and a quantile of them is
 * mostly noise: the forecast's own one-step in-sample errors, divided by the band's step-1 distance on their side,
 * are pooled with them (the band's own growth with the step, as the model's state space widens it, carries them out).
 */
import { conformalQuantile } from './protection-errors';
import { normalQuantile } from '../stats/normal';
import type { Forecast } from './types';

export interface IntervalCalibration {
  /** Rolling origins refitted. */
  origins: number;
  /** Normalised errors the quantiles were taken over, the one-step in-sample ones included. */
  errors: number;
  /** Of those, one-step in-sample errors (pooled only where at most one origin fits; 0 otherwise). */
  oneStepErrors: number;
  /** Per level (as Forecast.levels): the factor applied to the model's own band at step 1. */
  factors: number[];
  /** Per level: the growth exponent g, the factor at step i being factors[level] × i^g (0: the band's own growth). */
  growth: number[];
}

export interface CalibrationSettings {
  /** Most rolling origins. */
  origins: number;
  /** Shortest training history an origin may leave. */
  minimumTrain: number;
  /** The season length: where in-sample errors are pooled, the first season's (the states still settling) are left out. */
  seasonLength: number;
}

/**
 * Normalised errors the origins should give: two 95 % conformal quantiles' worth (19 each is the fewest that reach
 * 95 % without extrapolating). Two origins of a monthly window (18) give 36; short windows take more origins.
 */
export const wantedErrors = 36;

/**
 * Fewest errors calibrated on: as many as the growth's slope needs (3 steps). One origin of a short yearly history
 * (n = 14: a window of 4) is all there is; on M1 yearly, calibrating from 3 errors instead of 5 covers 66.9 / 79.2 %
 * instead of 63.9 / 77.0 % (MSIS 48.4 instead of 52.2), elsewhere the same.
 */
export const fewestErrors = 3;

/**
 * The rolling origins: test windows of min(h, ⌊n/3⌋) steps, the last ending at the last value, each earlier one
 * ⌈window/2⌉ steps before the next (half overlapping, so a few origins see different stretches); as many as give
 * `wantedErrors` errors, at least 2 and at most settings.origins; none that would leave fewer than minimumTrain
 * values to train on.
 */
export function calibrationOrigins(n: number, horizon: number, settings: CalibrationSettings): { trainLength: number; testLength: number }[] {
  const testLength = Math.min(horizon, Math.floor(n / 3));
  if (testLength < 1) return [];
  const spacing = Math.ceil(testLength / 2);
  const count = Math.min(settings.origins, Math.max(2, Math.ceil(wantedErrors / testLength)));
  const windows: { trainLength: number; testLength: number }[] = [];
  for (let j = 0; j < count; j++) {
    const trainLength = n - testLength - j * spacing;
    if (trainLength < settings.minimumTrain) break;
    windows.push({ trainLength, testLength });
  }
  return windows;
}

/**
 * The conformal quantile at p of the sorted ratios; past what n ratios can tell (⌈(n + 1)p⌉ > n: 19 are needed at
 * 95 %), the largest ratio, a quantile at p' = n/(n + 1), stretched to p as a half-normal's quantiles are,
 * × z((1 + p)/2) / z((1 + p')/2): taking the largest alone would cover with probability p' only.
 */
export function conformalFactor(sortedRatios: Float64Array, probability: number): number {
  const n = sortedRatios.length;
  if (Math.ceil((n + 1) * probability - 1e-9) <= n) return conformalQuantile(sortedRatios, probability);
  const reachable = n / (n + 1);
  return sortedRatios[n - 1] * (normalQuantile((1 + probability) / 2) / normalQuantile((1 + reachable) / 2));
}

/**
 * How much larger today's forecast is than an origin's, over the origin's window: Σ|today's point| / Σ|origin's
 * point| (1 when the origin forecast zero). A miss made when the series stood at half its level counts double, so a
 * growing series' early, small misses do not narrow today's bands (on M1 and M3 the origins further back missed less
 * for that reason alone, and more origins covered less).
 */
export function levelRatio(todayPoint: readonly number[], originPoint: readonly number[]): number {
  let today = 0;
  let origin = 0;
  originPoint.forEach((p, i) => {
    origin += Math.abs(p);
    today += Math.abs(todayPoint[i]);
  });
  return origin > 0 && Number.isFinite(today / origin) ? today / origin : 1;
}

/**
 * How much faster than the band the misses grow with the step: the least-squares slope of log RMS(miss / half-width)
 * on log step over the steps with a non-zero RMS, clamped to [0, 1] (never narrower growth than the band's own, at
 * most one power of the step more). 0 with fewer than 3 such steps. `rootMeanSquares[i]` is step i + 1's.
 */
export function growthExponent(rootMeanSquares: readonly number[]): number {
  const points = rootMeanSquares.flatMap((rms, i) => (rms > 0 && Number.isFinite(rms) ? [[Math.log(i + 1), Math.log(rms)]] : []));
  if (points.length < 3) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return Math.min(1, Math.max(0, covariance / variance));
}

/**
 * The one-step in-sample errors y_t − fitted_t from t = seasonLength on (the first season's states are still settling:
 * on M1 monthly, leaving them out covers 78.8 / 94.2 % instead of 78.5 / 94.2 %), where both are finite.
 */
export function oneStepErrors(values: readonly number[], fitted: readonly number[], seasonLength: number): number[] {
  const errors: number[] = [];
  for (let t = seasonLength; t < values.length; t++) {
    const error = values[t] - fitted[t];
    if (Number.isFinite(error)) errors.push(error);
  }
  return errors;
}

/**
 * `forecast` (fitted on all of `values`) with each level's band scaled by the conformal quantile of the normalised
 * errors of `pointForecast` (the same method's point forecast refitted on the history before each origin). A wider
 * level's factor is at least a narrower one's (errors are not lighter-tailed than the normal the bands assume: on M1
 * and M3 the 95 % quantile of a few dozen ratios fell below the 80 % one's scale and under-covered). Where at most one
 * origin fits, the one-step in-sample errors join the ratios (at step 1, so at the band's own growth). Unchanged, with
 * no calibration, when neither gives `fewestErrors` ratios or the model's bands have no width.
 */
export function calibrateIntervals(
  values: number[],
  forecast: Forecast,
  pointForecast: (train: number[], horizon: number) => number[],
  settings: CalibrationSettings,
): Forecast & { calibration?: IntervalCalibration } {
  if (forecast.levels.length === 0) return forecast;
  const windows = calibrationOrigins(values.length, forecast.mean.length, settings);
  // One origin's misses share its window's level error; none leave nothing: the in-sample one-step errors join them.
  // On M1 monthly (104 series with one origin, 37 with none) coverage 76.8 / 92.1 → 78.8 / 94.2 %.
  const inSample = windows.length <= 1 ? oneStepErrors(values, forecast.fitted, settings.seasonLength) : [];
  if (windows.length === 0 && inSample.length === 0) return forecast;
  // Each origin's misses, brought to the level of today's forecast.
  const misses = windows.map(({ trainLength, testLength }) => {
    const point = pointForecast(values.slice(0, trainLength), testLength);
    const toToday = levelRatio(forecast.mean, point);
    return point.map((p, i) => (values[trainLength + i] - p) * toToday);
  });
  const testLength = windows.length ? windows[0].testLength : 0;
  const byLevel = forecast.levels.map((level, index) => ({ level, index })).sort((a, b) => a.level - b.level);
  const factors = new Array<number>(forecast.levels.length);
  const growth = new Array<number>(forecast.levels.length);
  let errors = 0;
  for (const { level, index } of byLevel) {
    const halfWidth = (i: number) => (forecast.upper[index][i] - forecast.lower[index][i]) / 2;
    const rootMeanSquares = Array.from({ length: testLength }, (_, i) => {
      const scaled = misses.map((row) => row[i] / halfWidth(i)).filter(Number.isFinite);
      return scaled.length ? Math.sqrt(scaled.reduce((sum, r) => sum + r * r, 0) / scaled.length) : NaN;
    });
    const exponent = growthExponent(rootMeanSquares);
    const ratios: number[] = [];
    for (const row of misses) {
      row.forEach((miss, i) => {
        const side = (miss >= 0 ? forecast.upper[index][i] - forecast.mean[i] : forecast.mean[i] - forecast.lower[index][i]) * (i + 1) ** exponent;
        if (side > 0 && Number.isFinite(miss)) ratios.push(Math.abs(miss) / side);
        else if (miss === 0) ratios.push(0);
      });
    }
    for (const error of inSample) {
      const side = error >= 0 ? forecast.upper[index][0] - forecast.mean[0] : forecast.mean[0] - forecast.lower[index][0];
      if (side > 0) ratios.push(Math.abs(error) / side);
    }
    if (ratios.length < fewestErrors) return forecast;
    errors = ratios.length;
    const factor = conformalFactor(Float64Array.from(ratios).sort(), level / 100);
    // Only central levels of 50 % or more carry their factor up: a near-zero level (a median asked as level 1e-9) has a
    // band of no width and a ratio of no meaning.
    factors[index] = Math.max(factor, ...byLevel.filter((entry) => entry.level < level && entry.level >= 50).map((entry) => factors[entry.index]));
    growth[index] = exponent;
  }
  return applyCalibration(forecast, { origins: windows.length, errors, oneStepErrors: inSample.length, factors, growth });
}

/**
 * A calibration's factors and growth applied to a forecast's own bands (of the same levels, in the same order). A
 * refit of the model a selection chose applies the selection's calibration to its new bands instead of refitting at
 * every origin again: the factors are ratios to the band's own width, which a week more of data hardly moves, and the
 * origins' refits are four fifths of a refit's CPU.
 */
export function applyCalibration(forecast: Forecast, calibration: IntervalCalibration): Forecast & { calibration: IntervalCalibration } {
  const { factors, growth } = calibration;
  if (factors.length !== forecast.levels.length || growth.length !== forecast.levels.length) {
    throw new Error(`applyCalibration: ${factors.length} factors for ${forecast.levels.length} levels`);
  }
  const scale = (level: number, bound: number, i: number) => forecast.mean[i] + factors[level] * (i + 1) ** growth[level] * (bound - forecast.mean[i]);
  const lower = forecast.lower.map((row, level) => row.map((bound, i) => scale(level, bound, i)));
  const upper = forecast.upper.map((row, level) => row.map((bound, i) => scale(level, bound, i)));
  // A narrower level's band may still grow faster: a wider level's band always holds a narrower one's.
  const byLevel = forecast.levels.map((level, index) => ({ level, index })).sort((a, b) => a.level - b.level);
  for (let k = 1; k < byLevel.length; k++) {
    const [narrower, wider] = [byLevel[k - 1].index, byLevel[k].index];
    lower[wider] = lower[wider].map((bound, i) => Math.min(bound, lower[narrower][i]));
    upper[wider] = upper[wider].map((bound, i) => Math.max(bound, upper[narrower][i]));
  }
  return { ...forecast, lower, upper, calibration };
}

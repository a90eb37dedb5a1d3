/**
 * Prediction intervals calibrated on the forecast's own out-of-sample errors (split conformal prediction with a
 * normalised score; Vovk, Gammerman & Shafer 2005; Papadopoulos et al. 2008; Lei et al. 2018, JASA 113).
 *
 * A model's (or a combination's) own bands give the shape: how the spread grows with the step and leans to one side.
 * Their width is set from how far the same method, refitted on the history before a few rolling origins, missed the
 * values after them: each miss at step i is divided by the band's distance from the point forecast at step i on its
 * side, and the level's conformal quantile of those ratios scales the bands. An averaged band of several members
 * under-covers (they err together); bands from a model's own assumptions over- or under-cover as the assumptions
 * fail. The calibration uses neither's width, only their shape. Tashman (2000) for the rolling origin.
 */
import { conformalQuantile } from './protection-errors';
import { normalQuantile } from '../stats/normal';
import type { Forecast } from './types';

export interface IntervalCalibration {
  /** Rolling origins refitted. */
  origins: number;
  /** Normalised errors the quantiles were taken over. */
  errors: number;
  /** Per level (as Forecast.levels): the factor applied to the model's own band. */
  factors: number[];
}

export interface CalibrationSettings {
  /** Rolling origins. */
  origins: number;
  /** Shortest training history an origin may leave. */
  minimumTrain: number;
}

/**
 * The rolling origins: test windows of min(h, ⌊n/3⌋) steps, the last ending at the last value, each earlier one
 * ⌈window/2⌉ steps before the next (half overlapping, so a few origins see different stretches); none that would
 * leave fewer than minimumTrain values to train on.
 */
export function calibrationOrigins(n: number, horizon: number, settings: CalibrationSettings): { trainLength: number; testLength: number }[] {
  const testLength = Math.min(horizon, Math.floor(n / 3));
  if (testLength < 1) return [];
  const spacing = Math.ceil(testLength / 2);
  const windows: { trainLength: number; testLength: number }[] = [];
  for (let j = 0; j < settings.origins; j++) {
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
 * `forecast` (fitted on all of `values`) with each level's band scaled by the conformal quantile of the normalised
 * errors of `pointForecast` (the same method's point forecast refitted on the history before each origin). Unchanged,
 * with no calibration, when no origin fits, when the model's bands have no width, or when fewer than 5 errors remain.
 */
export function calibrateIntervals(
  values: number[],
  forecast: Forecast,
  pointForecast: (train: number[], horizon: number) => number[],
  settings: CalibrationSettings,
): Forecast & { calibration?: IntervalCalibration } {
  if (forecast.levels.length === 0) return forecast;
  const windows = calibrationOrigins(values.length, forecast.mean.length, settings);
  if (windows.length === 0) return forecast;
  const misses = windows.map(({ trainLength, testLength }) => {
    const point = pointForecast(values.slice(0, trainLength), testLength);
    return point.map((p, i) => values[trainLength + i] - p);
  });
  const factors: number[] = [];
  let errors = 0;
  for (let level = 0; level < forecast.levels.length; level++) {
    const ratios: number[] = [];
    for (const row of misses) {
      row.forEach((miss, i) => {
        const side = miss >= 0 ? forecast.upper[level][i] - forecast.mean[i] : forecast.mean[i] - forecast.lower[level][i];
        if (side > 0 && Number.isFinite(miss)) ratios.push(Math.abs(miss) / side);
        else if (miss === 0) ratios.push(0);
      });
    }
    if (ratios.length < 5) return forecast;
    errors = ratios.length;
    factors.push(conformalFactor(Float64Array.from(ratios).sort(), forecast.levels[level] / 100));
  }
  const scale = (level: number, bound: number, i: number) => forecast.mean[i] + factors[level] * (bound - forecast.mean[i]);
  const lower = forecast.lower.map((row, level) => row.map((bound, i) => scale(level, bound, i)));
  const upper = forecast.upper.map((row, level) => row.map((bound, i) => scale(level, bound, i)));
  // Quantiles of different ratios need not nest: a wider level's band always holds a narrower one's.
  const byLevel = forecast.levels.map((level, index) => ({ level, index })).sort((a, b) => a.level - b.level);
  for (let k = 1; k < byLevel.length; k++) {
    const [narrower, wider] = [byLevel[k - 1].index, byLevel[k].index];
    lower[wider] = lower[wider].map((bound, i) => Math.min(bound, lower[narrower][i]));
    upper[wider] = upper[wider].map((bound, i) => Math.max(bound, upper[narrower][i]));
  }
  return { ...forecast, lower, upper, calibration: { origins: windows.length, errors, factors } };
}

/**
 * Automatic forecasting: one call that cleans a series, classifies its demand and picks a model.
 *
 * - Gaps (NaN) are filled by linear interpolation (the nearest value at the ends).
 * - Demand class (Syntetos, Boylan & Croston 2005, classify.ts) decides the family: no demand → zero forecast;
 *   fewer than 6 values → the mean; a single demand → TSB; intermittent or lumpy → Croston, SBA, TSB or ADIDA
 *   (negative values clipped to 0 by intermittent.ts), chosen by rolling-origin holdout MSE (MSE, not MAE: MAE
 *   rewards the all-zero forecast), SBA when the series is too short for the holdout; smooth or erratic → the
 *   mean of ETS (chosen by AICc within its family by fitEts), Theta and Optimised Theta (plus ARIMA on request).
 *   With holdoutOrigins > 0, the smooth choice is instead made by rolling-origin holdout MAE among those
 *   components and their mean and median; off by default, because on M3 it does worse than always combining.
 *   Seasons longer than 24 (weekly data) are removed by classical decomposition first (see adjustLongSeason).
 * - Combination intervals: the mean combination averages the components' bounds level by level (quantile
 *   averaging), the median combination takes their median, so the point stays inside its intervals.
 * - Histories without negative values give forecasts and bounds clipped at 0.
 * Tashman (2000), "Out-of-sample tests of forecasting accuracy", IJF 16(4) for the rolling origin;
 * Petropoulos & Svetunkov (2020), IJF 36(1) and Hyndman's M4 entry for combining ETS, Theta and ARIMA.
 */
import type { Forecast } from './types';
import { classifyDemand, type DemandClass } from './classify';
import { createEtsFitCache, fitEts, forecastEts, type EtsFit, type EtsFitCache } from './ets';
import { fitOptimisedTheta, fitTheta, forecastOptimisedTheta, forecastTheta } from './theta';
import { fitArima, forecastArima } from './arima';
import { fitAdida, fitCroston, fitSba, fitTsb, forecastIntermittent, type IntermittentFit, type IntermittentMethod } from './intermittent';
import { checkHorizonAndLevels, fitDrift, fitMean, fitNaive, fitSeasonalNaive, forecastBaseline } from './baselines';
import { classicalDecomposition, harmonicSeasonalityTest } from './seasonality';
import { applyCalibration, calibrateIntervals, type IntervalCalibration } from './calibrated-intervals';

export type ForecastMethod =
  | 'auto'
  | 'ets'
  | 'theta'
  | 'arima'
  | 'croston'
  | 'sba'
  | 'tsb'
  | 'adida'
  | 'snaive'
  | 'naive'
  | 'mean'
  | 'drift'
  | 'combo';

export const forecastMethods: readonly ForecastMethod[] = [
  'auto', 'ets', 'theta', 'arima', 'croston', 'sba', 'tsb', 'adida', 'snaive', 'naive', 'mean', 'drift', 'combo',
];

export interface AutoForecastOptions {
  seasonLength: number;
  horizon: number;
  /** Interval levels in percent, default [80, 95]. */
  levels?: number[];
  /** 'auto' (default) chooses; any other name fits that model only. */
  method?: ForecastMethod;
  /** Rolling origins of the holdout that chooses among the smooth-series candidates; 0 = always the mean combination. */
  holdoutOrigins?: number;
  /** Rolling origins of the holdout that chooses among the intermittent methods. */
  intermittentHoldoutOrigins?: number;
  /** Rolling origins the smooth models' intervals are calibrated on (calibrated-intervals.ts); 0 = the models' own. */
  calibrationOrigins?: number;
  /** Add ARIMA to the smooth-series components (slow: see DEFAULTS). */
  arima?: boolean;
  /**
   * A model chosen by an earlier selection (AutoForecast.pin): refit it (same model and form, parameters
   * re-estimated) instead of choosing again, while the series stays in the family it was chosen in; otherwise, or
   * if the refit fails, or on histories shorter than 48 values, select as usual. Choosing costs most of the time and rarely changes from week to week.
   */
  pinned?: PinnedModel;
}

/** What an automatic selection settled on, enough to refit the same model on new data. */
export interface PinnedModel {
  family: 'smooth' | 'intermittent';
  /** The smooth candidate (e.g. 'combo-mean') or the intermittent method (e.g. 'tsb'). */
  model: string;
  /** ETS form chosen by AICc, e.g. 'MAdN', when the model includes ETS. */
  etsModel?: string;
  /** The damped-trend ETS member's form, e.g. 'AAdM', when the model includes it. */
  dampedModel?: string;
  /** Whether the long season (m > 24) was removed before modelling. */
  longSeason?: boolean;
  /** The selection's calibration of the bands and the levels it was made for: a refit applies it (applyCalibration). */
  calibration?: PinnedCalibration;
}

export type PinnedCalibration = IntervalCalibration & { levels: number[] };

export interface AutoForecast extends Forecast {
  demandClass: DemandClass;
  /** Every candidate scored by the holdout (MAE for smooth, MSE for intermittent series); empty when none was. */
  candidates: { method: string; score: number }[];
  /** Root mean square of the chosen model's one-step in-sample errors (0 when it has none), for safety stock. */
  residualSd: number;
  selection: 'class' | 'holdout' | 'fixed' | 'pinned';
  /** The model to pass as `pinned` next time; absent when the class alone decided (zero, new, short) or fixed. */
  pin?: PinnedModel;
  /** How the smooth models' bands were calibrated on their own rolling-origin errors; absent when they were not. */
  calibration?: IntervalCalibration;
  /** The ETS component's fit and the values it saw (seasonally adjusted when the long season was removed), when ETS ran. */
  ets?: EtsComponent;
}

export interface EtsComponent {
  fit: EtsFit;
  values: number[];
}

/** The ETS fit a forecast carries (etsForecast's), passed along by spreading it into the forecasts built from it. */
function etsOf(...forecasts: Forecast[]): { ets?: EtsComponent } {
  const ets = forecasts.map((forecast) => (forecast as { ets?: EtsComponent }).ets).find((fit) => fit !== undefined);
  return ets ? { ets } : {};
}

/**
 * Defaults, chosen on M1, M3 and carparts together (npm run bench:accuracy, section 1: each candidate's MASE and
 * sMAPE relative to the seasonal naive's, averaged over the data sets with at least 100 smooth series, M1 and M3;
 * carparts has 22 smooth series, the rest intermittent: printed, not voting):
 * - smooth series: always the mean of ETS, Theta, optimised Theta and damped-trend ETS (score 0.7930): MASE / sMAPE
 *   M1 1.641 / 15.30, M3 1.338 / 12.36, against 1.672 / 15.48 and 1.340 / 12.37 for the three without the damped trend
 *   (0.7996), and 1.619 / 15.31 and 1.349 / 12.47 for ETS, optimised Theta and damped ETS (0.7939). No single model
 *   comes close (damped ETS alone: 1.629 / 15.87 on M1 but 1.415 / 13.08 on M3).
 *   Choosing by holdout among the members and their mean and median did worse on M3 at twice the cost (2 origins:
 *   sMAPE 12.65, MASE 1.384): on one series the holdout winner is mostly noise.
 * - ARIMA off: as a fifth member of the mean it scores 0.7871 against 0.7931 (M1 15.17 / 1.616, M3 12.32 / 1.334:
 *   better on both), but with it the automatic choice had not finished M3 monthly after 177 CPU seconds (fewer than
 *   8.1 series/s against the 50 required; bench:forecast m3 --arima, 2026-12-02): the combination, and with it
 *   ARIMA's order search, is refitted at every calibration origin.
 * - intervals calibrated on up to 4 rolling origins, as many as give 36 errors (2 for monthly windows of 18, 4 for
 *   quarterly and yearly ones; calibrated-intervals.ts), misses brought to today's level, growth with the step fitted,
 *   and where at most one origin fits the one-step in-sample errors pooled in: coverage 80 / 95 % on M1 73.2 / 86.8 →
 *   77.4 / 92.4, M3 78.1 / 90.9 → 79.3 / 93.9 (bench:accuracy; 2 origins before, without level, growth or pooling).
 *   More origins for monthly windows (4 instead of 2) cover M1 monthly 77.5 % instead of 76.8 % at the 80 % level,
 *   but cost more than 50 series/s allows; for quarterly windows, more origins (6) or origins closer together (1, 2
 *   or 3 steps apart instead of 4) cover M1 quarterly less, not more.
 * - intermittent series: 2 rolling origins (carparts MASE 1.029; 1.032 with 3 origins, 1.034 with 6; TSB alone 1.033).
 */
export const DEFAULTS = { holdoutOrigins: 0, intermittentHoldoutOrigins: 2, arima: false, calibrationOrigins: 4 } as const;

/** Smooth-series components; ARIMA only on request. */
export type Component = 'ets' | 'theta' | 'optimised-theta' | 'damped' | 'arima';
const defaultComponents: readonly Component[] = ['ets', 'theta', 'optimised-theta', 'damped'];
type SmoothCandidate = Component | 'combo-mean' | 'combo-median';
/**
 * Shortest history on which a pin is honoured. On M3 (bench/accuracy.ts), refitting the choice made one period
 * earlier loses nothing on monthly series (48 to 144 values: sMAPE 13.52 against 13.53, MASE 0.840 both) but a
 * little on the shorter yearly and quarterly ones (sMAPE 16.15 against 16.10, 9.03 against 8.98), where one more
 * value moves the choice more. Weekly histories of a year or more clear it.
 */
const minimumPinnedLength = 48;
const smoothCandidates: readonly SmoothCandidate[] = ['ets', 'theta', 'optimised-theta', 'damped', 'arima', 'combo-mean', 'combo-median'];

/**
 * The decisions a smooth forecast makes besides its candidate, so that a refit can keep them (PinnedModel): read
 * where set (a pinned refit), filled in where not (a selection).
 */
interface SmoothChoices {
  etsModel?: string;
  dampedModel?: string;
  longSeason?: boolean;
}

/** Shortest training window a holdout origin may leave, in seasons (and at least 8 values). */
const minimumTrainSeasons = 2;
const minimumTrainLength = 8;

export function autoForecast(values: number[], options: AutoForecastOptions): AutoForecast {
  const { seasonLength, horizon } = options;
  const levels = options.levels ?? [80, 95];
  const method = options.method ?? 'auto';
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new Error('autoForecast: seasonLength must be a positive integer');
  checkHorizonAndLevels('autoForecast', horizon, levels);
  if (!forecastMethods.includes(method)) throw new Error(`autoForecast: unknown method '${method}'`);
  for (const name of ['holdoutOrigins', 'intermittentHoldoutOrigins', 'calibrationOrigins'] as const) {
    const origins = options[name];
    if (origins !== undefined && !(Number.isInteger(origins) && origins >= 0)) throw new Error(`autoForecast: ${name} must be a non-negative integer`);
  }
  const settings = {
    holdoutOrigins: options.holdoutOrigins ?? DEFAULTS.holdoutOrigins,
    intermittentHoldoutOrigins: options.intermittentHoldoutOrigins ?? DEFAULTS.intermittentHoldoutOrigins,
    calibrationOrigins: options.calibrationOrigins ?? DEFAULTS.calibrationOrigins,
    components: [...defaultComponents, ...(options.arima ?? DEFAULTS.arima ? ['arima' as const] : [])] as Component[],
  };

  const y = fillGaps(values);
  const hasNegative = y.some((v) => v < 0);
  const allZero = y.every((v) => v === 0);
  const { demandClass } = classifyDemand(y);
  const finish = (forecast: Forecast, selection: AutoForecast['selection'], candidates: AutoForecast['candidates'] = [], pin?: PinnedModel): AutoForecast => {
    const result = hasNegative ? forecast : clipAtZero(forecast);
    return { ...result, demandClass, candidates, residualSd: rootMeanSquareError(y, result.fitted), selection, ...(pin && { pin }) };
  };

  if (method !== 'auto') return finish(fixedForecast(method, y, seasonLength, horizon, levels, settings.components, settings.calibrationOrigins), 'fixed');
  if (allZero) return finish(zeroForecast(y.length, horizon, levels), 'class');
  if (demandClass === 'new') return finish(forecastBaseline(fitMean(y), horizon, levels), 'class');
  // A single demand leaves nothing to choose on: TSB, whose demand probability decays through the zeros after it.
  if (demandClass === 'short') return finish(forecastIntermittent(fitTsb(y), horizon, { levels }), 'class');
  // A history that is all negative classifies as 'zero' (negatives count as no demand); it is a smooth series.
  const intermittent = (demandClass === 'intermittent' || demandClass === 'lumpy') && !allNegativeOrZero(y);
  const pinned = y.length >= minimumPinnedLength ? options.pinned : undefined;
  if (intermittent) {
    if (pinned?.family === 'intermittent' && intermittentMethods.includes(pinned.model as IntermittentMethod)) {
      const method = pinned.model as IntermittentMethod;
      return finish(forecastIntermittent(fitIntermittentMethod(method, y), horizon, { levels }), 'pinned', [], { family: 'intermittent', model: method });
    }
    const scores = intermittentHoldout(y, horizon, settings.intermittentHoldoutOrigins);
    const pin = (model: IntermittentMethod): PinnedModel => ({ family: 'intermittent', model });
    if (scores.length === 0) return finish(forecastIntermittent(fitSba(y), horizon, { levels }), 'class', [], pin('sba'));
    const best = scores.reduce((a, b) => (b.score < a.score ? b : a));
    const chosen = forecastIntermittent(fitIntermittentMethod(best.method as IntermittentMethod, y), horizon, { levels });
    return finish(chosen, 'holdout', scores, pin(best.method as IntermittentMethod));
  }
  const smooth = (candidate: SmoothCandidate, choices: SmoothChoices = {}, carried?: PinnedCalibration) => {
    const forecast = smoothForecast(candidate, y, seasonLength, horizon, levels, settings.components, choices, settings.calibrationOrigins, carried);
    const calibration = forecast.calibration && { ...forecast.calibration, levels: [...levels] };
    return { forecast, pin: { family: 'smooth', model: candidate, ...choices, ...(calibration && { calibration }) } satisfies PinnedModel };
  };
  if (pinned?.family === 'smooth' && smoothCandidates.includes(pinned.model as SmoothCandidate)) {
    try {
      const choices = { etsModel: pinned.etsModel, dampedModel: pinned.dampedModel, longSeason: pinned.longSeason };
      const refit = smooth(pinned.model as SmoothCandidate, choices, pinned.calibration);
      return finish(refit.forecast, 'pinned', [], refit.pin);
    } catch {
      // The pinned form no longer fits the data (say, a zero where multiplicative errors need positives): choose again.
    }
  }
  const scores = smoothHoldout(y, seasonLength, horizon, settings.holdoutOrigins, settings.components);
  const chosen = scores.length === 0 ? undefined : scores.reduce((a, b) => (b.score < a.score ? b : a));
  const { forecast, pin } = smooth((chosen?.method ?? 'combo-mean') as SmoothCandidate);
  return finish(forecast, chosen ? 'holdout' : 'class', scores, pin);
}

/** Linear interpolation over NaN gaps, the nearest value carried over leading and trailing gaps. */
function fillGaps(values: number[]): number[] {
  if (!Array.isArray(values)) throw new Error('autoForecast: values must be an array of numbers');
  const known: number[] = [];
  values.forEach((v, t) => {
    if (typeof v !== 'number' || Number.isNaN(v)) return;
    if (!Number.isFinite(v)) throw new Error(`autoForecast: value ${t + 1} is not finite`);
    known.push(t);
  });
  if (known.length === 0) throw new Error('autoForecast: needs at least one value');
  if (known.length === values.length) return [...values];
  const filled = new Array<number>(values.length);
  let next = 0;
  for (let t = 0; t < values.length; t++) {
    while (next < known.length && known[next] < t) next++;
    if (known[next] === t) filled[t] = values[t];
    else if (next === 0) filled[t] = values[known[0]];
    else if (next === known.length) filled[t] = values[known[known.length - 1]];
    else {
      const [before, after] = [known[next - 1], known[next]];
      filled[t] = values[before] + ((values[after] - values[before]) * (t - before)) / (after - before);
    }
  }
  return filled;
}

function allNegativeOrZero(y: number[]): boolean {
  return y.every((v) => v <= 0);
}

function fixedForecast(
  method: Exclude<ForecastMethod, 'auto'>,
  y: number[],
  seasonLength: number,
  horizon: number,
  levels: number[],
  components: Component[],
  calibrationOrigins: number,
): Forecast {
  switch (method) {
    case 'ets':
    case 'theta':
    case 'arima':
      return smoothForecast(method, y, seasonLength, horizon, levels, components, {}, calibrationOrigins);
    case 'combo':
      return smoothForecast('combo-mean', y, seasonLength, horizon, levels, components, {}, calibrationOrigins);
    case 'croston':
    case 'sba':
    case 'tsb':
    case 'adida':
      return forecastIntermittent(fitIntermittentMethod(method, y), horizon, { levels });
    case 'naive':
      return forecastBaseline(fitNaive(y), horizon, levels);
    case 'snaive':
      return forecastBaseline(fitSeasonalNaive(y, seasonLength), horizon, levels);
    case 'drift':
      return forecastBaseline(fitDrift(y), horizon, levels);
    case 'mean':
      return forecastBaseline(fitMean(y), horizon, levels);
  }
}

function fitIntermittentMethod(method: IntermittentMethod, y: number[]): IntermittentFit {
  switch (method) {
    case 'croston':
      return fitCroston(y);
    case 'sba':
      return fitSba(y);
    case 'tsb':
      return fitTsb(y);
    case 'adida':
      return fitAdida(y);
  }
}

const intermittentMethods: IntermittentMethod[] = ['croston', 'sba', 'tsb', 'adida'];

/**
 * Mean squared error of each method's flat rate over the rolling-origin windows (holdoutWindows), each method
 * trained on everything before a window. Empty when the series is too short to leave `minimumTrainLength` values.
 */
function intermittentHoldout(y: number[], horizon: number, origins: number): { method: string; score: number }[] {
  const windows = holdoutWindows(y.length, horizon, origins, minimumTrainLength);
  if (windows.length === 0) return [];
  return intermittentMethods.map((method) => {
    let total = 0;
    let count = 0;
    for (const { trainLength, testLength } of windows) {
      const { rate } = fitIntermittentMethod(method, y.slice(0, trainLength));
      for (let t = trainLength; t < trainLength + testLength; t++) {
        total += (Math.max(0, y[t]) - rate) ** 2;
        count += 1;
      }
    }
    return { method, score: total / count };
  });
}

/**
 * Rolling-origin holdout windows: test windows of min(horizon, n/3) values ending at the last value, then one
 * step earlier each, trained on all values before; empty when a training set would be shorter than `minimumTrain`.
 */
function holdoutWindows(n: number, horizon: number, origins: number, minimumTrain: number): { trainLength: number; testLength: number }[] {
  if (origins < 1) return [];
  const testLength = Math.min(horizon, Math.floor(n / 3));
  const shortestTrain = n - testLength - (origins - 1);
  if (testLength < 1 || shortestTrain < minimumTrain) return [];
  return Array.from({ length: origins }, (_, i) => ({ trainLength: n - testLength - i, testLength }));
}

/** MAE of each smooth candidate over the rolling-origin windows (see holdoutWindows). */
function smoothHoldout(
  y: number[],
  seasonLength: number,
  horizon: number,
  origins: number,
  components: Component[],
): { method: string; score: number }[] {
  const minimumTrain = Math.max(minimumTrainLength, minimumTrainSeasons * seasonLength + 1);
  const windows = holdoutWindows(y.length, horizon, origins, minimumTrain);
  if (windows.length === 0) return [];
  const candidates: SmoothCandidate[] = [...components, 'combo-mean', 'combo-median'];
  const totals = new Map<SmoothCandidate, number>(candidates.map((c) => [c, 0]));
  let count = 0;
  const nonNegative = y.every((v) => v >= 0);
  for (const { trainLength, testLength } of windows) {
    const season = adjustLongSeason(y.slice(0, trainLength), seasonLength);
    const etsFits = createEtsFitCache(season.values);
    const means = components.map((c) => season.restore(componentForecast(c, season.values, season.seasonLength, testLength, [], {}, etsFits).mean, trainLength));
    const forecasts = new Map<SmoothCandidate, number[]>(components.map((c, i) => [c, means[i]]));
    forecasts.set('combo-mean', combineValues(means, average));
    forecasts.set('combo-median', combineValues(means, median));
    for (const candidate of candidates) {
      const forecast = forecasts.get(candidate)!;
      let error = 0;
      for (let i = 0; i < testLength; i++) error += Math.abs(y[trainLength + i] - (nonNegative ? Math.max(0, forecast[i]) : forecast[i]));
      totals.set(candidate, totals.get(candidate)! + error);
    }
    count += testLength;
  }
  return candidates.map((method) => ({ method, score: totals.get(method)! / count }));
}

/**
 * A smooth candidate's forecast; with levels and calibrationOrigins > 0, its bands calibrated on its own errors from
 * that many rolling origins (calibrated-intervals.ts), refitted there with the same choices (ETS form, long season),
 * or with the calibration a selection made for the same levels carried to its refit.
 */
function smoothForecast(
  candidate: SmoothCandidate,
  y: number[],
  seasonLength: number,
  horizon: number,
  levels: number[],
  components: Component[],
  choices: SmoothChoices = {},
  calibrationOrigins = 0,
  carried?: PinnedCalibration,
): Forecast & { calibration?: IntervalCalibration } {
  const forecast = uncalibratedSmoothForecast(candidate, y, seasonLength, horizon, levels, components, choices);
  if (levels.length === 0 || calibrationOrigins === 0) return forecast;
  if (carried && usableFor(carried, levels)) {
    const { levels: _levels, ...calibration } = carried;
    return applyCalibration(forecast, calibration);
  }
  const fixed = { ...choices };
  const pointForecast = (train: number[], steps: number) => uncalibratedSmoothForecast(candidate, train, seasonLength, steps, [], components, { ...fixed }).mean;
  const minimumTrain = Math.max(minimumTrainLength, (seasonLength <= longestEtsSeason ? minimumTrainSeasons * seasonLength : 0) + 1);
  return calibrateIntervals(y, forecast, pointForecast, { origins: calibrationOrigins, minimumTrain, seasonLength });
}

function uncalibratedSmoothForecast(
  candidate: SmoothCandidate,
  y: number[],
  seasonLength: number,
  horizon: number,
  levels: number[],
  components: Component[],
  choices: SmoothChoices,
): Forecast {
  const season = adjustLongSeason(y, seasonLength, choices.longSeason);
  choices.longSeason = season.description !== '';
  const forecast = unadjustedSmoothForecast(candidate, season.values, season.seasonLength, horizon, levels, components, choices);
  const n = y.length;
  return {
    method: forecast.method + season.description,
    ...etsOf(forecast),
    mean: season.restore(forecast.mean, n),
    levels: forecast.levels,
    lower: forecast.lower.map((row) => season.restore(row, n)),
    upper: forecast.upper.map((row) => season.restore(row, n)),
    fitted: season.restore(forecast.fitted, 0),
  };
}

function unadjustedSmoothForecast(
  candidate: SmoothCandidate,
  y: number[],
  seasonLength: number,
  horizon: number,
  levels: number[],
  components: Component[],
  choices: SmoothChoices,
): Forecast {
  if (candidate !== 'combo-mean' && candidate !== 'combo-median') return componentForecast(candidate, y, seasonLength, horizon, levels, choices);
  // The ETS member and the damped-trend member fit the same damped forms on the same values: once.
  const etsFits = createEtsFitCache(y);
  const parts = components.map((c) => componentForecast(c, y, seasonLength, horizon, levels, choices, etsFits));
  const combine = candidate === 'combo-mean' ? average : median;
  return {
    method: `${candidate === 'combo-mean' ? 'Mean' : 'Median'} of ${parts.map((p) => p.method).join(', ')}`,
    mean: combineValues(parts.map((p) => p.mean), combine),
    levels: [...levels],
    ...etsOf(...parts),
    lower: levels.map((_, i) => combineValues(parts.map((p) => p.lower[i]), combine)),
    upper: levels.map((_, i) => combineValues(parts.map((p) => p.upper[i]), combine)),
    // A member without a one-step forecast at some step (NaN) leaves it to the others.
    fitted: combineValues(parts.map((p) => p.fitted), (v) => {
      const known = v.filter(Number.isFinite);
      return known.length ? combine(known) : NaN;
    }),
  };
}

function componentForecast(
  component: Component,
  y: number[],
  seasonLength: number,
  horizon: number,
  levels: number[],
  choices: SmoothChoices = {},
  etsFits?: EtsFitCache,
): Forecast {
  switch (component) {
    case 'ets':
      return etsForecast(y, seasonLength, horizon, levels, choices, etsFits);
    case 'theta':
      return forecastTheta(fitTheta(y, seasonLength), horizon, levels);
    case 'optimised-theta':
      return forecastOptimisedTheta(fitOptimisedTheta(y, seasonLength), horizon, levels);
    case 'arima':
      return forecastArima(fitArima(y, seasonLength), horizon, levels);
    case 'damped': {
      // Error and season by AICc, the trend damped (Gardner & McKenzie 1985); a pinned refit keeps the form.
      const fit = fitEts(y, { seasonLength, model: applicableForm(choices.dampedModel, y)?.replace('d', '') ?? 'ZAZ', damped: true, maxEvaluations: etsEvaluations, cache: etsFits });
      choices.dampedModel = `${fit.errorType}${fit.trendType}d${fit.seasonType}`;
      return forecastEts(fit, horizon, levels, levels.length ? {} : { paths: 1 });
    }
  }
}

/**
 * A pinned ETS form, or undefined (choose again) when it has multiplicative error and `y` is not strictly positive: a
 * form chosen on seasonally adjusted data can be refitted on a raw window with zeros (a calibration origin too short
 * for the long season), where multiplicative error cannot fit.
 */
const applicableForm = (form: string | undefined, y: number[]) => (form?.startsWith('M') && !y.every((v) => v > 0) ? undefined : form);

/** ETS seasonal models stop at m = 24 (as R). */
const longestEtsSeason = 24;
/**
 * Nelder-Mead evaluations per ETS candidate model (fitEts's default when choosing is 300). On all of M3, 100
 * gives the same accuracy (sMAPE 13.23 against 13.27 alone, 12.43 against 12.44 in the combination) at about
 * half the time, which is what lets the combination run at more than 50 monthly series per second.
 */
const etsEvaluations = 100;

/**
 * ETS chosen by AICc (fitEts), or of the form in `choices.etsModel` (a pinned refit: one model fitted instead of up
 * to six). Without levels asked for, a single simulated path: only the point forecast is wanted (holdout).
 */
function etsForecast(y: number[], seasonLength: number, horizon: number, levels: number[], choices: SmoothChoices, cache?: EtsFitCache): Forecast & { ets: EtsComponent } {
  const form = applicableForm(choices.etsModel, y);
  const fit = fitEts(y, { seasonLength, maxEvaluations: etsEvaluations, cache, ...(form && { model: form, damped: form.includes('d') }) });
  choices.etsModel = `${fit.errorType}${fit.trendType}${fit.damped ? 'd' : ''}${fit.seasonType}`;
  return { ...forecastEts(fit, horizon, levels, levels.length ? {} : { paths: 1 }), ets: { fit, values: y } };
}

interface LongSeasonAdjustment {
  /** The series the models see, and the season length they are given. */
  values: number[];
  seasonLength: number;
  /** Puts the season back on values that start at time index `start`. */
  restore: (row: number[], start: number) => number[];
  description: string;
}

/**
 * Seasons longer than ETS allows (m > 24, e.g. 52 weeks) are removed before modelling, for every component
 * alike: classical decomposition (multiplicative for positive data, else additive) when the harmonic regression
 * test finds the season (harmonicSeasonalityTest, at least two seasons of history), and the models fitted without
 * season. Shorter seasons are left to the models. The seasonal strength of a classical decomposition (used before)
 * is exactly 1 on white noise at 104 weeks, and the ACF test Theta uses (seasonalityTest) misses smooth long
 * seasons: for a pure 52-week sine over 156 weeks |r_52| ≈ 0.66 against a threshold of about 0.79.
 */
function adjustLongSeason(y: number[], seasonLength: number, pinned?: boolean): LongSeasonAdjustment {
  const unchanged = (m: number): LongSeasonAdjustment => ({ values: y, seasonLength: m, restore: (row) => row, description: '' });
  if (seasonLength <= longestEtsSeason) return unchanged(seasonLength);
  if (y.length < 2 * seasonLength || pinned === false) return unchanged(1);
  if (pinned === undefined && !harmonicSeasonalityTest(y, seasonLength).seasonal) return unchanged(1);
  const kind = y.every((v) => v > 0) ? 'multiplicative' : 'additive';
  const { figure } = classicalDecomposition(y, seasonLength, kind);
  const index = (t: number) => figure[t % seasonLength];
  return {
    values: y.map((v, t) => (kind === 'multiplicative' ? v / index(t) : v - index(t))),
    seasonLength: 1,
    restore: (row, start) => row.map((v, i) => (kind === 'multiplicative' ? v * index(start + i) : v + index(start + i))),
    description: ` on ${kind} seasonally adjusted data (m = ${seasonLength})`,
  };
}

/**
 * Point forecasts of each of `components` on one smooth series, the long season removed first as autoForecast does:
 * what bench/accuracy.ts scores the candidate defaults (members, their mean and median) on.
 */
export function componentPointForecasts(values: number[], seasonLength: number, horizon: number, components: Component[]): Map<Component, number[]> {
  const y = fillGaps(values);
  const season = adjustLongSeason(y, seasonLength);
  const clip = y.some((v) => v < 0) ? (v: number) => v : (v: number) => Math.max(0, v);
  const etsFits = createEtsFitCache(season.values);
  return new Map(components.map((c) => [c, season.restore(componentForecast(c, season.values, season.seasonLength, horizon, [], {}, etsFits).mean, y.length).map(clip)]));
}

function zeroForecast(n: number, horizon: number, levels: number[]): Forecast {
  const zeros = () => new Array<number>(horizon).fill(0);
  return { method: 'Zero', mean: zeros(), levels: [...levels], lower: levels.map(zeros), upper: levels.map(zeros), fitted: new Array<number>(n).fill(0) };
}

function clipAtZero(forecast: Forecast): Forecast {
  const clip = (row: number[]) => row.map((v) => Math.max(0, v));
  return { ...forecast, mean: clip(forecast.mean), lower: forecast.lower.map(clip), upper: forecast.upper.map(clip) };
}

/** sqrt(mean (y_t − ŷ_t)²) over the periods with a one-step forecast; 0 when there is none. */
function rootMeanSquareError(y: number[], fitted: number[]): number {
  let total = 0;
  let count = 0;
  fitted.forEach((f, t) => {
    if (Number.isFinite(f)) {
      total += (y[t] - f) ** 2;
      count += 1;
    }
  });
  return count ? Math.sqrt(total / count) : 0;
}

function combineValues(rows: number[][], combine: (values: number[]) => number): number[] {
  return rows[0].map((_, i) => combine(rows.map((row) => row[i])));
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A carried calibration read back from storage applies only to the same levels, with a finite number for each. */
function usableFor(carried: PinnedCalibration, levels: readonly number[]): boolean {
  const finite = (values: unknown) => Array.isArray(values) && values.length === levels.length && values.every(Number.isFinite);
  return finite(carried.levels) && carried.levels.every((level, index) => level === levels[index]) && finite(carried.factors) && finite(carried.growth);
}

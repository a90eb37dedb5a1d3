/**
 * Exponential smoothing state-space models, ETS(error, trend, season) with error A/M, trend N/A/Ad, season N/A/M
 * (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with exponential smoothing: the state space approach",
 * Springer), fitted and selected as R's forecast::ets does (forecast 8.x: R/ets.R, src/etscalc.c).
 * Multiplicative trend is left out of the family, as forecast::ets leaves it out by default.
 */
import { normalQuantile } from '../stats/normal';
import { nelderMead } from '../stats/optimize';
import { seededRandom } from '../stats/random';
import { DEFAULT_LIMITS, parametersAllowed, type ParameterLimits } from './ets/admissibility';
import { initialStates } from './ets/initialization';
import { etsFilter, etsPointForecasts, filterWith, etsSimulatePaths, type EtsStructure, type SmoothingParameters } from './ets/recursions';
import { additiveErrorVariances, multiplicativeErrorVariances, quantileType8 } from './ets/variance';
import type { Forecast } from './types';

export interface EtsOptions {
  /** Seasonal period m (12 monthly, 4 quarterly, 1 none). */
  seasonLength: number;
  /** Three letters error/trend/season from A, M, N, Z (Z = choose), e.g. 'ZZZ' (default), 'AAN', 'MAM'; 'AAdN' = damped. */
  model?: string;
  /** true: damped trend only; false: undamped only; omitted: both are tried where the trend is chosen or given. */
  damped?: boolean;
  /**
   * Nelder-Mead evaluations allowed per optimisation stage of one model (R allows 2000). Default: 2000 when the
   * model is fully specified, 250 when choosing among models: the automatic choice then reaches an AICc at least
   * as good as R's on 96-97 of 100 M3 monthly series (three sets), 96 of 100 quarterly and 99 of 100 yearly.
   * Lower is faster (150: ~20% faster, 93 of 100 long monthly series).
   */
  maxEvaluations?: number;
  /**
   * Fits already made on these same values (createEtsFitCache), reused instead of fitted again: a model fitted twice
   * on the same values with the same budget gives the same fit, so a caller that fits several model strings on one
   * series (the combination's ETS chosen by AICc and its damped-trend member share the damped forms) pays once.
   * Ignored when it was made for other values.
   */
  cache?: EtsFitCache;
}

/** The fits fitEts made on one array of values, by model, season length and budget (fitEts's `cache`). */
export interface EtsFitCache {
  readonly values: readonly number[];
  readonly fits: Map<string, EtsFit | null>;
}

/** An empty cache of fits on `values` (which must not change while it is used). */
export function createEtsFitCache(values: readonly number[]): EtsFitCache {
  return { values, fits: new Map() };
}

export interface EtsFit {
  /** e.g. "ETS(M,Ad,M)". */
  method: string;
  errorType: 'A' | 'M';
  trendType: 'N' | 'A';
  seasonType: 'N' | 'A' | 'M';
  damped: boolean;
  /** Seasonal period of the model: the data's m for seasonal models, 1 otherwise. */
  seasonLength: number;
  /** beta, gamma, phi are null when the model has no trend, no season, no damping. */
  parameters: { alpha: number; beta: number | null; gamma: number | null; phi: number | null };
  /** [level, slope?, s1 … sm], s1 the most recent seasonal term (R's `states` columns), before the first value. */
  initialState: number[];
  /** Same layout, after the last value: the state forecasts start from. */
  finalState: number[];
  /** Innovation variance: Σe²/(n − number of estimated parameters); e relative for multiplicative error. */
  sigma2: number;
  /** R's ets loglik: −0.5·(n·log Σe² + [M error] 2·Σlog|ŷ|), constants dropped; perfect fits clamped as R does. */
  loglik: number;
  aic: number;
  /** AIC + 2k(k+1)/(n−k−1), k = estimated parameters + 1 (σ²); equal to AIC when n ≤ k + 1. */
  aicc: number;
  bic: number;
  /** Mean squared one-step in-sample error on the data's scale. */
  mse: number;
  n: number;
  fitted: number[];
  /** y − ŷ for additive error, (y − ŷ)/ŷ for multiplicative error, as R. */
  residuals: number[];
}

interface ModelSpec {
  error: 'A' | 'M' | 'Z';
  trend: 'N' | 'A' | 'Z';
  season: 'N' | 'A' | 'M' | 'Z';
  damped: boolean | undefined;
}

/**
 * Relative tolerance of the Nelder-Mead stopping rule. R uses sqrt(machine epsilon) ≈ 1.5e-8; 1e-6 stops
 * once all vertices agree to ~1e-3 on a lik of ~1000, far below what moves an AICc comparison.
 */
const TOLERANCE = 1e-6;

/** Nelder-Mead restarts of a non-seasonal fit, while each still improves the likelihood. */
const MAX_RESTARTS = 3;

/** Evaluation budget of each restart: a restart from an optimum stops after ~n + 20 evaluations anyway. */
const RESTART_EVALUATIONS = 100;

/** Evaluation budget of the smoothing-parameters-only stage for seasonal models. */
const SMOOTHING_STAGE_EVALUATIONS = 150;

/** Lower bound on lik, as forecast's target function, so perfect fits stay finite. */
const LIK_FLOOR = -1e10;

function parseModel(model: string, damped: boolean | undefined): ModelSpec {
  const match = /^([AMZ])([NAMZ])(d?)([NAMZ])$/.exec(model);
  if (!match) throw new Error(`fitEts: model must be three letters from A, M, N, Z (e.g. 'ZZZ', 'MAdM'), got '${model}'`);
  const [, error, trend, dampedMark, season] = match;
  if (trend === 'M') throw new Error('fitEts: multiplicative trend is not supported');
  if (dampedMark && damped === false) throw new Error('fitEts: model says damped but damped is false');
  const isDamped = dampedMark ? true : damped;
  if (isDamped && trend === 'N') throw new Error('fitEts: a damped model needs a trend');
  return { error: error as ModelSpec['error'], trend: trend as ModelSpec['trend'], season: season as ModelSpec['season'], damped: isDamped };
}

const CODES = { N: 0, A: 1, M: 2 } as const;

function methodName(error: string, trend: string, damped: boolean, season: string): string {
  return `ETS(${error},${trend}${damped ? 'd' : ''},${season})`;
}

interface FitInput {
  y: readonly number[];
  error: 'A' | 'M';
  trend: 'N' | 'A';
  season: 'N' | 'A' | 'M';
  damped: boolean;
  m: number;
}

/** Turns a fitted parameter/state set into the public EtsFit, running the filter once on the raw data. */
function finishFit(
  input: FitInput,
  parameters: SmoothingParameters,
  initialState: Float64Array,
  estimatedCount: number,
  sigma2FromMean: boolean,
): EtsFit | null {
  const { y, error, trend, season, damped, m } = input;
  const n = y.length;
  const structure: EtsStructure = { error: CODES[error] as 1 | 2, trend: CODES[trend] as 0 | 1, season: CODES[season], seasonLength: m };
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  const finalState = new Float64Array(initialState.length);
  const rawLik = etsFilter(y, structure, parameters, initialState, new Float64Array(m), { fitted, residuals, finalState });
  if (Number.isNaN(rawLik)) return null;
  const lik = Math.max(rawLik, LIK_FLOOR);
  let sumSquares = 0;
  let rawSquares = 0;
  for (let t = 0; t < n; t++) {
    sumSquares += residuals[t] ** 2;
    rawSquares += (y[t] - fitted[t]) ** 2;
  }
  const k = estimatedCount + 1; // + σ², as R's etsmodel counts
  const aic = lik + 2 * k;
  return {
    method: methodName(error, trend, damped, season),
    errorType: error,
    trendType: trend,
    seasonType: season,
    damped,
    seasonLength: m,
    parameters: {
      alpha: parameters.alpha,
      beta: trend === 'N' ? null : parameters.beta,
      gamma: season === 'N' ? null : parameters.gamma,
      phi: damped ? parameters.phi : null,
    },
    initialState: Array.from(initialState),
    finalState: Array.from(finalState),
    sigma2: sumSquares / (sigma2FromMean ? n : n - estimatedCount),
    loglik: -0.5 * lik,
    aic,
    // The small-sample correction needs n > k + 1; below that (only the shortest fallback fits) AICc = AIC.
    aicc: n > k + 1 ? aic + (2 * k * (k + 1)) / (n - k - 1) : aic,
    bic: lik + Math.log(n) * k,
    mse: rawSquares / n,
    n,
    fitted: Array.from(fitted),
    residuals: Array.from(residuals),
  };
}

/**
 * Fits one ETS model by maximum likelihood as forecast's `etsmodel`: starting values from `initparam`
 * (α = 0.2/m-ish, β = 0.1α, γ = 0.05(1−α), φ = 0.978) and `initstate`, then Nelder-Mead over the smoothing
 * parameters and the initial states jointly (m − 1 free seasonal terms; the m-th keeps them summing to 0 or m),
 * the objective infinite outside the "both" bounds (penalty). Departures from R, for speed and robustness,
 * each checked against R on M3 series (the fitted likelihood is at least R's for 97-99 of 100 series):
 * - the data are divided by their mean absolute value while optimising, so one simplex step suits parameters
 *   and states alike (the likelihood is scale-equivariant, so the optimum is the same);
 * - β and γ are searched as β/α and γ/(1 − α), turning the constraints β ≤ α, γ ≤ 1 − α into box edges;
 * - seasonal models first fit the smoothing parameters alone, states held at their starting values, from the
 *   default α and from α = 0.9, then everything jointly from the better one;
 * - non-seasonal models run the joint search from both starts and restart from the best point while it improves.
 * Returns null when the model cannot be fitted.
 */
function fitModel(input: FitInput, limits: ParameterLimits, maxEvaluations: number): EtsFit | null {
  const { y, trend, season, damped } = input;
  const n = y.length;
  const m = season === 'N' ? 1 : input.m;
  const structure: EtsStructure = {
    error: CODES[input.error] as 1 | 2,
    trend: CODES[trend] as 0 | 1,
    season: CODES[season],
    seasonLength: m,
  };
  let start: number[];
  try {
    start = initialStates(y, structure.trend, structure.season, m);
  } catch {
    return null;
  }
  const { lower, upper } = limits;
  // forecast's initparam (bounds "both").
  let alpha = lower[0] + (0.2 * (upper[0] - lower[0])) / m;
  if (alpha > 1 || alpha < 0) alpha = lower[0] + 2e-3;
  const smoothingStart = [alpha];
  if (trend !== 'N') {
    let beta = lower[1] + 0.1 * (Math.min(upper[1], alpha) - lower[1]);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    smoothingStart.push(beta);
  }
  if (season !== 'N') {
    let gamma = lower[2] + 0.05 * (Math.min(upper[2], 1 - alpha) - lower[2]);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    smoothingStart.push(gamma);
  }
  if (damped) {
    let phi = lower[3] + 0.99 * (upper[3] - lower[3]);
    if (phi < 0 || phi > 1) phi = upper[3] - 1e-3;
    smoothingStart.push(phi);
  }
  // The optimiser works on β/α and γ/(1 − α), so the usual constraints β ≤ α and γ ≤ 1 − α become box edges,
  // which a simplex follows far better than the diagonal edges of the (α, β) and (α, γ) planes.
  if (trend !== 'N') smoothingStart[1] /= alpha;
  if (season !== 'N') smoothingStart[trend !== 'N' ? 2 : 1] /= 1 - alpha;
  const smoothingCount = smoothingStart.length;
  const estimatedCount = smoothingCount + start.length;
  if (estimatedCount >= n - 1) return null;

  let scale = 0;
  for (const value of y) scale += Math.abs(value);
  scale = scale / n || 1;
  const scaled = Float64Array.from(y, (value) => value / scale);
  const seasonOffset = 1 + structure.trend;
  const seasonScale = season === 'A' ? scale : 1;
  const stateScale = (index: number): number => (index < seasonOffset ? scale : seasonScale);
  const startPoint = [...smoothingStart, ...start.map((value, i) => value / stateScale(i))];

  const stateCount = seasonOffset + (season === 'N' ? 0 : m);
  const state = new Float64Array(stateCount);
  const ring = new Float64Array(m);
  const scratch = new Float64Array(m + 2);
  const seasonTotal = season === 'M' ? m : 0;
  const hasTrend = trend !== 'N';
  const hasSeason = season !== 'N';
  const freeStates = stateCount - (hasSeason ? 1 : 0);
  // Current point's parameters (plain locals, not an object, so the hot loop allocates nothing).
  let alphaNow = 0;
  let betaNow = 0;
  let gammaNow = 0;
  let phiNow = 1;

  // Unpacks an optimiser point into the parameters and the full `state`; false when outside the allowed region.
  const unpack = (point: Float64Array): boolean => {
    let i = 0;
    alphaNow = point[i++];
    betaNow = hasTrend ? alphaNow * point[i++] : 0;
    gammaNow = hasSeason ? (1 - alphaNow) * point[i++] : 0;
    phiNow = damped ? point[i++] : 1;
    if (!parametersAllowed(alphaNow, hasTrend ? betaNow : null, hasSeason ? gammaNow : null, damped ? phiNow : null, m, limits, scratch)) {
      return false;
    }
    let seasonSum = 0;
    for (let j = 0; j < freeStates; j++) {
      const value = point[smoothingCount + j];
      state[j] = value;
      if (j >= seasonOffset) seasonSum += value;
    }
    if (hasSeason) {
      state[stateCount - 1] = seasonTotal - seasonSum;
      if (season === 'M') for (let j = seasonOffset; j < stateCount; j++) if (state[j] < 0) return false;
    }
    return true;
  };

  const objective = (point: Float64Array): number => {
    if (!unpack(point)) return Infinity;
    const lik = filterWith(scaled, structure, alphaNow, betaNow, gammaNow, phiNow, state, ring);
    if (Number.isNaN(lik)) return Infinity;
    return lik < LIK_FLOOR ? LIK_FLOOR : lik;
  };

  const full = Float64Array.from(startPoint);
  if (!Number.isFinite(objective(full))) return null;
  let jointStart = startPoint;
  if (season !== 'N') {
    // A simplex over 14-17 dimensions barely moves within a small budget, so first fit the 2-4 smoothing
    // parameters with the heuristic states held fixed, then refine everything jointly from there.
    const smoothingOnly = (point: Float64Array): number => {
      full.set(point);
      return objective(full);
    };
    const stageOptions = { maxEvaluations: Math.min(maxEvaluations, SMOOTHING_STAGE_EVALUATIONS), relativeTolerance: TOLERANCE };
    let first = nelderMead(smoothingOnly, smoothingStart, stageOptions);
    // As for non-seasonal fits, the basin near α = 1 is searched too (cheap in 2-4 dimensions).
    const highAlpha = nelderMead(smoothingOnly, [0.9, ...smoothingStart.slice(1)], stageOptions);
    if (highAlpha.value < first.value) first = highAlpha;
    jointStart = [...first.point, ...startPoint.slice(smoothingCount)];
  }
  let result = nelderMead(objective, jointStart, { maxEvaluations, relativeTolerance: TOLERANCE });
  if (season === 'N') {
    // Non-seasonal likelihoods often have two basins, α near 0 (a fixed line) and α near 1 (a random walk);
    // R's first simplex (steps of 10% of the level) lands in either. A second search from α = 0.9 finds the
    // other one, and costs little without seasonal states.
    const highAlphaStart = [...startPoint];
    highAlphaStart[0] = 0.9;
    const second = nelderMead(objective, highAlphaStart, { maxEvaluations, relativeTolerance: TOLERANCE });
    if (second.value < result.value) result = second;
  }
  // A simplex can collapse before reaching the optimum, typically against a bound (α → 0.9999, β → 1e-4).
  // Restarting from its best point with a fresh simplex is cheap when it was a true optimum and often finds
  // a better one when it was not. Seasonal fits use their whole budget anyway, so only non-seasonal ones restart.
  for (let restarts = 0; season === 'N' && restarts < MAX_RESTARTS; restarts++) {
    const restart = nelderMead(objective, result.point, { maxEvaluations: Math.min(maxEvaluations, RESTART_EVALUATIONS), relativeTolerance: TOLERANCE });
    const improved = restart.value < result.value - 1e-7 * Math.abs(result.value);
    if (restart.value < result.value) result = restart;
    if (!improved) break;
  }
  if (!unpack(result.point)) return null;
  for (let j = 0; j < stateCount; j++) state[j] *= stateScale(j);
  const parameters: SmoothingParameters = { alpha: alphaNow, beta: betaNow, gamma: gammaNow, phi: phiNow };
  return finishFit({ ...input, m }, parameters, state, estimatedCount, false);
}

/**
 * Simple exponential smoothing or Holt's linear method by least squares with the first value(s) as starting
 * states (ℓ0 = y1, b0 = y2 − y1): forecast's HoltWintersZZ, which ets falls back to when a series is too
 * short for the likelihood fit. α and Holt's β* in [0, 1] (the ETS β = α·β*). `fixedAlpha` skips optimising.
 */
function fitSimpleSmoothing(y: readonly number[], withTrend: boolean, fixedAlpha?: number): EtsFit | null {
  if (withTrend && y.length < 2) return null;
  const structure: EtsStructure = { error: 1, trend: withTrend ? 1 : 0, season: 0, seasonLength: 1 };
  const initialState = Float64Array.from(withTrend ? [y[0], y[1] - y[0]] : [y[0]]);
  const values = Float64Array.from(y);
  const ring = new Float64Array(1);
  const toParameters = (alpha: number, holtBeta: number): SmoothingParameters => ({ alpha, beta: alpha * holtBeta, gamma: 0, phi: 1 });
  let parameters = toParameters(fixedAlpha ?? 0.2, 0);
  if (fixedAlpha === undefined) {
    const objective = (point: Float64Array): number => {
      const alpha = point[0];
      const holtBeta = withTrend ? point[1] : 0;
      // α kept off zero: the filter divides β by α.
      if (!(alpha >= 1e-8 && alpha <= 1 && holtBeta >= 0 && holtBeta <= 1)) return Infinity;
      const lik = etsFilter(values, structure, toParameters(alpha, holtBeta), initialState, ring);
      return Number.isNaN(lik) ? Infinity : Math.max(lik, LIK_FLOOR);
    };
    const result = nelderMead(objective, withTrend ? [0.2, 0.1] : [0.2], { maxEvaluations: 500 });
    parameters = toParameters(result.point[0], withTrend ? result.point[1] : 0);
  }
  const input: FitInput = { y, error: 'A', trend: withTrend ? 'A' : 'N', season: 'N', damped: false, m: 1 };
  return finishFit(input, parameters, initialState, (withTrend ? 2 : 1) + initialState.length, true);
}

/** Simple exponential smoothing, the fallback that always fits finite data below 1e100 (checked by fitEts). */
function simpleSmoothing(y: readonly number[], fixedAlpha?: number): EtsFit {
  const fit = fitSimpleSmoothing(y, false, fixedAlpha);
  if (!fit) throw new Error('fitEts: simple exponential smoothing failed');
  return fit;
}

/** True when the model string leaves nothing to choose (no Z, damping given or implied). */
function isSingleModel(spec: ModelSpec): boolean {
  return spec.error !== 'Z' && spec.trend !== 'Z' && spec.season !== 'Z' && (spec.trend === 'N' || spec.damped !== undefined);
}

function isConstant(y: readonly number[]): boolean {
  return y.every((value) => value === y[0]);
}

/**
 * Fits an ETS model, choosing error, trend, damping and season by AICc where the model string says Z,
 * as forecast::ets(y, model = "ZZZ"):
 * - a constant series gets simple smoothing with α = 0.99999 (R: ses(y, alpha = 0.99999, initial = "simple"));
 * - multiplicative error (and so multiplicative season) only for strictly positive data;
 * - additive error never with multiplicative season; no multiplicative trend;
 * - seasonal models only when 1 < m ≤ 24 and n > m, and only with more values than estimated parameters + 1;
 * - when n ≤ (parameters of the requested components) + 4, least-squares Holt/SES as R's HoltWintersZZ fallback.
 * Cost: up to 15 Nelder-Mead fits of at most `maxEvaluations` O(n) likelihood evaluations each.
 */
export function fitEts(values: readonly number[], options: EtsOptions): EtsFit {
  const y = values;
  const n = y.length;
  if (n === 0) throw new Error('fitEts: needs at least one value');
  if (!y.every(Number.isFinite)) throw new Error('fitEts: values must be finite numbers');
  // Sums of squares of larger values overflow.
  if (!y.every((value) => Math.abs(value) < 1e100)) throw new Error('fitEts: values must be below 1e100 in magnitude');
  const seasonLength = options.seasonLength;
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new Error('fitEts: seasonLength must be a positive integer');
  const modelString = options.model ?? 'ZZZ';
  const spec = parseModel(modelString, options.damped);
  const maxEvaluations = options.maxEvaluations ?? (isSingleModel(spec) ? 2000 : 250);

  if (modelString === 'ZZZ' && options.damped === undefined && isConstant(y)) {
    return simpleSmoothing(y, 0.99999);
  }

  const dataPositive = y.every((value) => value > 0);
  if (spec.error === 'M' && !dataPositive) throw new Error('fitEts: multiplicative error needs strictly positive data');
  if (spec.error === 'A' && spec.season === 'M') throw new Error('fitEts: additive error with multiplicative season is not allowed');

  let season = spec.season;
  const m = seasonLength;
  if (n <= m || m === 1 || m > 24) {
    if (season === 'A' || season === 'M') {
      if (m === 1) throw new Error('fitEts: seasonal model asked for non-seasonal data (seasonLength 1)');
      if (m > 24) throw new Error('fitEts: seasonal models need seasonLength ≤ 24');
    }
    season = 'N';
  }

  // R counts only the components named explicitly when deciding the series is too short.
  let namedParameters = 2;
  if (spec.trend === 'A') namedParameters += 2;
  if (season === 'A' || season === 'M') namedParameters += m;
  if (spec.damped) namedParameters += 1;
  if (n <= namedParameters + 4) {
    if (spec.trend === 'A') return fitSimpleSmoothing(y, true) ?? simpleSmoothing(y);
    const ses = simpleSmoothing(y);
    if (spec.trend === 'N') return ses;
    const holt = fitSimpleSmoothing(y, true);
    return holt && holt.sigma2 < ses.sigma2 ? holt : ses;
  }

  const errors: Array<'A' | 'M'> = spec.error === 'Z' ? ['A', 'M'] : [spec.error];
  const trends: Array<'N' | 'A'> = spec.trend === 'Z' ? ['N', 'A'] : [spec.trend];
  const seasons: Array<'N' | 'A' | 'M'> = season === 'Z' ? ['N', 'A', 'M'] : [season];
  const dampings = spec.damped === undefined ? [true, false] : [spec.damped];

  let best: EtsFit | null = null;
  for (const error of errors) {
    if (error === 'M' && !dataPositive) continue;
    for (const trend of trends) {
      for (const seasonType of seasons) {
        if (error === 'A' && seasonType === 'M') continue;
        for (const damped of dampings) {
          if (trend === 'N' && damped) continue;
          const fit = cachedFit({ y, error, trend, season: seasonType, damped, m }, maxEvaluations, options.cache);
          if (fit && Number.isFinite(fit.aicc) && (best === null || fit.aicc < best.aicc)) best = fit;
        }
      }
    }
  }
  // Nothing could be fitted (e.g. too few values for every candidate): simple smoothing always can.
  return best ?? simpleSmoothing(y);
}

/** fitModel, or the fit the cache already holds for the same model, season length and budget on the same values. */
function cachedFit(input: FitInput, maxEvaluations: number, cache: EtsFitCache | undefined): EtsFit | null {
  if (cache?.values !== input.y) return fitModel(input, DEFAULT_LIMITS, maxEvaluations);
  const key = `${input.error}${input.trend}${input.damped ? 'd' : ''}${input.season}/${input.m}/${maxEvaluations}`;
  if (cache.fits.has(key)) return cache.fits.get(key)!;
  const fit = fitModel(input, DEFAULT_LIMITS, maxEvaluations);
  cache.fits.set(key, fit);
  return fit;
}

export interface EtsForecastOptions {
  /** Sample paths for simulated intervals (models without closed-form variance). Default 2000. */
  paths?: number;
  /** Seed of the simulation, so forecasts are repeatable. Default 1. */
  seed?: number;
}

/**
 * Point forecasts and prediction intervals from a fitted ETS model, as forecast::forecast.ets.
 * Intervals: ŷ ± z·√v_h with the closed-form variance for class 1 (additive error, additive or no trend/season)
 * and class 2 (multiplicative error, same components); otherwise quantiles (type 8) of simulated sample paths
 * (R has a closed form for ETS(M,*,M), class 3; simulation approximates it).
 */
export function forecastEts(fit: EtsFit, horizon: number, levels: number[], options: EtsForecastOptions = {}): Forecast {
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error('forecastEts: horizon must be a positive integer');
  if (!levels.every((level) => level > 0 && level < 100)) throw new Error('forecastEts: levels must be percentages in (0, 100)');
  const structure: EtsStructure = {
    error: CODES[fit.errorType] as 1 | 2,
    trend: CODES[fit.trendType] as 0 | 1,
    season: CODES[fit.seasonType],
    seasonLength: fit.seasonLength,
  };
  const parameters: SmoothingParameters = {
    alpha: fit.parameters.alpha,
    beta: fit.parameters.beta ?? 0,
    gamma: fit.parameters.gamma ?? 0,
    phi: fit.parameters.phi ?? 1,
  };
  const mean = etsPointForecasts(structure, parameters.phi, fit.finalState, horizon);
  const lower: number[][] = [];
  const upper: number[][] = [];

  if (fit.seasonType !== 'M') {
    const variances =
      fit.errorType === 'A'
        ? additiveErrorVariances(parameters, fit.seasonLength, fit.sigma2, horizon)
        : multiplicativeErrorVariances(parameters, fit.seasonLength, fit.sigma2, mean);
    for (const level of levels) {
      const z = normalQuantile(0.5 + level / 200);
      lower.push(mean.map((value, h) => value - z * Math.sqrt(Math.max(variances[h], 0))));
      upper.push(mean.map((value, h) => value + z * Math.sqrt(Math.max(variances[h], 0))));
    }
  } else {
    const paths = options.paths ?? 2000;
    const simulated = etsSimulatePaths(structure, parameters, fit.finalState, fit.sigma2, horizon, paths, seededRandom(options.seed ?? 1));
    for (let i = 0; i < levels.length; i++) {
      lower.push([]);
      upper.push([]);
    }
    for (let h = 0; h < horizon; h++) {
      const step = simulated.subarray(h * paths, (h + 1) * paths);
      let count = 0;
      for (let p = 0; p < paths; p++) if (Number.isFinite(step[p])) step[count++] = step[p];
      const column = step.subarray(0, count);
      levels.forEach((level, i) => {
        // A path set wiped out by overflow leaves only the point forecast.
        lower[i].push(count ? quantileType8(column, 0.5 - level / 200) : mean[h]);
        upper[i].push(count ? quantileType8(column, 0.5 + level / 200) : mean[h]);
      });
    }
  }
  return { method: fit.method, mean, levels: [...levels], lower, upper, fitted: [...fit.fitted] };
}

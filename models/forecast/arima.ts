/**
 * Automatic non-seasonal ARIMA through the `arima` package (ctsa compiled to WebAssembly, exact maximum
 * likelihood), with seasonality removed first: classical decomposition for short periods (m ≤ 12), Fourier
 * terms chosen by AICc for long ones (e.g. 52). The order is chosen in the manner of Hyndman & Khandakar (2008),
 * "Automatic time series forecasting: the forecast package for R", JSS 27(3): d by repeated KPSS tests,
 * then p, q ≤ 2 and drift (when d = 1) by AICc. Every candidate is guarded; the plain random walk / mean
 * is always a candidate, so a fit never fails.
 */
import type { Forecast } from './types';
import { normalQuantile } from '../stats/normal';
import { checkHorizonAndLevels, fitDrift, fitMean, fitNaive, forecastBaseline } from './baselines';
import { classicalDecomposition, seasonalityTest } from './seasonality';

type ArimaConstructor = typeof import('arima');
type ArimaInstance = InstanceType<ArimaConstructor>;

let arimaConstructor: ArimaConstructor | undefined;

/**
 * The package's own entry point builds its WebAssembly module with printf bound to console.log, and ctsa
 * prints warnings such as "non-stationary AR part". We build the same module from the package's files with
 * the print hooks silenced; compilation is synchronous (Node), so the API stays synchronous.
 */
function arimaPackage(): ArimaConstructor {
  if (!arimaConstructor) {
    const folder = require.resolve('arima').replace(/index\.js$/, '');
    const createModule = require(`${folder}wasm/native-sync.js`);
    const wasmBinary = require(`${folder}wrapper/native.bin.js`);
    const bindModule = require(`${folder}load.js`);
    const silent = () => undefined;
    arimaConstructor = bindModule(createModule({ wasmBinary, print: silent, printErr: silent })) as ArimaConstructor;
  }
  return arimaConstructor;
}

export type SeasonalAdjustment =
  | { kind: 'none' }
  | { kind: 'multiplicative' | 'additive'; seasonLength: number; figure: number[] }
  | { kind: 'fourier'; seasonLength: number; harmonics: number; coefficients: number[] };

export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  drift: boolean;
}

export interface ArimaFit {
  method: string;
  order: ArimaOrder;
  aicc: number;
  seasonal: SeasonalAdjustment;
  /** The seasonally adjusted series the ARIMA model is fitted to. */
  adjusted: number[];
  count: number;
  /**
   * In-sample one-step forecasts where known: the package does not expose ARIMA residuals, so these are
   * given for the random-walk / mean candidates and NaN for p + q > 0.
   */
  fitted: number[];
}

export interface ArimaOptions {
  maxP?: number;
  maxQ?: number;
  maxD?: number;
  /** Most Fourier harmonics tried for long periods. */
  maxHarmonics?: number;
}

const shortSeasonLimit = 12;
/** Horizon over which candidate forecasts are checked at fit time. */
const checkHorizon = 24;

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function difference(values: number[]): number[] {
  return values.slice(1).map((v, t) => v - values[t]);
}

function isConstant(values: number[]): boolean {
  return values.every((v) => v === values[0]);
}

/**
 * KPSS level-stationarity statistic (Kwiatkowski et al. 1992) as urca::ur.kpss(type = "mu"):
 * η = Σ S_t² / (n² s²), S_t partial sums of y − ȳ, s² the Bartlett-weighted long-run variance with
 * lag trunc(3√n / 13) (forecast::ndiffs).
 */
export function kpssStatistic(values: number[]): number {
  const n = values.length;
  const centre = sum(values) / n;
  const residuals = values.map((v) => v - centre);
  const lag = Math.trunc((3 * Math.sqrt(n)) / 13);
  let longRunVariance = sum(residuals.map((e) => e * e)) / n;
  for (let i = 1; i <= lag; i++) {
    let covariance = 0;
    for (let t = i; t < n; t++) covariance += residuals[t] * residuals[t - i];
    longRunVariance += (2 / n) * (1 - i / (lag + 1)) * covariance;
  }
  let partial = 0;
  let sumSquares = 0;
  for (const e of residuals) {
    partial += e;
    sumSquares += partial * partial;
  }
  return sumSquares / (n * n * longRunVariance);
}

/** Number of differences by repeated KPSS tests at 5% (critical value 0.463), as forecast::ndiffs. */
export function differencingOrder(values: number[], maxD = 2): number {
  let series = values;
  let d = 0;
  while (d < maxD && series.length > 2 && !isConstant(series) && kpssStatistic(series) > 0.463) {
    series = difference(series);
    d += 1;
  }
  return d;
}

/** sin and cos of harmonics 1..K at time t (1-based); the sine of k = m/2 is identically zero and omitted. */
function fourierRow(t: number, seasonLength: number, harmonics: number): number[] {
  const row: number[] = [];
  for (let k = 1; k <= harmonics; k++) {
    const angle = (2 * Math.PI * k * t) / seasonLength;
    if (2 * k !== seasonLength) row.push(Math.sin(angle));
    row.push(Math.cos(angle));
  }
  return row;
}

/** Least squares by the normal equations with Gaussian elimination (small designs only). */
function leastSquares(design: number[][], values: number[]): { coefficients: number[]; sumSquaredErrors: number } | null {
  const columns = design[0].length;
  const matrix = Array.from({ length: columns }, (_, i) =>
    Array.from({ length: columns + 1 }, (_, j) =>
      j < columns ? sum(design.map((row) => row[i] * row[j])) : sum(design.map((row, t) => row[i] * values[t])),
    ),
  );
  for (let pivot = 0; pivot < columns; pivot++) {
    let best = pivot;
    for (let r = pivot + 1; r < columns; r++) if (Math.abs(matrix[r][pivot]) > Math.abs(matrix[best][pivot])) best = r;
    if (Math.abs(matrix[best][pivot]) < 1e-10) return null;
    [matrix[pivot], matrix[best]] = [matrix[best], matrix[pivot]];
    for (let r = 0; r < columns; r++) {
      if (r === pivot) continue;
      const factor = matrix[r][pivot] / matrix[pivot][pivot];
      for (let c = pivot; c <= columns; c++) matrix[r][c] -= factor * matrix[pivot][c];
    }
  }
  const coefficients = matrix.map((row, i) => row[columns] / row[i]);
  const sumSquaredErrors = sum(values.map((v, t) => (v - sum(design[t].map((x, j) => x * coefficients[j]))) ** 2));
  return { coefficients, sumSquaredErrors };
}

function aicc(logLikelihood: number, parameters: number, count: number): number {
  const denominator = count - parameters - 1;
  return -2 * logLikelihood + 2 * parameters + (denominator > 0 ? (2 * parameters * (parameters + 1)) / denominator : Infinity);
}

/** Gaussian log-likelihood at the ML variance σ² = SSE/n: −n/2 (log 2πσ² + 1). */
function gaussianLogLikelihood(variance: number, count: number): number {
  return (-count / 2) * (Math.log(2 * Math.PI * Math.max(variance, 1e-300)) + 1);
}

/**
 * Fourier seasonality for long periods: regress y on 1, t and K harmonics, K = 0..maxHarmonics, choose K by AICc
 * (Hyndman & Athanasopoulos, FPP3 §10.5, dynamic harmonic regression, here in two stages).
 */
function chooseFourier(values: number[], seasonLength: number, maxHarmonics: number): SeasonalAdjustment {
  const n = values.length;
  let best: SeasonalAdjustment = { kind: 'none' };
  let bestAicc = Infinity;
  for (let harmonics = 0; harmonics <= Math.min(maxHarmonics, Math.floor(seasonLength / 2)); harmonics++) {
    const design = values.map((_, t) => [1, t + 1, ...fourierRow(t + 1, seasonLength, harmonics)]);
    if (design[0].length + 2 >= n) break;
    const fit = leastSquares(design, values);
    if (!fit) continue;
    const score = aicc(gaussianLogLikelihood(fit.sumSquaredErrors / n, n), design[0].length + 1, n);
    if (score < bestAicc) {
      bestAicc = score;
      best = harmonics === 0 ? { kind: 'none' } : { kind: 'fourier', seasonLength, harmonics, coefficients: fit.coefficients.slice(2) };
    }
  }
  return best;
}

/**
 * Seasonal adjustment needs more than two seasons. Long periods: Fourier with K by AICc (K = 0 allowed) and no
 * autocorrelation test, which misses smooth long seasons (a sinusoid's autocorrelations at lags below m inflate
 * the test's standard error). Short periods: thetaf's test, then classical decomposition.
 */
function chooseSeasonalAdjustment(values: number[], seasonLength: number, maxHarmonics: number): SeasonalAdjustment {
  if (seasonLength === 1 || values.length <= 2 * seasonLength) return { kind: 'none' };
  if (seasonLength > shortSeasonLimit) return chooseFourier(values, seasonLength, maxHarmonics);
  if (!seasonalityTest(values, seasonLength)) return { kind: 'none' };
  const kind = values.every((v) => v > 0) ? 'multiplicative' : 'additive';
  const { figure } = classicalDecomposition(values, seasonLength, kind);
  return figure.every(Number.isFinite) ? { kind, seasonLength, figure } : { kind: 'none' };
}

/** Seasonal component at time index t (0-based): a multiplicative index, or an additive amount. */
function seasonalAt(seasonal: SeasonalAdjustment, t: number): number {
  switch (seasonal.kind) {
    case 'none':
      return 0;
    case 'multiplicative':
    case 'additive':
      return seasonal.figure[t % seasonal.seasonLength];
    case 'fourier': {
      const row = fourierRow(t + 1, seasonal.seasonLength, seasonal.harmonics);
      return sum(row.map((x, j) => x * seasonal.coefficients[j]));
    }
  }
}

function adjust(values: number[], seasonal: SeasonalAdjustment): number[] {
  return values.map((v, t) => (seasonal.kind === 'multiplicative' ? v / seasonalAt(seasonal, t) : v - seasonalAt(seasonal, t)));
}

function reseasonalise(value: number, seasonal: SeasonalAdjustment, t: number): number {
  return seasonal.kind === 'multiplicative' ? value * seasonalAt(seasonal, t) : value + seasonalAt(seasonal, t);
}

/**
 * Sane forecasts: finite, positive growing variances, means within the data range widened by
 * three ranges (more for horizons beyond the sample length).
 */
function isSane(values: number[], mean: number[], variances: number[]): boolean {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const margin = 3 * Math.max(high - low, Math.abs(high) * 1e-6, 1e-9) * Math.max(1, mean.length / values.length);
  return (
    mean.every((m) => Number.isFinite(m) && m >= low - margin && m <= high + margin) &&
    variances.every((v, i) => Number.isFinite(v) && v > 0 && (i === 0 || v >= variances[i - 1] * (1 - 1e-6)))
  );
}

/** Mean first difference: the drift of a random walk with drift (forecast::rwf). */
function meanDifference(series: number[]): number {
  return (series[series.length - 1] - series[0]) / (series.length - 1);
}

/**
 * Fits the package model, predicts h steps and frees it; null when it throws or its output is not sane.
 * Drift (d = 1 only) is taken as the mean difference b and removed first, y_t − b·t, then added back:
 * the package's own regressor route works but is 5–10 times slower per fit.
 */
function runPackage(series: number[], order: ArimaOrder, h: number): { mean: number[]; variances: number[] } | null {
  const ARIMA = arimaPackage();
  const drift = order.drift ? meanDifference(series) : 0;
  let model: ArimaInstance | undefined;
  try {
    model = new ARIMA({ p: order.p, d: order.d, q: order.q, verbose: false });
    model.train(series.map((v, t) => v - drift * (t + 1)));
    const [detrendedMean, variances] = model.predict(h);
    const mean = detrendedMean.map((m, i) => m + drift * (series.length + i + 1));
    return isSane(series, mean, variances) ? { mean, variances } : null;
  } catch {
    return null;
  } finally {
    model?.destroy();
  }
}

/** The random walk (with or without drift) or the mean, and its AICc; needs no package. */
function simpleCandidate(series: number[], d: number, drift: boolean): { order: ArimaOrder; aicc: number } {
  const n = series.length;
  if (d === 0) {
    const centre = sum(series) / n;
    const variance = sum(series.map((v) => (v - centre) ** 2)) / n;
    return { order: { p: 0, d: 0, q: 0, drift: false }, aicc: aicc(gaussianLogLikelihood(variance, n), 2, n) };
  }
  const differences = difference(series);
  const centre = drift ? meanDifference(series) : 0;
  const variance = sum(differences.map((v) => (v - centre) ** 2)) / differences.length;
  return {
    order: { p: 0, d: 1, q: 0, drift },
    aicc: aicc(gaussianLogLikelihood(variance, differences.length), drift ? 2 : 1, differences.length),
  };
}

/** Shortest series handed to the package: its own guard asks for 10 + d values; we ask for a little more. */
const minimumPackageLength = 16;

/**
 * Chooses and fits an ARIMA model: seasonal adjustment, d by KPSS, then (p, q) ∈ [0, 2]² and drift by AICc,
 * where AICc = −2 log L + 2k + 2k(k+1)/(N − k − 1) with log L at the one-step variance the package reports
 * (N = n − d; k counts AR, MA, mean or drift, and the variance).
 */
export function fitArima(values: number[], seasonLength = 1, options: ArimaOptions = {}): ArimaFit {
  if (values.length === 0) throw new Error('fitArima: needs at least one value');
  if (values.some((v) => !Number.isFinite(v))) throw new Error('fitArima: values must be finite');
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new Error('fitArima: seasonLength must be a positive integer');
  const { maxP = 2, maxQ = 2, maxD = 2, maxHarmonics = 10 } = options;
  const n = values.length;
  const seasonal = chooseSeasonalAdjustment(values, seasonLength, maxHarmonics);
  const adjusted = adjust(values, seasonal);
  const d = differencingOrder(adjusted, maxD);

  const simple = [simpleCandidate(adjusted, Math.min(d, 1), false)];
  if (d >= 1) simple.push(simpleCandidate(adjusted, 1, true));
  let best = simple.reduce((a, b) => (b.aicc < a.aicc ? b : a));

  if (n >= minimumPackageLength + d && !isConstant(adjusted)) {
    const effectiveCount = n - d;
    for (let p = 0; p <= maxP; p++) {
      for (let q = 0; q <= maxQ; q++) {
        // The package returns garbage for p = q = 0; those models are the simple candidates above.
        if (p + q === 0) continue;
        for (const drift of d === 1 ? [false, true] : [false]) {
          const order = { p, d, q, drift };
          const result = runPackage(adjusted, order, checkHorizon);
          if (!result) continue;
          const parameters = p + q + (d === 0 || drift ? 1 : 0) + 1;
          const score = aicc(gaussianLogLikelihood(result.variances[0], effectiveCount), parameters, effectiveCount);
          if (score < best.aicc) best = { order, aicc: score };
        }
      }
    }
  }
  const { order } = best;
  const simpleFitted = order.p + order.q === 0 ? simpleForecast(adjusted, order, 1, [80]).fitted : adjusted.map(() => NaN);
  return {
    method: arimaName(order, seasonal),
    order,
    aicc: best.aicc,
    seasonal,
    adjusted,
    count: n,
    fitted: simpleFitted.map((f, t) => (Number.isNaN(f) ? f : reseasonalise(f, seasonal, t))),
  };
}

function arimaName(order: ArimaOrder, seasonal: SeasonalAdjustment): string {
  const base = `ARIMA(${order.p},${order.d},${order.q})${order.drift ? ' with drift' : ''}`;
  if (seasonal.kind === 'fourier') return `${base} with ${seasonal.harmonics} Fourier pairs`;
  if (seasonal.kind === 'none') return base;
  return `${base} on ${seasonal.kind} seasonally adjusted data`;
}

function simpleForecast(series: number[], order: ArimaOrder, h: number, levels: number[]): Forecast {
  const fit = order.d === 0 ? fitMean(series) : order.drift ? fitDrift(series) : fitNaive(series);
  return forecastBaseline(fit, h, levels);
}

/**
 * Forecasts h steps: refits the chosen order (deterministic, a few ms) and predicts with the package;
 * mean ± z·sqrt(MSE_h), reseasonalised (multiplicative indices scale mean and bounds alike).
 * If the package output is not sane at this horizon, the random walk / mean forecast is used and named.
 */
export function forecastArima(fit: ArimaFit, h: number, levels: number[] = [80, 95]): Forecast {
  checkHorizonAndLevels('forecastArima', h, levels);
  const { order, seasonal, adjusted } = fit;
  const result = order.p + order.q > 0 ? runPackage(adjusted, order, h) : null;
  let method = fit.method;
  let mean: number[];
  let lower: number[][];
  let upper: number[][];
  if (result) {
    mean = result.mean;
    const standardErrors = result.variances.map(Math.sqrt);
    lower = levels.map((level) => mean.map((m, i) => m - normalQuantile(0.5 + level / 200) * standardErrors[i]));
    upper = levels.map((level) => mean.map((m, i) => m + normalQuantile(0.5 + level / 200) * standardErrors[i]));
  } else {
    const fallbackOrder = order.p + order.q > 0 ? { p: 0, d: Math.min(order.d, 1), q: 0, drift: order.drift } : order;
    if (fallbackOrder !== order) method = `${arimaName(fallbackOrder, seasonal)} (fallback from ${fit.method})`;
    ({ mean, lower, upper } = simpleForecast(adjusted, fallbackOrder, h, levels));
  }
  const at = (i: number) => fit.count + i;
  return {
    method,
    mean: mean.map((m, i) => reseasonalise(m, seasonal, at(i))),
    levels: [...levels],
    lower: lower.map((row) => row.map((v, i) => reseasonalise(v, seasonal, at(i)))),
    upper: upper.map((row) => row.map((v, i) => reseasonalise(v, seasonal, at(i)))),
    fitted: [...fit.fitted],
  };
}

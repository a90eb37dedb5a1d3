/**
 * Seasonality test and classical decomposition, as used by the Theta method
 * (Assimakopoulos & Nikolopoulos 2000) and by R's forecast::thetaf and stats::decompose.
 */

import { fisherUpperTail } from '../stats/fisher';

export type DecompositionType = 'multiplicative' | 'additive';

export interface ClassicalDecomposition {
  type: DecompositionType;
  seasonLength: number;
  /** Centred moving average; NaN for the first and last floor(m/2) points. */
  trend: number[];
  /** Seasonal index per observation (a repetition of `figure`). */
  seasonal: number[];
  /** One index per position in the cycle, counted from the first observation. */
  figure: number[];
  /** What remains: value / (trend * seasonal), or value - trend - seasonal; NaN where trend is. */
  remainder: number[];
}

function mean(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function isConstant(values: number[]): boolean {
  return values.every((v) => v === values[0]);
}

/**
 * Sample autocorrelations r_1..r_maxLag, as R's acf():
 * r_k = Σ_{t=1}^{n-k} (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)².
 * Box, Jenkins & Reinsel, Time Series Analysis, §2.1.
 */
export function autocorrelations(values: number[], maxLag: number): number[] {
  const n = values.length;
  const centre = mean(values);
  const deviations = values.map((v) => v - centre);
  let denominator = 0;
  for (const d of deviations) denominator += d * d;
  const result: number[] = [];
  for (let lag = 1; lag <= maxLag; lag++) {
    let numerator = 0;
    for (let t = 0; t + lag < n; t++) numerator += deviations[t] * deviations[t + lag];
    result.push(denominator === 0 ? 0 : numerator / denominator);
  }
  return result;
}

/**
 * The Theta method's seasonality test (90% one-sided), as forecast::thetaf:
 * seasonal when |r_m| > 1.645 · sqrt((1 + 2 Σ_{k=1}^{m-1} r_k²) / n),
 * for m > 1, a non-constant series and n > 2m (thetaf's condition; else not seasonal).
 */
export function seasonalityTest(values: number[], seasonLength: number): boolean {
  const n = values.length;
  const m = seasonLength;
  if (!Number.isInteger(m) || m < 1) throw new Error('seasonalityTest: seasonLength must be a positive integer');
  if (m === 1 || n <= 2 * m || isConstant(values)) return false;
  const r = autocorrelations(values, m);
  let sumSquares = 0;
  for (let k = 0; k < m - 1; k++) sumSquares += r[k] * r[k];
  const standardError = Math.sqrt((1 + 2 * sumSquares) / n);
  // qnorm(0.95), as thetaf
  return Math.abs(r[m - 1]) / standardError > 1.6448536269514722;
}

/**
 * Classical decomposition by moving averages, as R's stats::decompose:
 * trend = centred moving average of order m (weights 1/m, halved at both ends when m is even);
 * figure_i = mean of the detrended values at cycle position i, normalised to average 1 (multiplicative)
 * or 0 (additive). Kendall & Stuart (1983); Hyndman & Athanasopoulos, FPP3 §3.4.
 * Needs at least two full cycles.
 */
export function classicalDecomposition(
  values: number[],
  seasonLength: number,
  type: DecompositionType = 'multiplicative',
): ClassicalDecomposition {
  const n = values.length;
  const m = seasonLength;
  if (!Number.isInteger(m) || m < 2) throw new Error('classicalDecomposition: seasonLength must be an integer of at least 2');
  if (n < 2 * m) throw new Error('classicalDecomposition: needs at least two full seasons');
  if (values.some((v) => !Number.isFinite(v))) throw new Error('classicalDecomposition: values must be finite');

  const weights = m % 2 === 0 ? [0.5, ...Array(m - 1).fill(1), 0.5].map((w) => w / m) : Array(m).fill(1 / m);
  const half = Math.floor(weights.length / 2);
  const trend = values.map((_, t) => {
    if (t - half < 0 || t + half >= n) return NaN;
    let sum = 0;
    for (let j = 0; j < weights.length; j++) sum += weights[j] * values[t - half + j];
    return sum;
  });

  const detrended = values.map((v, t) => (type === 'multiplicative' ? v / trend[t] : v - trend[t]));
  const figure: number[] = [];
  for (let position = 0; position < m; position++) {
    const atPosition: number[] = [];
    for (let t = position; t < n; t += m) if (!Number.isNaN(trend[t])) atPosition.push(detrended[t]);
    figure.push(mean(atPosition));
  }
  const figureMean = mean(figure);
  const normalised = figure.map((f) => (type === 'multiplicative' ? f / figureMean : f - figureMean));
  const seasonal = values.map((_, t) => normalised[t % m]);
  const remainder = values.map((v, t) =>
    type === 'multiplicative' ? v / (trend[t] * seasonal[t]) : v - trend[t] - seasonal[t],
  );
  return { type, seasonLength: m, trend, seasonal, figure: normalised, remainder };
}

/** Fourier pairs of the harmonic test: enough for a yearly shape with a peak, few enough to keep power at two years. */
const harmonicPairs = 4;
/** Significance level of the harmonic test: a season is a claim that moves every forecast, so it needs strong evidence. */
const harmonicSignificance = 0.01;

export interface HarmonicSeasonalityTest {
  seasonal: boolean;
  /** The F statistic of the Fourier terms, divided by the AR(1) variance factor. */
  statistic: number;
  pValue: number;
  /** Lag-1 autocorrelation of the full model's residuals (the correction uses it when positive). */
  residualAutocorrelation: number;
}

/**
 * Whether a long season (e.g. 52 weeks) is there, by regression: y_t = a + b·t + Σ_{k=1}^{K} (c_k cos 2πkt/m +
 * d_k sin 2πkt/m) + e_t, K = min(4, ⌊m/2⌋), against a + b·t alone. The F statistic of the 2K Fourier terms is divided by
 * (1 + ρ)/(1 − ρ), ρ > 0 the lag-1 autocorrelation of the residuals: under AR(1) errors the variance of a regression
 * coefficient on slowly varying regressors grows by about that factor (Bartlett 1935; Bence 1995, Ecology 76), so a
 * wandering level is not taken for a season. Seasonal when P(F > statistic) < 1 %. Unlike the seasonal strength of a
 * classical decomposition, it does not find a season in noise at two years, where each week of the year has one value
 * and the decomposition's remainder vanishes. Needs n > 2 + 2K + 2 values; else not seasonal. Harvey (1989), §2.2;
 * Hyndman & Athanasopoulos, FPP3 §7.4 (Fourier terms).
 */
export function harmonicSeasonalityTest(values: number[], seasonLength: number): HarmonicSeasonalityTest {
  const n = values.length;
  const m = seasonLength;
  if (!Number.isInteger(m) || m < 2) throw new Error('harmonicSeasonalityTest: seasonLength must be an integer of at least 2');
  if (values.some((v) => !Number.isFinite(v))) throw new Error('harmonicSeasonalityTest: values must be finite');
  const pairs = Math.min(harmonicPairs, Math.floor(m / 2));
  // A sine at k = m/2 is zero at every integer t: drop it.
  const columns: ((t: number) => number)[] = [() => 1, (t) => t / n];
  for (let k = 1; k <= pairs; k++) {
    columns.push((t) => Math.cos((2 * Math.PI * k * t) / m));
    if (2 * k !== m) columns.push((t) => Math.sin((2 * Math.PI * k * t) / m));
  }
  const fourierTerms = columns.length - 2;
  const residualDf = n - columns.length;
  const none: HarmonicSeasonalityTest = { seasonal: false, statistic: 0, pValue: 1, residualAutocorrelation: 0 };
  if (residualDf < 3 || isConstant(values)) return none;
  const design = Array.from({ length: n }, (_, t) => columns.map((column) => column(t)));
  const full = leastSquaresResiduals(design, values);
  const trendOnly = leastSquaresResiduals(design.map((row) => row.slice(0, 2)), values);
  const sumSquares = (r: number[]) => r.reduce((s, e) => s + e * e, 0);
  const [rssFull, rssTrend] = [sumSquares(full), sumSquares(trendOnly)];
  if (rssFull <= 1e-12 * rssTrend) return { seasonal: rssTrend > 0, statistic: Infinity, pValue: 0, residualAutocorrelation: 0 };
  const [rho] = autocorrelations(full, 1);
  const varianceFactor = rho > 0 ? (1 + rho) / (1 - rho) : 1;
  const statistic = (rssTrend - rssFull) / fourierTerms / (rssFull / residualDf) / varianceFactor;
  const pValue = fisherUpperTail(statistic, fourierTerms, residualDf);
  return { seasonal: pValue < harmonicSignificance, statistic, pValue, residualAutocorrelation: rho };
}

/** Residuals y − Xβ of the least-squares fit, by the normal equations solved with Gaussian elimination (a few columns). */
function leastSquaresResiduals(design: number[][], y: number[]): number[] {
  const p = design[0].length;
  const normal = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  design.forEach((row, t) => {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) normal[i][j] += row[i] * row[j];
      normal[i][p] += row[i] * y[t];
    }
  });
  for (let column = 0; column < p; column++) {
    let pivot = column;
    for (let r = column + 1; r < p; r++) if (Math.abs(normal[r][column]) > Math.abs(normal[pivot][column])) pivot = r;
    [normal[column], normal[pivot]] = [normal[pivot], normal[column]];
    for (let r = 0; r < p; r++) {
      if (r === column || normal[column][column] === 0) continue;
      const factor = normal[r][column] / normal[column][column];
      for (let c = column; c <= p; c++) normal[r][c] -= factor * normal[column][c];
    }
  }
  const beta = normal.map((row, i) => (row[i] === 0 ? 0 : row[p] / row[i]));
  return design.map((row, t) => y[t] - row.reduce((s, x, i) => s + x * beta[i], 0));
}

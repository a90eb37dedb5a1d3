/**
 * Seasonality test and classical decomposition, as used by the Theta method
 * (Assimakopoulos & Nikolopoulos 2000) and by R's forecast::thetaf and stats::decompose.
 */

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

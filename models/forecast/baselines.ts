/**
 * Benchmark forecasts: naive, seasonal naive, drift (random walk with drift) and mean,
 * with the analytic prediction intervals of R's forecast package (naive, snaive, rwf, meanf).
 * Hyndman & Athanasopoulos, Forecasting: Principles and Practice (3rd ed.), §5.2 and §5.5.
 */
import type { Forecast } from './types';
import { normalQuantile } from '../stats/normal';

/** A random walk on lag `lag` (1 = naive, m = seasonal naive), optionally with drift. */
export interface LagWalkFit {
  kind: 'lagWalk';
  method: string;
  lag: number;
  /** The last `lag` observations: the values carried forward. */
  lastValues: number[];
  drift: number;
  driftStdError: number;
  /** Mean squared one-step residual, as forecast.lagwalk: Σe² / (residual count − [drift ≠ 0]). */
  residualVariance: number;
  fitted: number[];
}

/** The historical mean. */
export interface MeanFit {
  kind: 'mean';
  method: string;
  mean: number;
  standardDeviation: number;
  count: number;
  fitted: number[];
}

export type BaselineFit = LagWalkFit | MeanFit;

function checkValues(functionName: string, values: number[]): void {
  if (values.length === 0) throw new Error(`${functionName}: needs at least one value`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`${functionName}: values must be finite`);
}

function fitLagWalk(functionName: string, values: number[], lag: number, withDrift: boolean, method: string): LagWalkFit {
  checkValues(functionName, values);
  const n = values.length;
  // Less than one full season: R would return NA; the naive forecast is the sensible stand-in.
  const effectiveLag = lag <= n ? lag : 1;
  const differences: number[] = [];
  for (let t = effectiveLag; t < n; t++) differences.push(values[t] - values[t - effectiveLag]);

  let drift = 0;
  let driftStdError = 0;
  if (withDrift && differences.length > 0) {
    drift = differences.reduce((a, b) => a + b, 0) / differences.length;
    if (differences.length > 1) {
      const variance = differences.reduce((s, d) => s + (d - drift) ** 2, 0) / (differences.length - 1);
      driftStdError = Math.sqrt(variance / differences.length);
    }
  }
  const fitted = values.map((_, t) => (t < effectiveLag ? NaN : values[t - effectiveLag] + drift));
  const residualCount = differences.length - (drift !== 0 ? 1 : 0);
  const sumSquares = differences.reduce((s, d) => s + (d - drift) ** 2, 0);
  return {
    kind: 'lagWalk',
    method: effectiveLag === lag ? method : 'Naive',
    lag: effectiveLag,
    lastValues: values.slice(n - effectiveLag),
    drift,
    driftStdError,
    // No residuals to measure spread: intervals collapse onto the point forecast rather than become NaN.
    residualVariance: residualCount > 0 ? sumSquares / residualCount : 0,
    fitted,
  };
}

/** Naive: ŷ_{n+h} = y_n; variance h·σ² (forecast::naive). */
export function fitNaive(values: number[]): LagWalkFit {
  return fitLagWalk('fitNaive', values, 1, false, 'Naive');
}

/** Seasonal naive: ŷ_{n+h} = y_{n+h−m(k+1)}, k = ⌊(h−1)/m⌋; variance (k+1)·σ² (forecast::snaive). */
export function fitSeasonalNaive(values: number[], seasonLength: number): LagWalkFit {
  if (!Number.isInteger(seasonLength) || seasonLength < 1) {
    throw new Error('fitSeasonalNaive: seasonLength must be a positive integer');
  }
  return fitLagWalk('fitSeasonalNaive', values, seasonLength, false, 'Seasonal naive');
}

/**
 * Drift: ŷ_{n+h} = y_n + h·b, b = (y_n − y_1)/(n − 1);
 * variance h·σ² + (h·se(b))², σ² = Σ(Δy − b)²/(n − 2) (forecast::rwf(drift = TRUE)).
 */
export function fitDrift(values: number[]): LagWalkFit {
  return fitLagWalk('fitDrift', values, 1, true, 'Drift');
}

/** Mean: ŷ = ȳ; interval ȳ ± t_{n−1} · s · sqrt(1 + 1/n) (forecast::meanf). */
export function fitMean(values: number[]): MeanFit {
  checkValues('fitMean', values);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const standardDeviation = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { kind: 'mean', method: 'Mean', mean, standardDeviation, count: n, fitted: values.map(() => mean) };
}

/** Forecast h steps from any baseline fit, with intervals at `levels` percent (each in (0, 100)). */
export function forecastBaseline(fit: BaselineFit, h: number, levels: number[] = [80, 95]): Forecast {
  checkHorizonAndLevels('forecastBaseline', h, levels);
  const steps = Array.from({ length: h }, (_, i) => i + 1);
  let mean: number[];
  let standardErrors: number[];
  const lower: number[][] = [];
  const upper: number[][] = [];
  if (fit.kind === 'mean') {
    mean = steps.map(() => fit.mean);
    // Student t with n − 1 degrees of freedom; with one value there is no spread to measure.
    const widthPerLevel = levels.map((level) =>
      fit.count > 1 ? studentTQuantile(0.5 + level / 200, fit.count - 1) * fit.standardDeviation * Math.sqrt(1 + 1 / fit.count) : 0,
    );
    for (const width of widthPerLevel) {
      lower.push(mean.map((m) => m - width));
      upper.push(mean.map((m) => m + width));
    }
    return { method: fit.method, mean, levels: [...levels], lower, upper, fitted: [...fit.fitted] };
  }
  const periods = steps.map((step) => Math.floor((step - 1) / fit.lag) + 1);
  mean = steps.map((step, i) => fit.lastValues[(step - 1) % fit.lag] + periods[i] * fit.drift);
  standardErrors = periods.map((k) => Math.sqrt(fit.residualVariance * k + (k * fit.driftStdError) ** 2));
  for (const level of levels) {
    const z = normalQuantile(0.5 + level / 200);
    lower.push(mean.map((m, i) => m - z * standardErrors[i]));
    upper.push(mean.map((m, i) => m + z * standardErrors[i]));
  }
  return { method: fit.method, mean, levels: [...levels], lower, upper, fitted: [...fit.fitted] };
}

export function checkHorizonAndLevels(functionName: string, h: number, levels: number[]): void {
  if (!Number.isInteger(h) || h < 1) throw new Error(`${functionName}: h must be a positive integer`);
  if (levels.some((level) => !(level > 0 && level < 100))) {
    throw new Error(`${functionName}: levels must be percentages strictly between 0 and 100`);
  }
}

/**
 * Regularised incomplete beta I_x(a, b) by Lentz's continued fraction.
 * Press et al., Numerical Recipes (3rd ed.), §6.4.
 */
function regularisedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - regularisedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / (Math.abs(1 + even * d) < tiny ? tiny : 1 + even * d);
    c = Math.abs(1 + even / c) < tiny ? tiny : 1 + even / c;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / (Math.abs(1 + odd * d) < tiny ? tiny : 1 + odd * d);
    c = Math.abs(1 + odd / c) < tiny ? tiny : 1 + odd / c;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return (Math.exp(logFront) * result) / a;
}

/** log Γ(x) by the Lanczos approximation (g = 7, 9 terms), relative error about 1e-15. */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < 9; i++) sum += coefficients[i] / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** P(T ≤ t) for Student's t with ν degrees of freedom: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0. */
function studentTCdf(t: number, degreesOfFreedom: number): number {
  const tail = 0.5 * regularisedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (as R's qt) by bisection on the CDF, to about 1e-12. */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) throw new Error('studentTQuantile: p must be in (0, 1)');
  if (!(degreesOfFreedom > 0)) throw new Error('studentTQuantile: degreesOfFreedom must be positive');
  if (p === 0.5) return 0;
  let low = -1;
  let high = 1;
  while (studentTCdf(low, degreesOfFreedom) > p) low *= 2;
  while (studentTCdf(high, degreesOfFreedom) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * Math.max(1, Math.abs(low)); i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, degreesOfFreedom) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

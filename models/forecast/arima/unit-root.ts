/**
 * How many differences auto.arima takes, as forecast::ndiffs and nsdiffs decide with their defaults:
 * d by repeated KPSS tests at 5 % (urca::ur.kpss, type "mu", lag trunc(3√n / 13)), D by the STL seasonal
 * strength above 0.64 (at most one seasonal difference).
 */
import { seasonalStrength } from './stl';

/** R's is.constant: all.equal(x, rep(x[1])) at tolerance 1.5e-8 (mean relative difference). */
export function isConstant(values: ArrayLike<number>): boolean {
  const n = values.length;
  let difference = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    difference += Math.abs(values[i] - values[0]);
    size += Math.abs(values[i]);
  }
  difference /= n;
  size /= n;
  const tolerance = 1.5e-8;
  return (size > tolerance ? difference / size : difference) <= tolerance;
}

function lagDifference(values: ArrayLike<number>, lag: number): number[] {
  return Array.from({ length: values.length - lag }, (_, t) => values[t + lag] - values[t]);
}

/**
 * KPSS level-stationarity statistic (Kwiatkowski et al. 1992) as urca::ur.kpss(type = "mu"):
 * η = Σ S_t² / (n² s²), S_t partial sums of y − ȳ, s² the Bartlett-weighted long-run variance with
 * lag trunc(3√n / 13) (forecast::ndiffs).
 */
export function kpssStatistic(values: ArrayLike<number>): number {
  const n = values.length;
  let centre = 0;
  for (let t = 0; t < n; t++) centre += values[t];
  centre /= n;
  const residuals = Float64Array.from(values, (v) => v - centre);
  const lag = Math.trunc((3 * Math.sqrt(n)) / 13);
  let longRunVariance = 0;
  for (const e of residuals) longRunVariance += e * e;
  longRunVariance /= n;
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

/** urca's 5 % critical value for type "mu": p < 0.05 (interpolated from its table) exactly when η > 0.463. */
const KPSS_CRITICAL_5 = 0.463;

/** forecast::ndiffs: differences while KPSS rejects level stationarity, at most maxD; stops at a constant series. */
export function differencingOrder(values: ArrayLike<number>, maxD = 2): number {
  let series = Array.from(values);
  if (isConstant(series)) return 0;
  let d = 0;
  let reject = kpssStatistic(series) > KPSS_CRITICAL_5;
  while (reject && d < maxD) {
    d++;
    series = lagDifference(series, 1);
    if (isConstant(series)) return d;
    reject = kpssStatistic(series) > KPSS_CRITICAL_5;
  }
  return d;
}

/** forecast::nsdiffs with test "seas": one seasonal difference when the STL seasonal strength exceeds 0.64. */
export function seasonalDifferencingOrder(values: ArrayLike<number>, m: number): number {
  if (m <= 1 || isConstant(values) || m >= values.length || values.length <= 2 * m) return 0;
  return seasonalStrength(values, m) > 0.64 ? 1 : 0;
}

export { lagDifference };

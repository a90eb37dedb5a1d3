/**
 * Forecast accuracy measures over a horizon (Hyndman & Koehler 2006, "Another look at measures of
 * forecast accuracy", IJF 22(4); FPP3 §5.8). Errors are e_t = actual_t − forecast_t, as R's forecast::accuracy.
 * Where a scale is zero (e.g. MASE on a constant history) the result is Infinity, or NaN for 0/0, as in R.
 */

function checkPair(functionName: string, actual: number[], forecast: number[]): void {
  if (actual.length === 0) throw new Error(`${functionName}: needs at least one value`);
  if (actual.length !== forecast.length) throw new Error(`${functionName}: actual and forecast differ in length`);
}

function meanOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean absolute error: mean |a_t − f_t|. */
export function mae(actual: number[], forecast: number[]): number {
  checkPair('mae', actual, forecast);
  return meanOf(actual.map((a, i) => Math.abs(a - forecast[i])));
}

/** Root mean squared error: sqrt(mean (a_t − f_t)²). */
export function rmse(actual: number[], forecast: number[]): number {
  checkPair('rmse', actual, forecast);
  return Math.sqrt(meanOf(actual.map((a, i) => (a - forecast[i]) ** 2)));
}

/** Bias as mean error: mean (a_t − f_t); positive means the forecast was too low (R's ME). */
export function bias(actual: number[], forecast: number[]): number {
  checkPair('bias', actual, forecast);
  return meanOf(actual.map((a, i) => a - forecast[i]));
}

/** In-sample seasonal-naive differences y_t − y_{t−m} (lag 1 when m = 1). */
function seasonalDifferences(functionName: string, insample: number[], seasonLength: number): number[] {
  if (!Number.isInteger(seasonLength) || seasonLength < 1) {
    throw new Error(`${functionName}: seasonLength must be a positive integer`);
  }
  if (insample.length <= seasonLength) throw new Error(`${functionName}: insample must be longer than seasonLength`);
  return insample.slice(seasonLength).map((y, t) => y - insample[t]);
}

/**
 * Mean absolute scaled error: MAE over the horizon / in-sample MAE of the seasonal naive forecast
 * (1/(n−m)) Σ_{t>m} |y_t − y_{t−m}|. Hyndman & Koehler (2006).
 */
export function mase(actual: number[], forecast: number[], insample: number[], seasonLength = 1): number {
  const scale = meanOf(seasonalDifferences('mase', insample, seasonLength).map(Math.abs));
  return mae(actual, forecast) / scale;
}

/**
 * Root mean squared scaled error: sqrt(MSE over the horizon / in-sample mean squared seasonal-naive error).
 * M5 competition guidelines (Makridakis, Spiliotis & Assimakopoulos 2022).
 */
export function rmsse(actual: number[], forecast: number[], insample: number[], seasonLength = 1): number {
  const scale = meanOf(seasonalDifferences('rmsse', insample, seasonLength).map((d) => d * d));
  return rmse(actual, forecast) / Math.sqrt(scale);
}

/**
 * Symmetric MAPE in percent, as scored in M3: mean 200 |a − f| / (|a| + |f|).
 * A step where actual and forecast are both zero counts as a perfect 0 rather than 0/0.
 * Makridakis & Hibon (2000).
 */
export function smape(actual: number[], forecast: number[]): number {
  checkPair('smape', actual, forecast);
  return meanOf(
    actual.map((a, i) => {
      const denominator = Math.abs(a) + Math.abs(forecast[i]);
      return denominator === 0 ? 0 : (200 * Math.abs(a - forecast[i])) / denominator;
    }),
  );
}

/** Weighted absolute percentage error, as a fraction: Σ|a − f| / Σ|a|. */
export function wape(actual: number[], forecast: number[]): number {
  checkPair('wape', actual, forecast);
  const absoluteErrors = actual.reduce((s, a, i) => s + Math.abs(a - forecast[i]), 0);
  return absoluteErrors / actual.reduce((s, a) => s + Math.abs(a), 0);
}

/**
 * Pinball (quantile) loss, averaged over steps: mean max(τ(a − q), (τ − 1)(a − q)).
 * Koenker & Bassett (1978); M5 uncertainty track.
 */
export function pinballLoss(actual: number[], quantileForecast: number[], tau: number): number {
  checkPair('pinballLoss', actual, quantileForecast);
  if (!(tau > 0 && tau < 1)) throw new Error('pinballLoss: tau must be in (0, 1)');
  return meanOf(
    actual.map((a, i) => {
      const error = a - quantileForecast[i];
      return Math.max(tau * error, (tau - 1) * error);
    }),
  );
}

/** Share of actual values inside their interval [lower, upper], bounds included. */
export function intervalCoverage(actual: number[], lower: number[], upper: number[]): number {
  checkPair('intervalCoverage', actual, lower);
  checkPair('intervalCoverage', actual, upper);
  return meanOf(actual.map((a, i) => (a >= lower[i] && a <= upper[i] ? 1 : 0)));
}

/**
 * Mean scaled interval score of a central interval at `level` percent (the M4 competition's MSIS; Gneiting & Raftery
 * 2007, JASA 102, the interval score): mean over the horizon of (u − l) + (2/α)(l − a)·[a < l] + (2/α)(a − u)·[a > u],
 * α = 1 − level/100, divided by the in-sample MAE of the seasonal naive, as MASE. Makridakis, Spiliotis &
 * Assimakopoulos (2020), "The M4 Competition", IJF 36(1), §2.2.
 */
export function meanScaledIntervalScore(
  actual: number[],
  lower: number[],
  upper: number[],
  level: number,
  insample: number[],
  seasonLength = 1,
): number {
  checkPair('meanScaledIntervalScore', actual, lower);
  checkPair('meanScaledIntervalScore', actual, upper);
  if (!(level > 0 && level < 100)) throw new Error('meanScaledIntervalScore: level must be in (0, 100)');
  const alpha = 1 - level / 100;
  const scale = meanOf(seasonalDifferences('meanScaledIntervalScore', insample, seasonLength).map(Math.abs));
  const scores = actual.map((a, i) => upper[i] - lower[i] + (2 / alpha) * (Math.max(0, lower[i] - a) + Math.max(0, a - upper[i])));
  return meanOf(scores) / scale;
}

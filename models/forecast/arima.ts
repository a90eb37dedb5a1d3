/**
 * Automatic seasonal ARIMA as forecast::auto.arima (Hyndman & Khandakar 2008, JSS 27(3)): the number of
 * seasonal differences D from the STL seasonal strength (> 0.64), d from repeated KPSS tests, then a stepwise
 * search over (p, q)(P, Q) with and without a constant (mean or drift) by AICc, each model fitted by exact
 * maximum likelihood (CSS starting values, Kalman filter) and refused when a root is within 1.01 of the unit
 * circle. Forecasts and intervals as predict.Arima: Kalman forecasts of the state, mean ± z·σ·sqrt(v_h).
 * The pieces live in ./arima/ (kalman, fit, search, stl, unit-root, polynomial, bfgs).
 */
import type { Forecast } from './types';
import { normalQuantile } from '../stats/normal';
import { checkHorizonAndLevels } from './baselines';
import { filterModel, fitModel, type ArimaModelFit } from './arima/fit';
import { kalmanForecast, type SeasonalOrder } from './arima/kalman';
import { autoArima } from './arima/search';

export { kpssStatistic, differencingOrder, seasonalDifferencingOrder } from './arima/unit-root';
export { seasonalStrength } from './arima/stl';
export type { SeasonalOrder } from './arima/kalman';

export interface ArimaFit {
  method: string;
  order: SeasonalOrder;
  /** A mean (d + D = 0) or a drift (d + D = 1) is in the model. */
  constant: boolean;
  /** ar, ma, sar, sma, then the mean or drift, as R's coef(). */
  coefficients: number[];
  logLikelihood: number;
  aicc: number;
  /** Innovation variance as forecast reports it (residual sum of squares over n* − k + 1). */
  sigma2: number;
  /** One-step in-sample forecasts y_t − e_t (R's fitted.Arima). */
  fitted: number[];
  count: number;
  /** What forecasts start from: the fitted model and the series. */
  model: ArimaModelFit;
  values: number[];
}

/** R's arima.string: ARIMA(p,d,q)(P,D,Q)[m] with drift / with non-zero mean. */
export function arimaName(order: SeasonalOrder, constant: boolean): string {
  let name = `ARIMA(${order.p},${order.d},${order.q})`;
  if (order.m > 1 && order.P + order.D + order.Q > 0) name += `(${order.P},${order.D},${order.Q})[${order.m}]`;
  if (constant) name += order.d + order.D === 0 ? ' with non-zero mean' : ' with drift';
  return name;
}

function checkSeries(functionName: string, values: number[], seasonLength: number): void {
  if (values.length === 0) throw new Error(`${functionName}: needs at least one value`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`${functionName}: values must be finite`);
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new Error(`${functionName}: seasonLength must be a positive integer`);
}

function describe(values: number[], model: ArimaModelFit, suffix = ''): ArimaFit {
  const filtered = filterModel(values, model);
  const constant = model.regressor !== 'none';
  return {
    method: arimaName(model.order, constant) + suffix,
    order: model.order,
    constant,
    coefficients: Array.from(model.coefficients),
    logLikelihood: model.logLikelihood,
    aicc: model.aicc,
    sigma2: filtered.sigma2,
    fitted: Array.from(filtered.fitted),
    count: values.length,
    model,
    values: [...values],
  };
}

/** Chooses and fits a seasonal ARIMA model as auto.arima with its defaults; seasonLength 1 means none. */
export function fitArima(values: number[], seasonLength = 1): ArimaFit {
  checkSeries('fitArima', values, seasonLength);
  const { model } = autoArima(values, seasonLength);
  return describe(values, model, model.ic < Infinity ? '' : ' (no model passed the checks)');
}

/**
 * Fits one given order by exact maximum likelihood (R's Arima(y, order, seasonal, include.constant)); null when
 * the fit fails (R would stop with an error).
 */
export function fitArimaOrder(values: number[], order: SeasonalOrder, constant: boolean): ArimaFit | null {
  checkSeries('fitArimaOrder', values, order.m);
  const regressor = !constant ? 'none' : order.d + order.D === 0 ? 'intercept' : order.d + order.D === 1 ? 'drift' : null;
  if (regressor === null) throw new Error('fitArimaOrder: a constant needs d + D ≤ 1');
  const model = fitModel(values, order, regressor);
  return model ? describe(values, model) : null;
}

/**
 * Forecasts h steps as forecast.Arima: Kalman forecasts from the filtered state, plus the mean or the drift
 * continued (β·(n + i)); bounds mean ± z_{level}·sqrt(σ² v_i).
 */
export function forecastArima(fit: ArimaFit, h: number, levels: number[] = [80, 95]): Forecast {
  checkHorizonAndLevels('forecastArima', h, levels);
  const { state } = filterModel(fit.values, fit.model);
  const { mean: kalmanMean, variance } = kalmanForecast(state, h);
  const { regressor, coefficients } = fit.model;
  const beta = regressor === 'none' ? 0 : coefficients[coefficients.length - 1];
  const mean = kalmanMean.map((v, i) => v + (regressor === 'intercept' ? beta : regressor === 'drift' ? beta * (fit.count + i + 1) : 0));
  const se = variance.map((v) => Math.sqrt(Math.max(0, v) * fit.sigma2));
  const z = levels.map((level) => normalQuantile(0.5 + level / 200));
  return {
    method: fit.method,
    mean,
    levels: [...levels],
    lower: z.map((q) => mean.map((m, i) => m - q * se[i])),
    upper: z.map((q) => mean.map((m, i) => m + q * se[i])),
    fitted: [...fit.fitted],
  };
}

/**
 * One seasonal ARIMA fit as R's stats::arima does it (method "CSS-ML": conditional sum of squares for
 * starting values, then exact maximum likelihood, AR parts through the PACF transform, MA parts made
 * invertible), wrapped as forecast's myarima: AICc, and a model refused (ic = Infinity) when a root of
 * its AR or MA polynomial lies within 1.01 of the unit circle.
 */
import { bfgs, optimHessian, OptimError } from './bfgs';
import {
  ArmaWorkspace,
  conditionalSumOfSquares,
  differenceSeries,
  differencingPolynomial,
  expandPolynomials,
  fullLikelihood,
  inverseTransform,
  armaLikelihood,
  stationaryCovariance,
  stationaryFirstColumn,
  transformJacobian,
  undoTransform,
  type SeasonalOrder,
  type StateSpace,
} from './kalman';
import { invertMa, isStationary, smallestRootModulus } from './polynomial';

export type Regressor = 'none' | 'intercept' | 'drift';

export interface ArimaModelFit {
  order: SeasonalOrder;
  regressor: Regressor;
  /** ar, ma, sar, sma, then the intercept or drift coefficient (R's coef order). */
  coefficients: Float64Array;
  /** Coefficients estimated (R's sum(mask)); 0 when auto.arima fixes the constant. */
  freeParameters: number;
  /** The minimum optim found: 0.5 (log σ² + Σ log F_t / n*) for ML fits, 0.5 log σ² for CSS fits. */
  objective: number;
  /** Log-likelihood (exact ML; for CSS fits R's conditional value). */
  logLikelihood: number;
  aic: number;
  aicc: number;
  /** The selection criterion: aicc, or Infinity for a refused model. */
  ic: number;
  method: 'CSS-ML' | 'CSS';
}

const LOG_2PI = Math.log(2 * Math.PI);
const DOUBLE_MAX = Number.MAX_VALUE;

function regressorColumn(regressor: Regressor, n: number): Float64Array | null {
  if (regressor === 'none') return null;
  return Float64Array.from({ length: n }, (_, t) => (regressor === 'intercept' ? 1 : t + 1));
}

function armaCount(order: SeasonalOrder): number {
  return order.p + order.q + order.P + order.Q;
}

/** y − β·x for the regressor column x (or y itself). */
function removeRegressor(y: ArrayLike<number>, column: Float64Array | null, beta: number): Float64Array {
  const out = Float64Array.from(y);
  if (column) for (let t = 0; t < out.length; t++) out[t] -= beta * column[t];
  return out;
}

/**
 * Starting value and scale of the regression coefficient, as R: lm(Δy ~ Δx − 1) on the differenced series,
 * parscale 10 × its standard error.
 */
function regressionStart(y: ArrayLike<number>, column: Float64Array, order: SeasonalOrder): { beta: number; scale: number } {
  const dy = differenceSeries(y, order.d, order.D, order.m);
  const dx = differenceSeries(column, order.d, order.D, order.m);
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < dy.length; t++) {
    sxx += dx[t] * dx[t];
    sxy += dx[t] * dy[t];
  }
  const beta = sxy / sxx;
  let rss = 0;
  for (let t = 0; t < dy.length; t++) rss += (dy[t] - beta * dx[t]) ** 2;
  const se = Math.sqrt(rss / (dy.length - 1) / sxx);
  return { beta, scale: 10 * se };
}

/** Number of observations R's likelihood counts: n − d − mD. */
export function usedCount(n: number, order: SeasonalOrder): number {
  return n - order.d - order.m * order.D;
}

interface Estimate {
  coefficients: Float64Array;
  /** optim's minimum: 0.5 log(σ²) + …, per observation used. */
  value: number;
  /** CSS fits: the conditional σ². */
  cssVariance?: number;
  /** forecast's checkarima passed: every coefficient variance from optim's Hessian is ≥ 0 (R: sqrt(diag) not NaN). */
  varianceCheck: () => boolean;
}

/** Solves A X = B for square A (rows), B (rows); null when A is singular. */
function solveMatrix(a: Float64Array[], b: Float64Array[]): Float64Array[] | null {
  const n = a.length;
  const m = a.map((row) => Float64Array.from(row));
  const x = b.map((row) => Float64Array.from(row));
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[best][c])) best = r;
    if (!(Math.abs(m[best][c]) > 0) || !Number.isFinite(m[best][c])) return null;
    [m[c], m[best]] = [m[best], m[c]];
    [x[c], x[best]] = [x[best], x[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r][k] -= f * m[c][k];
      for (let k = 0; k < x[r].length; k++) x[r][k] -= f * x[c][k];
    }
  }
  for (let r = 0; r < n; r++) for (let k = 0; k < x[r].length; k++) x[r][k] /= m[r][r];
  return x;
}

/**
 * R's coefficient variances: solve(H·n*) for CSS, A' solve(H·n*) A with A the transform's Jacobian for ML;
 * true when none of their diagonal is negative or undefined.
 */
function variancesAreValid(hessian: Float64Array[], nUsed: number, jacobian: Float64Array[] | null): boolean {
  const n = hessian.length;
  const scaled = hessian.map((row) => row.map((v) => v * nUsed));
  const identity = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const solved = solveMatrix(scaled, jacobian ?? identity);
  if (!solved) return false;
  for (let i = 0; i < n; i++) {
    let v = 0;
    if (jacobian) for (let k = 0; k < n; k++) v += jacobian[k][i] * solved[k][i];
    else v = solved[i][i];
    if (!(v >= 0)) return false;
  }
  return true;
}

function estimate(y: ArrayLike<number>, order: SeasonalOrder, regressor: Regressor, method: 'CSS-ML' | 'CSS'): Estimate | null {
  const n = y.length;
  const narma = armaCount(order);
  const column = regressorColumn(regressor, n);
  const init = new Float64Array(narma + (column ? 1 : 0));
  const parscale = new Float64Array(init.length).fill(1);
  if (column) {
    const start = regressionStart(y, column, order);
    if (!Number.isFinite(start.beta) || !(start.scale > 0)) return null;
    init[narma] = start.beta;
    parscale[narma] = start.scale;
  }

  // The differenced regressor is a constant (drift) or absent, so differencing y − βx is Δy − βΔx.
  const dy = differenceSeries(y, order.d, order.D, order.m);
  const dx = column ? differenceSeries(column, order.d, order.D, order.m) : null;
  const w = new Float64Array(dy.length);
  const residuals = new Float64Array(dy.length);
  const differenced = (par: ArrayLike<number>) => {
    if (!dx) return dy;
    const b = par[narma];
    for (let t = 0; t < w.length; t++) w[t] = dy[t] - b * dx[t];
    return w;
  };
  const workspace = ArmaWorkspace.forOrder(order);
  const cssVariance = (par: Float64Array) => {
    workspace.expand(par, order, false);
    return conditionalSumOfSquares(differenced(par), residuals, workspace);
  };
  const css = (par: Float64Array) => {
    const variance = cssVariance(par);
    return Number.isNaN(variance) ? NaN : 0.5 * Math.log(variance);
  };
  const ml = (par: Float64Array): number => {
    workspace.expand(par, order, true);
    const P0 = stationaryFirstColumn(workspace.phi, workspace.theta, workspace);
    if (!P0) return DOUBLE_MAX;
    const { sumSquares, sumLog, count } = armaLikelihood(differenced(par), P0, workspace);
    return 0.5 * (Math.log(sumSquares / count) + sumLog / count);
  };

  try {
    if (method === 'CSS') {
      const result = bfgs(css, init, parscale);
      const variance = cssVariance(result.point);
      const varianceCheck = () => variancesAreValid(optimHessian(css, result.point, parscale), usedCount(n, order), null);
      return { coefficients: result.point, value: result.value, cssVariance: variance, varianceCheck };
    }
    let start: Float64Array = init;
    if (init.length > 0) {
      const result = bfgs(css, init, parscale);
      if (result.code === 0) start = result.point;
    }
    if (order.p > 0 && !isStationary(start.subarray(0, order.p))) return null;
    if (order.P > 0 && !isStationary(start.subarray(order.p + order.q, order.p + order.q + order.P))) return null;
    start = inverseTransform(start, order);
    if (order.q > 0) start.set(invertMa(start.subarray(order.p, order.p + order.q)), order.p);
    if (order.Q > 0) start.set(invertMa(start.subarray(order.p + order.q + order.P, narma)), order.p + order.q + order.P);
    const result = bfgs(ml, start, parscale);
    let coefficients: Float64Array = Float64Array.from(result.point);
    let value = result.value;
    let changed = false;
    if (order.q > 0) {
      const inverted = invertMa(coefficients.subarray(order.p, order.p + order.q));
      changed ||= inverted.some((v, i) => v !== coefficients[order.p + i]);
      coefficients.set(inverted, order.p);
    }
    if (order.Q > 0) {
      const offset = order.p + order.q + order.P;
      const inverted = invertMa(coefficients.subarray(offset, narma));
      changed ||= inverted.some((v, i) => v !== coefficients[offset + i]);
      coefficients.set(inverted, offset);
    }
    // R re-evaluates (optim with maxit = 0) when inverting the MA part moved the coefficients.
    if (changed) value = ml(coefficients);
    const transformed = coefficients;
    const varianceCheck = () =>
      variancesAreValid(optimHessian(ml, transformed, parscale), usedCount(n, order), transformJacobian(transformed, order));
    coefficients = undoTransform(coefficients, order);
    return Number.isFinite(value) ? { coefficients, value, varianceCheck } : null;
  } catch (error) {
    if (error instanceof OptimError) return null;
    throw error;
  }
}

/** The last coefficient above 1e-8 in absolute value bounds the polynomial checked (forecast's myarima). */
function trimmed(values: Float64Array): Float64Array {
  let last = values.length;
  while (last > 0 && !(Math.abs(values[last - 1]) > 1e-8)) last--;
  return values.subarray(0, last);
}

/**
 * forecast's myarima: fits, scores by AICc (for CSS fits, the approximation offset + n* log σ² + 2k),
 * refuses models with a root within 1.01 of the unit circle or a negative coefficient variance (checkarima,
 * done only when ic < checkBelow: a search passes its best ic so far). Null when the fit fails.
 */
export function fitModel(
  y: ArrayLike<number>,
  order: SeasonalOrder,
  regressor: Regressor,
  method: 'CSS-ML' | 'CSS' = 'CSS-ML',
  offset = 0,
  checkBelow = -Infinity,
): ArimaModelFit | null {
  const fit = estimate(y, order, regressor, method);
  if (!fit) return null;
  const nUsed = usedCount(y.length, order);
  const npar = fit.coefficients.length + 1;
  const value = 2 * nUsed * fit.value + nUsed + nUsed * LOG_2PI;
  const logLikelihood = -0.5 * value;
  let aic = method === 'CSS' ? offset + nUsed * Math.log(fit.cssVariance!) + 2 * npar : value + 2 * npar;
  if (!Number.isFinite(aic)) aic = Infinity;
  const aicc = aic + (2 * npar * (npar + 1)) / (nUsed - npar - 1);
  let ic = Number.isFinite(aicc) ? aicc : Infinity;
  const { phi, theta } = expandPolynomials(fit.coefficients, order, false);
  let minRoot = 2;
  if (order.p + order.P > 0) {
    const ar = trimmed(phi);
    if (ar.length > 0) minRoot = Math.min(minRoot, smallestRootModulus(Array.from(ar, (v) => -v)));
  }
  if (order.q + order.Q > 0 && ic < Infinity) {
    const ma = trimmed(theta);
    if (ma.length > 0) minRoot = Math.min(minRoot, smallestRootModulus(ma));
  }
  if (minRoot < 1.01) ic = Infinity;
  // checkarima costs about 4k² likelihoods: only when the outcome can matter (the model would lead).
  if (ic < checkBelow) {
    try {
      if (!fit.varianceCheck()) ic = Infinity;
    } catch (error) {
      if (!(error instanceof OptimError)) throw error;
      ic = Infinity;
    }
  }
  return { order, regressor, coefficients: fit.coefficients, freeParameters: fit.coefficients.length, objective: fit.value, logLikelihood, aic, aicc, ic, method };
}

export interface FilteredModel {
  /** σ² as forecast reports it: Σ residuals² / (n* − k + 1). */
  sigma2: number;
  state: StateSpace;
  /** In-sample one-step forecasts y_t − e_t. */
  fitted: Float64Array;
}

/** Runs R's full Kalman filter at the fitted coefficients: residuals, σ² and the state forecasts start from. */
export function filterModel(y: ArrayLike<number>, model: ArimaModelFit): FilteredModel {
  const { order, coefficients, regressor } = model;
  const narma = armaCount(order);
  const column = regressorColumn(regressor, y.length);
  const x = removeRegressor(y, column, column ? coefficients[narma] : 0);
  const { phi, theta } = expandPolynomials(coefficients, order, false);
  const P0 = stationaryCovariance(phi, theta) ?? new Float64Array(Math.max(phi.length, theta.length + 1) ** 2);
  const delta = differencingPolynomial(order.d, order.D, order.m);
  const filtered = fullLikelihood(x, phi, theta, delta, P0);
  const nUsed = usedCount(y.length, order);
  const npar = model.freeParameters + 1;
  let sumSquares = 0;
  for (const e of filtered.residuals) sumSquares += e * e;
  const sigma2 = sumSquares / (nUsed - npar + 1);
  // The standardised residual times sqrt(F_t) is the innovation; R's fitted values are y − residuals (unstandardised
  // only when F_t = 1): forecast's fitted.Arima uses y − residuals(fit), the standardised ones.
  const fitted = Float64Array.from(y, (v, t) => v - filtered.residuals[t]);
  return { sigma2, state: filtered.state, fitted };
}

/**
 * The exact log-likelihood at given coefficients (R's arima(..., fixed = coef, transform.pars = FALSE)$loglik):
 * −½ (n* log(2π σ̂²) + Σ log F_t + n*), σ̂² = Σ e_t²/F_t / n*. NaN when the AR part is not stationary.
 */
export function logLikelihoodAt(y: ArrayLike<number>, order: SeasonalOrder, regressor: Regressor, coefficients: ArrayLike<number>): number {
  const narma = armaCount(order);
  const column = regressorColumn(regressor, y.length);
  const w = differenceSeries(removeRegressor(y, column, column ? coefficients[narma] : 0), order.d, order.D, order.m);
  const { phi, theta } = expandPolynomials(coefficients, order, false);
  const workspace = ArmaWorkspace.forPolynomials(phi, theta);
  const P0 = stationaryFirstColumn(phi, theta, workspace);
  if (!P0) return NaN;
  const { sumSquares, sumLog, count } = armaLikelihood(w, P0, workspace);
  return -0.5 * (count * Math.log((2 * Math.PI * sumSquares) / count) + sumLog + count);
}

/**
 * forecast::auto.arima's stepwise search (Hyndman & Khandakar 2008, "Automatic time series forecasting:
 * the forecast package for R", JSS 27(3), as forecast 8.20 implements it), with its defaults:
 * D by seasonal strength, d by KPSS, max p = q = 5, P = Q = 2, start (2,2)(1,1), AICc, at most 94 models,
 * constant (mean when d + D = 0, drift when d + D = 1) tried both ways; conditional sums of squares for
 * the search when n > 150 or m > 12 (then the best models refitted by maximum likelihood in AICc order).
 */
import { fitModel, usedCount, type ArimaModelFit, type Regressor } from './fit';
import { differenceSeries, type SeasonalOrder } from './kalman';
import { differencingOrder, isConstant, seasonalDifferencingOrder } from './unit-root';

export interface SearchResult {
  model: ArimaModelFit;
  /** Set when the differenced series is constant: R fixes the constant instead of estimating it. */
  fixed: boolean;
}

const MAX = { p: 5, q: 5, P: 2, Q: 2 };
const START = { p: 2, q: 2, P: 1, Q: 1 };
const MAX_MODELS = 94;

function regressorFor(order: SeasonalOrder, constant: boolean): Regressor {
  if (!constant) return 'none';
  return order.d + order.D === 0 ? 'intercept' : 'drift';
}

/** A model with a fixed constant (or none) and no ARMA part, scored by the exact likelihood of its residuals. */
function fixedModel(y: ArrayLike<number>, order: SeasonalOrder, regressor: Regressor, constant: number): ArimaModelFit {
  const coefficients = Float64Array.from(regressor === 'none' ? [] : [constant]);
  const shift = order.d + order.D === 0 ? 1 : order.D > 0 ? order.m : 1;
  const w = differenceSeries(y, order.d, order.D, order.m).map((v) => v - (regressor === 'none' ? 0 : constant * shift));
  const nUsed = usedCount(y.length, order);
  let sumSquares = 0;
  for (const v of w) sumSquares += v * v;
  const logLikelihood = -0.5 * nUsed * (Math.log(sumSquares / nUsed) + 1 + Math.log(2 * Math.PI));
  const aic = -2 * logLikelihood + 2;
  return { order, regressor, coefficients, freeParameters: 0, objective: 0.5 * Math.log(sumSquares / nUsed), logLikelihood, aic, aicc: aic, ic: aic, method: 'CSS-ML' };
}

export function autoArima(values: number[], seasonLength: number): SearchResult {
  const n = values.length;
  const m = seasonLength > 1 ? Math.round(seasonLength) : 1;
  if (isConstant(values)) {
    const order = { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, m };
    return { model: fixedModel(values, order, 'intercept', values.reduce((a, b) => a + b, 0) / n), fixed: true };
  }
  let maxP = Math.min(MAX.p, Math.floor(n / 3));
  let maxQ = Math.min(MAX.q, Math.floor(n / 3));
  let maxSP = Math.min(MAX.P, Math.floor(n / 3 / m));
  let maxSQ = Math.min(MAX.Q, Math.floor(n / 3 / m));
  let D = 0;
  if (m === 1) maxSP = maxSQ = 0;
  else if (n > 2 * m) D = seasonalDifferencingOrder(values, m);
  const seasonallyDifferenced = D > 0 ? differenceSeries(values, 0, D, m) : Float64Array.from(values);
  let d = differencingOrder(seasonallyDifferenced, 2);
  const dx = differenceSeries(seasonallyDifferenced, d, 0, 1);
  if (dx.length === 0) d = 0;
  const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
  if (dx.length > 0 && isConstant(dx)) {
    const order = { p: 0, d, q: 0, P: 0, D, Q: 0, m };
    if (D > 0 && d === 0) return { model: fixedModel(values, order, 'drift', mean(dx) / m), fixed: true };
    if (D > 0 || d === 2) return { model: fixedModel(values, order, 'none', 0), fixed: true };
    return { model: fixedModel(values, order, d === 0 ? 'intercept' : 'drift', mean(dx)), fixed: true };
  }
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const approximation = n > 150 || m > 12;
  const method = approximation ? 'CSS' : 'CSS-ML';
  let offset = 0;
  if (approximation) {
    const base = { p: 0, d, q: 0, P: 0, D, Q: 0, m };
    const white = fitModel(values, base, d + D === 0 ? 'intercept' : 'none');
    // offset = −2 log L − n log σ² of the white-noise model (σ² its ML variance, exp(2·objective) here).
    if (white) offset = -2 * white.logLikelihood - n * 2 * white.objective;
  }
  const allowDrift = d + D === 1;
  const allowMean = d + D === 0;
  let constant = allowDrift || allowMean;

  const tried: { key: string; order: SeasonalOrder; constant: boolean; ic: number }[] = [];
  const keyOf = (p: number, q: number, P: number, Q: number, c: boolean) => `${p},${q},${P},${Q},${c}`;
  const isNew = (p: number, q: number, P: number, Q: number, c: boolean) => !tried.some((t) => t.key === keyOf(p, q, P, Q, c));
  let best: ArimaModelFit | null = null;
  let bestIc = Infinity;
  /** Fits one candidate; true when it beats the best so far (R's `fit$ic < bestfit$ic`). */
  const attempt = (p: number, q: number, P: number, Q: number, c: boolean): boolean => {
    const order = { p, d, q, P, D, Q, m };
    const fit = fitModel(values, order, regressorFor(order, c), method, offset, approximation ? Infinity : bestIc);
    const ic = fit ? fit.ic : Infinity;
    tried.push({ key: keyOf(p, q, P, Q, c), order, constant: c, ic });
    if (best === null && fit) best = fit;
    if (ic < bestIc) {
      best = fit;
      bestIc = ic;
      return true;
    }
    return false;
  };

  let startP = START.p;
  let startQ = START.q;
  let startSP = START.P;
  let startSQ = START.Q;
  if (n < 10) {
    startP = Math.min(startP, 1);
    startQ = Math.min(startQ, 1);
    startSP = startSQ = 0;
  }
  let p = Math.min(startP, maxP);
  let q = Math.min(startQ, maxQ);
  let P = Math.min(startSP, maxSP);
  let Q = Math.min(startSQ, maxSQ);
  attempt(p, q, P, Q, constant);
  if (attempt(0, 0, 0, 0, constant)) p = q = P = Q = 0;
  if (maxP > 0 || maxSP > 0) {
    const ar = maxP > 0 ? 1 : 0;
    const sar = m > 1 && maxSP > 0 ? 1 : 0;
    if (attempt(ar, 0, sar, 0, constant)) [p, P, q, Q] = [ar, sar, 0, 0];
  }
  if (maxQ > 0 || maxSQ > 0) {
    const ma = maxQ > 0 ? 1 : 0;
    const sma = m > 1 && maxSQ > 0 ? 1 : 0;
    if (attempt(0, ma, 0, sma, constant)) [p, P, q, Q] = [0, 0, ma, sma];
  }
  if (constant && attempt(0, 0, 0, 0, false)) p = q = P = Q = 0;

  // Neighbours in R's order: seasonal moves, then non-seasonal ones, then the constant toggled.
  const neighbours = (): [boolean, number, number, number, number, boolean][] => [
    [P > 0, p, q, P - 1, Q, constant],
    [Q > 0, p, q, P, Q - 1, constant],
    [P < maxSP, p, q, P + 1, Q, constant],
    [Q < maxSQ, p, q, P, Q + 1, constant],
    [Q > 0 && P > 0, p, q, P - 1, Q - 1, constant],
    [Q < maxSQ && P > 0, p, q, P - 1, Q + 1, constant],
    [Q > 0 && P < maxSP, p, q, P + 1, Q - 1, constant],
    [Q < maxSQ && P < maxSP, p, q, P + 1, Q + 1, constant],
    [p > 0, p - 1, q, P, Q, constant],
    [q > 0, p, q - 1, P, Q, constant],
    [p < maxP, p + 1, q, P, Q, constant],
    [q < maxQ, p, q + 1, P, Q, constant],
    [q > 0 && p > 0, p - 1, q - 1, P, Q, constant],
    [q < maxQ && p > 0, p - 1, q + 1, P, Q, constant],
    [q > 0 && p < maxP, p + 1, q - 1, P, Q, constant],
    [q < maxQ && p < maxP, p + 1, q + 1, P, Q, constant],
    [allowDrift || allowMean, p, q, P, Q, !constant],
  ];
  let k = tried.length;
  let startK = 0;
  while (startK < k && k < MAX_MODELS) {
    startK = k;
    for (const [allowed, np, nq, nP, nQ, nc] of neighbours()) {
      if (!allowed || !isNew(np, nq, nP, nQ, nc)) continue;
      k++;
      if (k > MAX_MODELS) break;
      if (attempt(np, nq, nP, nQ, nc)) {
        [p, q, P, Q, constant] = [np, nq, nP, nQ, nc];
        break;
      }
    }
  }

  if (approximation) {
    // Refit by maximum likelihood in the order of the approximate AICc until one is accepted.
    best = null;
    const ranked = tried.map((t, i) => ({ ...t, i })).sort((a, b) => a.ic - b.ic || a.i - b.i || 0);
    for (const candidate of ranked) {
      const fit = fitModel(values, candidate.order, regressorFor(candidate.order, candidate.constant), 'CSS-ML', 0, Infinity);
      if (fit && fit.ic < Infinity) {
        best = fit;
        break;
      }
    }
  }
  const chosen = best as ArimaModelFit | null;
  if (chosen && chosen.ic < Infinity) return { model: chosen, fixed: false };
  // R stops with "No suitable ARIMA model found"; a forecast still needs a model: the differencing alone.
  const order = { p: 0, d, q: 0, P: 0, D, Q: 0, m };
  return { model: fitModel(values, order, 'none') ?? fixedModel(values, order, 'none', 0), fixed: false };
}

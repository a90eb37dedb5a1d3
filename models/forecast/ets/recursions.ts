/**
 * ETS state-space recursions (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with exponential smoothing",
 * ch. 2 and Table 2.1), written as forecast's C code `etscalc` does them, so that likelihoods match R's.
 *
 * State layout, as R's `states` columns: [level, slope?, s1, ..., sm] where s1 is the most recent seasonal term
 * and sm the one from m periods ago (the one used for the next forecast).
 */
import type { Random } from '../../stats/random';

/** Component codes as in forecast's C code: 0 none, 1 additive, 2 multiplicative. */
export interface EtsStructure {
  error: 1 | 2;
  trend: 0 | 1;
  season: 0 | 1 | 2;
  /** Seasonal period m; 1 when season = 0. */
  seasonLength: number;
}

export interface SmoothingParameters {
  alpha: number;
  /** 0 when there is no trend. */
  beta: number;
  /** 0 when there is no season. */
  gamma: number;
  /** 1 when the trend is not damped. */
  phi: number;
}

/** Below this, a divisor counts as zero and the quotient is replaced by HUGE, as in etscalc. */
const TINY = 1e-10;
const HUGE = 1e10;

/** Where the filter writes its by-products (each optional). */
export interface FilterOutput {
  fitted?: Float64Array;
  residuals?: Float64Array;
  /** Receives the state after the last observation (same layout as the initial state). */
  finalState?: Float64Array;
}

/**
 * Runs the ETS filter over y from `initial` and returns forecast's "lik" criterion
 *   lik = n·log(Σ e_t²) + [multiplicative error] 2·Σ log|ŷ_t|,
 * with e_t = y_t − ŷ_t (additive error) or (y_t − ŷ_t)/ŷ_t (multiplicative), i.e. −2·log-likelihood up to a constant.
 * Returns NaN when the fit breaks down (zero or non-finite forecasts under multiplicative error).
 * `ring` is scratch space of length ≥ m, so the optimiser's inner loop allocates nothing. Cost O(n).
 */
export function etsFilter(
  y: ArrayLike<number>,
  structure: EtsStructure,
  parameters: SmoothingParameters,
  initial: ArrayLike<number>,
  ring: Float64Array,
  output?: FilterOutput,
): number {
  // filterWith only ever sees Float64Arrays: V8 then keeps one fast element access in its loop (mixing plain
  // arrays in makes every later call about three times slower).
  const values = y instanceof Float64Array ? y : Float64Array.from(y);
  const start = initial instanceof Float64Array ? initial : Float64Array.from(initial);
  return filterWith(values, structure, parameters.alpha, parameters.beta, parameters.gamma, parameters.phi, start, ring, output);
}

/** etsFilter with the smoothing parameters as plain numbers: the optimiser's hot path, no object to box them. */
export function filterWith(
  y: Float64Array,
  structure: EtsStructure,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  initial: Float64Array,
  ring: Float64Array,
  output?: FilterOutput,
): number {
  const n = y.length;
  const m = structure.seasonLength;
  const trend = structure.trend;
  const season = structure.season;
  const multiplicativeError = structure.error === 2;
  const betaOverAlpha = beta / alpha;
  const seasonOffset = 1 + trend;
  const fitted = output?.fitted;
  const residuals = output?.residuals;

  let level = initial[0];
  let slope = trend ? initial[1] : 0;
  // ring holds the m seasonal terms oldest first; index k points at the one due now (s_m).
  if (season) for (let i = 0; i < m; i++) ring[i] = initial[seasonOffset + m - 1 - i];
  let k = 0;
  let sumSquares = 0;
  let sumLog = 0;
  // Product of |ŷ| folded into sumLog only when it nears under/overflow: one log per many steps instead of per step.
  let product = 1;

  for (let t = 0; t < n; t++) {
    const dampedSlope = phi * slope;
    const base = level + dampedSlope;
    const seasonal = season ? ring[k] : 0;
    const forecast = season === 2 ? base * seasonal : base + seasonal;
    const observed = y[t];
    const error = multiplicativeError ? (observed - forecast) / forecast : observed - forecast;
    sumSquares += error * error;
    if (multiplicativeError) {
      product *= Math.abs(forecast);
      if (product > 1e100 || product < 1e-100) {
        sumLog += Math.log(product);
        product = 1;
      }
    }
    if (fitted) fitted[t] = forecast;
    if (residuals) residuals[t] = error;

    let deseasonalised: number;
    if (season === 0) deseasonalised = observed;
    else if (season === 1) deseasonalised = observed - seasonal;
    else deseasonalised = Math.abs(seasonal) < TINY ? HUGE : observed / seasonal;
    const newLevel = base + alpha * (deseasonalised - base);
    if (trend) slope = dampedSlope + betaOverAlpha * (newLevel - level - dampedSlope);
    if (season) {
      let detrended: number;
      if (season === 1) detrended = observed - base;
      else detrended = Math.abs(base) < TINY ? HUGE : observed / base;
      ring[k] = seasonal + gamma * (detrended - seasonal);
      k = k + 1 === m ? 0 : k + 1;
    }
    level = newLevel;
  }

  const finalState = output?.finalState;
  if (finalState) {
    finalState[0] = level;
    if (trend) finalState[1] = slope;
    // s1 is the term written last, at k − 1.
    if (season) for (let j = 0; j < m; j++) finalState[seasonOffset + j] = ring[(k - 1 - j + 2 * m) % m];
  }

  let lik = n * Math.log(sumSquares);
  if (multiplicativeError) lik += 2 * (sumLog + Math.log(product));
  return Number.isNaN(lik) || lik === Infinity ? NaN : lik;
}

/**
 * Point forecasts from a state: ŷ_{n+h} = (ℓ + φ_h b) ⊕ s_{h mod m}, with φ_h = φ + φ² + … + φ^h (h for φ = 1),
 * ⊕ being + for additive and × for multiplicative season (Hyndman et al. 2008, Table 2.1). Cost O(h).
 */
export function etsPointForecasts(structure: EtsStructure, phi: number, state: ArrayLike<number>, horizon: number): number[] {
  const m = structure.seasonLength;
  const seasonOffset = 1 + structure.trend;
  const slope = structure.trend ? state[1] : 0;
  const forecasts: number[] = [];
  let phiSum = phi;
  let phiPower = phi;
  for (let h = 0; h < horizon; h++) {
    const base = state[0] + phiSum * slope;
    const seasonal = structure.season ? state[seasonOffset + (m - 1 - (h % m))] : 0;
    forecasts.push(structure.season === 2 ? base * seasonal : base + seasonal);
    phiPower *= phi;
    phiSum += phi === 1 ? 1 : phiPower;
  }
  return forecasts;
}

/**
 * Simulates `paths` future sample paths of length `horizon` from the state-space model, innovations
 * ε ~ N(0, σ²) (truncated below at −1 for multiplicative error, as forecast's simulate.ets does).
 * Returns a Float64Array, step-major: value of path p at step h is at h·paths + p, so each step's values are
 * contiguous. Normal draws by Box-Muller, both values of each pair used. Cost O(paths·horizon).
 */
export function etsSimulatePaths(
  structure: EtsStructure,
  parameters: SmoothingParameters,
  state: ArrayLike<number>,
  sigma2: number,
  horizon: number,
  paths: number,
  random: Random,
): Float64Array {
  const m = structure.seasonLength;
  const { trend, season } = structure;
  const { alpha, gamma, phi } = parameters;
  const betaOverAlpha = parameters.beta / alpha;
  const seasonOffset = 1 + trend;
  const sigma = Math.sqrt(sigma2);
  const ring = new Float64Array(Math.max(m, 1));
  const out = new Float64Array(paths * horizon);
  // Second normal of the last Box-Muller pair (kept in locals, not a closure, so no number is boxed per draw).
  let spare = 0;
  let hasSpare = false;
  for (let p = 0; p < paths; p++) {
    let level = state[0];
    let slope = trend ? state[1] : 0;
    if (season) for (let i = 0; i < m; i++) ring[i] = state[seasonOffset + m - 1 - i];
    let k = 0;
    for (let h = 0; h < horizon; h++) {
      const dampedSlope = phi * slope;
      const base = level + dampedSlope;
      const seasonal = season ? ring[k] : 0;
      const forecast = season === 2 ? base * seasonal : base + seasonal;
      let normal: number;
      if (hasSpare) {
        normal = spare;
        hasSpare = false;
      } else {
        let u = 0;
        while (u === 0) u = random();
        const radius = Math.sqrt(-2 * Math.log(u));
        const angle = 2 * Math.PI * random();
        spare = radius * Math.sin(angle);
        hasSpare = true;
        normal = radius * Math.cos(angle);
      }
      const innovation = sigma * normal;
      const observed = structure.error === 1 ? forecast + innovation : forecast * (1 + Math.max(-1, innovation));
      out[h * paths + p] = observed;

      let deseasonalised: number;
      if (season === 0) deseasonalised = observed;
      else if (season === 1) deseasonalised = observed - seasonal;
      else deseasonalised = Math.abs(seasonal) < TINY ? HUGE : observed / seasonal;
      const newLevel = base + alpha * (deseasonalised - base);
      if (trend) slope = dampedSlope + betaOverAlpha * (newLevel - level - dampedSlope);
      if (season) {
        const detrended = season === 1 ? observed - base : Math.abs(base) < TINY ? HUGE : observed / base;
        ring[k] = seasonal + gamma * (detrended - seasonal);
        k = k + 1 === m ? 0 : k + 1;
      }
      level = newLevel;
    }
  }
  return out;
}

/**
 * The likelihood machinery of R's stats::arima (src/library/stats/src/arima.c), written again:
 * parameter transforms, the conditional sum of squares, the exact Gaussian likelihood by a Kalman
 * filter on the state-space form of Harvey (1989) that R uses, and Kalman forecasts.
 * Coefficients are ordered as R orders them: ar (p), ma (q), sar (P), sma (Q), then regressors.
 */

/** A seasonal ARIMA order as R's `arma` vector holds it. */
export interface SeasonalOrder {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** Seasonal period m (1 when there is no season). */
  m: number;
}

/** R's partrans: a vector of unconstrained values to the coefficients of a stationary AR polynomial (via PACF = tanh). */
function partrans(count: number, raw: ArrayLike<number>, offset: number, out: Float64Array, work: Float64Array = new Float64Array(count)): void {
  for (let j = 0; j < count; j++) work[j] = out[offset + j] = Math.tanh(raw[offset + j]);
  for (let j = 1; j < count; j++) {
    const a = out[offset + j];
    for (let k = 0; k < j; k++) work[k] -= a * out[offset + j - k - 1];
    for (let k = 0; k < j; k++) out[offset + k] = work[k];
  }
}

/** R's invpartrans: the inverse of partrans (AR coefficients to unconstrained values). */
function invpartrans(count: number, coefficients: ArrayLike<number>, offset: number, out: Float64Array): void {
  const values = new Float64Array(count);
  const work = new Float64Array(count);
  for (let j = 0; j < count; j++) work[j] = values[j] = coefficients[offset + j];
  for (let j = count - 1; j > 0; j--) {
    const a = values[j];
    for (let k = 0; k < j; k++) work[k] = (values[k] + a * values[j - k - 1]) / (1 - a * a);
    for (let k = 0; k < j; k++) values[k] = work[k];
  }
  for (let j = 0; j < count; j++) out[offset + j] = Math.atanh(values[j]);
}

/** R's ARIMA_undoPars: transformed AR blocks back to coefficients, the rest unchanged. */
export function undoTransform(params: ArrayLike<number>, order: SeasonalOrder): Float64Array {
  const out = Float64Array.from(params);
  if (order.p > 0) partrans(order.p, params, 0, out);
  if (order.P > 0) partrans(order.P, params, order.p + order.q, out);
  return out;
}

/**
 * R's ARIMA_Gradtrans: the Jacobian of the transform, A[i][j] = ∂ coefficient_j / ∂ raw_i (forward differences
 * of 1e-3), identity outside the AR blocks.
 */
export function transformJacobian(params: ArrayLike<number>, order: SeasonalOrder): Float64Array[] {
  const n = params.length;
  const eps = 1e-3;
  const A = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const block = (count: number, offset: number) => {
    const raw = Float64Array.from(params);
    const base = new Float64Array(n);
    const moved = new Float64Array(n);
    partrans(count, raw, offset, base);
    for (let i = 0; i < count; i++) {
      raw[offset + i] += eps;
      partrans(count, raw, offset, moved);
      for (let j = 0; j < count; j++) A[offset + i][offset + j] = (moved[offset + j] - base[offset + j]) / eps;
      raw[offset + i] -= eps;
    }
  };
  if (order.p > 0) block(order.p, 0);
  if (order.P > 0) block(order.P, order.p + order.q);
  return A;
}

/** R's ARIMA_Invtrans. */
export function inverseTransform(params: ArrayLike<number>, order: SeasonalOrder): Float64Array {
  const out = Float64Array.from(params);
  if (order.p > 0) invpartrans(order.p, params, 0, out);
  if (order.P > 0) invpartrans(order.P, params, order.p + order.q, out);
  return out;
}

/**
 * Buffers for the many likelihood evaluations of one model order (a BFGS fit makes hundreds): the expanded
 * polynomials, their nonzero lags and the workspace of stationaryFirstColumn and armaLikelihood, so that an
 * evaluation allocates nothing. Each function below that takes one gives the same numbers without it.
 */
export class ArmaWorkspace {
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  /** The ARMA coefficients after undoing the transform (regressors left out), and partrans's scratch. */
  readonly values: Float64Array;
  readonly transformWork: Float64Array;
  readonly arLags: Int32Array;
  arCount = 0;
  readonly maLags: Int32Array;
  maCount = 0;
  readonly r: number;
  readonly ph: Float64Array;
  readonly th: Float64Array;
  readonly psi: Float64Array;
  readonly c: Float64Array;
  readonly gamma: Float64Array;
  readonly system: Float64Array;
  readonly column: Float64Array;
  readonly a: Float64Array;
  readonly K: Float64Array;
  readonly W: Float64Array;

  constructor(arLength: number, maLength: number, parameters = 0) {
    const r = Math.max(arLength, maLength + 1);
    this.r = r;
    this.phi = new Float64Array(arLength);
    this.theta = new Float64Array(maLength);
    this.values = new Float64Array(parameters);
    this.transformWork = new Float64Array(parameters);
    this.arLags = new Int32Array(arLength);
    this.maLags = new Int32Array(maLength);
    this.ph = new Float64Array(r + 1);
    this.th = new Float64Array(r + 2);
    this.th[0] = 1;
    this.psi = new Float64Array(r + 1);
    this.c = new Float64Array(r + 2);
    this.gamma = new Float64Array(r + 2);
    this.system = new Float64Array((arLength + 1) * (arLength + 1));
    this.column = new Float64Array(r);
    this.a = new Float64Array(r);
    this.K = new Float64Array(r);
    this.W = new Float64Array(r);
  }

  static forOrder(order: SeasonalOrder): ArmaWorkspace {
    const { p, q, P, Q, m } = order;
    return new ArmaWorkspace(p + m * P, q + m * Q, p + q + P + Q);
  }

  static forPolynomials(phi: Float64Array, theta: Float64Array): ArmaWorkspace {
    const workspace = new ArmaWorkspace(phi.length, theta.length);
    workspace.setPolynomials(phi, theta);
    return workspace;
  }

  /** Takes given polynomials (of this workspace's lengths) and finds their nonzero lags. */
  setPolynomials(phi: Float64Array, theta: Float64Array): void {
    if (phi !== this.phi) this.phi.set(phi);
    if (theta !== this.theta) this.theta.set(theta);
    this.arCount = nonzeroLags(this.phi, this.arLags);
    this.maCount = nonzeroLags(this.theta, this.maLags);
    this.ph.set(this.phi);
    this.th.set(this.theta, 1);
  }

  /** R's ARIMA_transPars into phi and theta (see expandPolynomials). */
  expand(params: ArrayLike<number>, order: SeasonalOrder, transform: boolean): void {
    let values: ArrayLike<number> = params;
    if (transform && order.p + order.P > 0) {
      const out = this.values;
      for (let i = 0; i < out.length; i++) out[i] = params[i];
      if (order.p > 0) partrans(order.p, params, 0, out, this.transformWork);
      if (order.P > 0) partrans(order.P, params, order.p + order.q, out, this.transformWork);
      values = out;
    }
    expandInto(values, order, this.phi, this.theta);
    this.setPolynomials(this.phi, this.theta);
  }
}

function expandInto(values: ArrayLike<number>, order: SeasonalOrder, phi: Float64Array, theta: Float64Array): void {
  const { p, q, P, Q, m } = order;
  phi.fill(0);
  theta.fill(0);
  for (let i = 0; i < p; i++) phi[i] = values[i];
  for (let i = 0; i < q; i++) theta[i] = values[p + i];
  for (let j = 0; j < P; j++) {
    const s = values[p + q + j];
    phi[(j + 1) * m - 1] += s;
    for (let i = 0; i < p; i++) phi[(j + 1) * m + i] -= values[i] * s;
  }
  for (let j = 0; j < Q; j++) {
    const s = values[p + q + P + j];
    theta[(j + 1) * m - 1] += s;
    for (let i = 0; i < q; i++) theta[(j + 1) * m + i] += values[p + i] * s;
  }
}

/**
 * R's ARIMA_transPars: the expanded polynomials φ (length p + mP) and θ (length q + mQ) of
 * (1 − φ(B))(1 − Φ(B^m)) and (1 + θ(B))(1 + Θ(B^m)), R's sign convention (y_t = Σ φ_i y_{t−i} + e_t + Σ θ_i e_{t−i}).
 */
export function expandPolynomials(params: ArrayLike<number>, order: SeasonalOrder, transform: boolean): { phi: Float64Array; theta: Float64Array } {
  const { p, q, P, Q, m } = order;
  const values = transform ? undoTransform(params, order) : params;
  const phi = new Float64Array(p + m * P);
  const theta = new Float64Array(q + m * Q);
  expandInto(values, order, phi, theta);
  return { phi, theta };
}

/** Applies (1 − B)^d (1 − B^m)^D; the result has n − d − mD values. */
export function differenceSeries(values: ArrayLike<number>, d: number, D: number, m: number): Float64Array {
  let w = Float64Array.from(values);
  for (let k = 0; k < D; k++) w = w.subarray(m).map((v, t) => v - w[t]);
  for (let k = 0; k < d; k++) w = w.subarray(1).map((v, t) => v - w[t]);
  return w;
}

/** Writes the lags j with coefficients[j] ≠ 0 in ascending order; returns how many. */
function nonzeroLags(coefficients: Float64Array, lags: Int32Array): number {
  let count = 0;
  for (let j = 0; j < coefficients.length; j++) if (coefficients[j] !== 0) lags[count++] = j;
  return count;
}

/**
 * R's ARIMA_CSS on the differenced series w (w_t = ∇^d ∇_m^D y_t): the conditional sum of squares over its
 * count, residuals from lag p + mP of w on (R's ncond = d + mD + p + mP of y). `residuals` is workspace of
 * w.length. NaN when no residual is counted.
 */
export function conditionalSumOfSquares(
  w: ArrayLike<number>,
  residuals: Float64Array,
  workspace: ArmaWorkspace,
): number {
  const { phi, theta, arLags, maLags, arCount, maCount } = workspace;
  const n = w.length;
  const p = phi.length;
  const q = theta.length;
  const start = p;
  // Seasonal polynomials are mostly zeros: only their nonzero lags are visited (the same sums).
  let sumSquares = 0;
  // For the first q residuals only the MA lags below l − start are there; after them, every lag.
  const full = Math.min(n, start + q);
  for (let l = start; l < full; l++) {
    let e = w[l];
    for (let k = 0; k < arCount; k++) e -= phi[arLags[k]] * w[l - arLags[k] - 1];
    const lags = l - start;
    for (let k = 0; k < maCount && maLags[k] < lags; k++) e -= theta[maLags[k]] * residuals[l - maLags[k] - 1];
    residuals[l] = e;
    sumSquares += e * e;
  }
  for (let l = full; l < n; l++) {
    let e = w[l];
    for (let k = 0; k < arCount; k++) e -= phi[arLags[k]] * w[l - arLags[k] - 1];
    for (let k = 0; k < maCount; k++) e -= theta[maLags[k]] * residuals[l - maLags[k] - 1];
    residuals[l] = e;
    sumSquares += e * e;
  }
  return sumSquares / (n - start);
}

/** Solves A x = b in place (A flat, row-major n × n) by Gaussian elimination with partial pivoting; false when singular. */
function solveInPlace(a: Float64Array, b: Float64Array, n: number): boolean {
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[best * n + c])) best = r;
    const pivot = a[best * n + c];
    if (!(Math.abs(pivot) > 0)) return false;
    if (best !== c) {
      for (let k = c; k < n; k++) {
        const t = a[c * n + k];
        a[c * n + k] = a[best * n + k];
        a[best * n + k] = t;
      }
      const t = b[c];
      b[c] = b[best];
      b[best] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * b[k];
    b[r] = s / a[r * n + r];
  }
  return true;
}

/**
 * First column of the stationary covariance P0 of the ARMA state (r = max(p, q + 1), unit innovation
 * variance): P0[j][0] = Cov(a[j], y) = Σ_{k≥j} (φ_k γ(k+1−j) + θ_k ψ_{k−j}) (θ_0 = 1), from the
 * autocovariances γ(0..r) and ψ weights (Brockwell & Davis 1991, §3.3). Null when the AR part is not
 * stationary enough for the system to be solved.
 */
export function stationaryFirstColumn(
  phi: Float64Array,
  theta: Float64Array,
  workspace: ArmaWorkspace = ArmaWorkspace.forPolynomials(phi, theta),
): Float64Array | null {
  const p = phi.length;
  const q = theta.length;
  const { r, ph, th, psi, c, gamma, arLags, arCount, maLags, maCount } = workspace;
  // Only the nonzero lags of φ and θ enter the sums below (zeros add nothing: the same values, fewer steps).
  for (let j = 0; j <= r; j++) {
    let s = th[j];
    for (let k = 0; k < arCount && arLags[k] < j; k++) s += ph[arLags[k]] * psi[j - arLags[k] - 1];
    psi[j] = s;
  }
  // c_k = Σ_{j=k}^{q} θ_j ψ_{j−k}: the right-hand side of γ(k) − Σ φ_j γ(k−j).
  c.fill(0);
  for (let k = 0; k <= q; k++) {
    let s = k === 0 ? psi[0] : 0;
    for (let i = 0; i < maCount; i++) {
      const j = maLags[i] + 1;
      if (j >= k) s += th[j] * psi[j - k];
    }
    c[k] = s;
  }
  if (p > 0) {
    const size = p + 1;
    const a = workspace.system;
    a.fill(0);
    for (let k = 0; k <= p; k++) {
      a[k * size + k] += 1;
      for (let i = 0; i < arCount; i++) {
        const j = arLags[i] + 1;
        a[k * size + Math.abs(k - j)] -= ph[j - 1];
      }
      gamma[k] = c[k];
    }
    if (!solveInPlace(a, gamma, size)) return null;
  }
  for (let k = p > 0 ? p + 1 : 0; k <= r + 1; k++) {
    let s = c[k];
    for (let i = 0; i < arCount; i++) {
      const j = arLags[i] + 1;
      s += ph[j - 1] * gamma[Math.abs(k - j)];
    }
    gamma[k] = s;
  }
  if (!(gamma[0] > 0) || !Number.isFinite(gamma[0])) return null;
  const column = workspace.column;
  column[0] = gamma[0];
  for (let j = 1; j < r; j++) {
    let s = 0;
    for (let k = j; k < r; k++) if (ph[k] !== 0 || th[k] !== 0) s += ph[k] * gamma[k + 1 - j] + th[k] * psi[k - j];
    column[j] = s;
  }
  return column;
}

/**
 * The stationary covariance P0 (row-major r × r), the matrix R's getQ0 returns (Gardner et al. 1980 solve
 * the same equation P0 = T P0 T' + R R' another way): the first column as above, then the rest by the
 * equation itself, P0[i][j] = φ_i φ_j γ0 + φ_i P0[0][j+1] + φ_j P0[0][i+1] + P0[i+1][j+1] + θ_i θ_j.
 */
export function stationaryCovariance(phi: Float64Array, theta: Float64Array): Float64Array | null {
  const first = stationaryFirstColumn(phi, theta);
  if (!first) return null;
  const r = first.length;
  const ph = new Float64Array(r);
  ph.set(phi);
  const th = new Float64Array(r);
  th[0] = 1;
  th.set(theta, 1);
  const P0 = new Float64Array(r * r);
  for (let j = 0; j < r; j++) P0[j] = P0[j * r] = first[j];
  for (let i = r - 1; i >= 1; i--) {
    for (let j = r - 1; j >= i; j--) {
      let s = ph[i] * ph[j] * first[0] + th[i] * th[j];
      if (j + 1 < r) s += ph[i] * P0[j + 1];
      if (i + 1 < r) s += ph[j] * P0[i + 1];
      if (i + 1 < r && j + 1 < r) s += P0[(i + 1) * r + j + 1];
      P0[i * r + j] = P0[j * r + i] = s;
    }
  }
  return P0;
}

export interface LikelihoodParts {
  /** Σ e_t² / F_t over counted observations. */
  sumSquares: number;
  /** Σ log F_t over counted observations. */
  sumLog: number;
  count: number;
}

/**
 * Exact Gaussian likelihood of a stationary ARMA series w (already differenced, regressors removed), the
 * quantity of the d = 0 branch of R's ARIMA_Like started from P0. R filters the undifferenced series with a
 * diffuse prior (κ = 1e6) on the differencing states and leaves out observations whose gain is 1e4 or more;
 * in the limit κ → ∞ that is this likelihood of the differenced series.
 * The covariance is propagated by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974; Herbst 2015,
 * "Using the Chandrasekhar recursions for likelihood evaluation of DSGE models", Comput. Econ. 45): started
 * at the stationary P0, P_{t+1} − P_t has rank one, W_t M_t W_t', so each step costs O(r) instead of O(r²)
 * and gives the Kalman filter's innovations and gains exactly (to rounding).
 */
export function armaLikelihood(
  w: ArrayLike<number>,
  firstColumn: Float64Array,
  workspace: ArmaWorkspace,
): LikelihoodParts {
  const P0 = firstColumn;
  const n = w.length;
  // ph is φ padded with zeros to r + 1: the state and W updates are one pass each (adding 0 where φ has no lag).
  const { phi, ph, r, a, K, W } = workspace;
  const p = phi.length;
  a.fill(0);
  // K = T P Z' (unnormalised gain), W and M the rank-one factor of the covariance increment.
  for (let i = 0; i < r; i++) K[i] = (i < p ? phi[i] * P0[0] : 0) + (i < r - 1 ? P0[i + 1] : 0);
  let F = P0[0];
  W.set(K);
  let M = -1 / F;
  let logF = Math.log(F);
  let sumSquares = 0;
  let sumLog = 0;
  let count = 0;
  // Once the increments are far below rounding (|M|·|W|² < 1e-18 F), F and K stay as they are.
  let steady = false;
  const last = r - 1;
  for (let l = 0; l < n; l++) {
    const resid = w[l] - a[0];
    if (F < 1e4) {
      count++;
      sumSquares += (resid * resid) / F;
      sumLog += logF;
    }
    const scale = resid / F;
    const a0 = a[0];
    for (let i = 0; i < last; i++) a[i] = a[i + 1] + K[i] * scale + ph[i] * a0;
    a[last] = K[last] * scale + ph[last] * a0;
    if (steady) continue;
    // W ← T W − K·W_0/F and K ← K + (T W)·M·W_0, T W being W shifted up plus φ·W_0.
    const w0 = W[0];
    const gainShare = w0 / F;
    const mw = M * w0;
    let size = 0;
    for (let i = 0; i < r; i++) {
      const tw = (i < last ? W[i + 1] : 0) + ph[i] * w0;
      const next = tw - K[i] * gainShare;
      W[i] = next;
      size += next * next;
      K[i] += tw * mw;
    }
    F += mw * w0;
    M -= (mw * mw) / F;
    logF = Math.log(F);
    steady = Math.abs(M) * size < 1e-18 * F;
  }
  return { sumSquares, sumLog, count };
}

/** R's makeARIMA state after filtering, for Kalman forecasts. */
export interface StateSpace {
  phi: Float64Array;
  theta: Float64Array;
  delta: Float64Array;
  /** Filtered state and its covariance at the last observation. */
  a: Float64Array;
  P: Float64Array;
}

/** The differencing polynomial's coefficients as R's Delta: (1 − B)^d (1 − B^m)^D = 1 − Σ Δ_i B^i. */
export function differencingPolynomial(d: number, D: number, m: number): Float64Array {
  let poly = [1];
  const multiply = (other: number[]) => {
    const out = new Array(poly.length + other.length - 1).fill(0);
    poly.forEach((a, i) => other.forEach((b, j) => (out[i + j] += a * b)));
    poly = out;
  };
  for (let k = 0; k < d; k++) multiply([1, -1]);
  for (let k = 0; k < D; k++) multiply([1, ...new Array(m - 1).fill(0), -1]);
  return Float64Array.from(poly.slice(1), (c) => -c);
}

/**
 * R's ARIMA_Like in full (the undifferenced series, diffuse κ = 1e6 on the differencing states), with the
 * standardised residuals e_t / sqrt(F_t) for every observation and the final state for forecasting.
 */
export function fullLikelihood(
  y: ArrayLike<number>,
  phi: Float64Array,
  theta: Float64Array,
  delta: Float64Array,
  P0: Float64Array,
): LikelihoodParts & { residuals: Float64Array; state: StateSpace } {
  const kappa = 1e6;
  const n = y.length;
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const d = delta.length;
  const rd = r + d;
  const a = new Float64Array(rd);
  const anew = new Float64Array(rd);
  const P = new Float64Array(rd * rd);
  const Pnew = new Float64Array(rd * rd);
  const mm = new Float64Array(rd * rd);
  const M = new Float64Array(rd);
  // Column-major as R: element (i, j) at i + rd·j.
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pnew[i + rd * j] = P0[i * r + j];
  for (let i = 0; i < d; i++) Pnew[r + i + rd * (r + i)] = kappa;
  const residuals = new Float64Array(n);
  let sumSquares = 0;
  let sumLog = 0;
  let count = 0;
  for (let l = 0; l < n; l++) {
    for (let i = 0; i < r; i++) {
      let s = i < r - 1 ? a[i + 1] : 0;
      if (i < p) s += phi[i] * a[0];
      anew[i] = s;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1];
      let s = a[0];
      for (let i = 0; i < d; i++) s += delta[i] * a[r + i];
      anew[r] = s;
    }
    if (l > 0) {
      for (let i = 0; i < r; i++)
        for (let j = 0; j < rd; j++) {
          let s = 0;
          if (i < p) s += phi[i] * P[rd * j];
          if (i < r - 1) s += P[i + 1 + rd * j];
          mm[i + rd * j] = s;
        }
      if (d > 0) {
        for (let j = 0; j < rd; j++) {
          let s = P[rd * j];
          for (let k = 0; k < d; k++) s += delta[k] * P[r + k + rd * j];
          mm[r + rd * j] = s;
        }
        for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) mm[r + i + rd * j] = P[r + i - 1 + rd * j];
      }
      for (let i = 0; i < r; i++)
        for (let j = 0; j < rd; j++) {
          let s = 0;
          if (i < p) s += phi[i] * mm[j];
          if (i < r - 1) s += mm[rd * (i + 1) + j];
          Pnew[j + rd * i] = s;
        }
      if (d > 0) {
        for (let j = 0; j < rd; j++) {
          let s = mm[j];
          for (let k = 0; k < d; k++) s += delta[k] * mm[rd * (r + k) + j];
          Pnew[j + rd * r] = s;
        }
        for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = mm[rd * (r + i - 1) + j];
      }
      for (let i = 0; i <= q; i++) {
        const vi = i === 0 ? 1 : theta[i - 1];
        for (let j = 0; j <= q; j++) Pnew[i + rd * j] += vi * (j === 0 ? 1 : theta[j - 1]);
      }
    }
    let resid = y[l] - anew[0];
    for (let i = 0; i < d; i++) resid -= delta[i] * anew[r + i];
    for (let i = 0; i < rd; i++) {
      let s = Pnew[i];
      for (let k = 0; k < d; k++) s += Pnew[i + rd * (r + k)] * delta[k];
      M[i] = s;
    }
    let gain = M[0];
    for (let k = 0; k < d; k++) gain += delta[k] * M[r + k];
    if (gain < 1e4) {
      count++;
      sumSquares += (resid * resid) / gain;
      sumLog += Math.log(gain);
    }
    residuals[l] = resid / Math.sqrt(gain);
    for (let i = 0; i < rd; i++) a[i] = anew[i] + (M[i] * resid) / gain;
    for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) P[i + rd * j] = Pnew[i + rd * j] - (M[i] * M[j]) / gain;
  }
  return { sumSquares, sumLog, count, residuals, state: { phi, theta, delta, a, P } };
}

/**
 * R's KalmanForecast on the filtered state: means and the variances (in units of σ²) of 1..h steps ahead.
 */
export function kalmanForecast(state: StateSpace, h: number): { mean: number[]; variance: number[] } {
  const { phi, theta, delta, a: a0, P: P0 } = state;
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const d = delta.length;
  const rd = r + d;
  // T, V and Z of makeARIMA, column-major.
  const T = new Float64Array(rd * rd);
  for (let i = 0; i < p; i++) T[i] = phi[i];
  for (let i = 1; i < r; i++) T[i - 1 + rd * i] = 1;
  if (d > 0) {
    T[r] = 1;
    for (let k = 0; k < d; k++) T[r + rd * (r + k)] = delta[k];
    for (let i = 1; i < d; i++) T[r + i + rd * (r + i - 1)] = 1;
  }
  const R = new Float64Array(rd);
  R[0] = 1;
  for (let i = 0; i < Math.min(q, r - 1); i++) R[i + 1] = theta[i];
  const Z = new Float64Array(rd);
  Z[0] = 1;
  for (let k = 0; k < d; k++) Z[r + k] = delta[k];
  let a = Float64Array.from(a0);
  let P = Float64Array.from(P0);
  const mm = new Float64Array(rd * rd);
  const mean: number[] = [];
  const variance: number[] = [];
  for (let l = 0; l < h; l++) {
    const anew = new Float64Array(rd);
    let fc = 0;
    for (let i = 0; i < rd; i++) {
      let s = 0;
      for (let k = 0; k < rd; k++) s += T[i + rd * k] * a[k];
      anew[i] = s;
      fc += s * Z[i];
    }
    a = anew;
    mean.push(fc);
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let s = 0;
        for (let k = 0; k < rd; k++) s += T[i + rd * k] * P[k + rd * j];
        mm[i + rd * j] = s;
      }
    const next = new Float64Array(rd * rd);
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let s = R[i] * R[j];
        for (let k = 0; k < rd; k++) s += mm[i + rd * k] * T[j + rd * k];
        next[i + rd * j] = s;
      }
    P = next;
    let s = 0;
    for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) s += Z[i] * Z[j] * P[i + rd * j];
    variance.push(s);
  }
  return { mean, variance };
}

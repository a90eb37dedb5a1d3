/**
 * Heuristic initial states for ETS, as forecast's `initstate` (Hyndman et al. 2008, §2.6.1):
 * seasonal terms from a classical decomposition of the data (a trend-plus-harmonic regression when there are
 * fewer than three seasons), then level and slope from a straight line through the first max(10, 2m)
 * seasonally adjusted values. The optimiser refines them jointly with the smoothing parameters.
 */

/**
 * Least squares β = argmin ‖y − Xβ‖² by the normal equations and Gaussian elimination with partial pivoting.
 * `columns[j][i]` is x_ij. Small designs only (a handful of columns). Cost O(n·p² + p³).
 */
export function leastSquares(columns: ArrayLike<number>[], y: ArrayLike<number>): number[] {
  const p = columns.length;
  const n = y.length;
  const a: number[][] = [];
  for (let r = 0; r < p; r++) {
    const row: number[] = [];
    for (let c = 0; c < p; c++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += columns[r][i] * columns[c][i];
      row.push(sum);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += columns[r][i] * y[i];
    row.push(sum);
    a.push(row);
  }
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    if (a[c][c] === 0) throw new Error('leastSquares: singular design');
    for (let r = c + 1; r < p; r++) {
      const factor = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= factor * a[c][k];
    }
  }
  const beta = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let sum = a[r][p];
    for (let k = r + 1; k < p; k++) sum -= a[r][k] * beta[k];
    beta[r] = sum / a[r][r];
  }
  return beta;
}

/** Intercept and slope of the least-squares line through (1, y_1), …, (n, y_n), as R's lsfit(1:n, y). */
function straightLine(y: ArrayLike<number>): { intercept: number; slope: number } {
  const n = y.length;
  if (n < 2) return { intercept: y[0], slope: 0 };
  const meanT = (n + 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i];
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i + 1 - meanT) * (y[i] - meanY);
    sxx += (i + 1 - meanT) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanT, slope };
}

/**
 * Seasonal component of R's `decompose` (classical decomposition, Kendall & Stuart): a centred moving average
 * of order m (2×m for even m) as trend, the mean detrended value at each position of the cycle (counted from
 * the first observation) as the seasonal figure, normalised to sum 0 (additive) or average 1 (multiplicative).
 * Returns the figure: the seasonal value of observation t is figure[t mod m]. Needs n ≥ 2m.
 */
export function classicalSeasonalFigure(y: ArrayLike<number>, m: number, multiplicative: boolean): number[] {
  const n = y.length;
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    for (let j = -half; j <= half; j++) {
      const weight = even && Math.abs(j) === half ? 0.5 : 1;
      trend += weight * y[t + j];
    }
    trend /= m;
    sums[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    counts[t % m]++;
  }
  const figure = sums.map((sum, i) => sum / counts[i]);
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((value) => (multiplicative ? value / mean : value - mean));
}

/**
 * Initial state vector [ℓ0, b0?, s_1 … s_{m−1}] (the m-th seasonal term is implied: the terms sum to 0
 * for additive and to m for multiplicative seasonality), exactly as forecast's `initstate`.
 */
export function initialStates(y: ArrayLike<number>, trend: 0 | 1, season: 0 | 1 | 2, m: number): number[] {
  const n = y.length;
  let seasonal: number[] = [];
  let adjusted: number[] = Array.from(y);
  const seasonTerms: number[] = [];
  if (season) {
    if (n < 4) throw new Error('initialStates: needs at least four values for a seasonal model');
    const multiplicative = season === 2;
    if (n < 3 * m) {
      // Too few seasons to decompose: regress on trend and one harmonic pair (R: tslm(y ~ trend + fourier(y, 1))).
      const time = Array.from({ length: n }, (_, i) => i + 1);
      const columns: number[][] = [time.map(() => 1), time];
      if (m !== 2) columns.push(time.map((t) => Math.sin((2 * Math.PI * t) / m)));
      columns.push(time.map((t) => Math.cos((2 * Math.PI * t) / m)));
      const [a, b] = leastSquares(columns, y);
      seasonal = time.map((t, i) => (multiplicative ? y[i] / (a + b * t) : y[i] - a - b * t));
    } else {
      const figure = classicalSeasonalFigure(y, m, multiplicative);
      seasonal = Array.from({ length: n }, (_, t) => figure[t % m]);
    }
    for (let j = m - 1; j >= 1; j--) seasonTerms.push(seasonal[j]);
    if (multiplicative) {
      for (let j = 0; j < seasonTerms.length; j++) seasonTerms[j] = Math.max(seasonTerms[j], 0.01);
      const total = seasonTerms.reduce((a, b) => a + b, 0);
      if (total > m) {
        const divisor = seasonTerms.reduce((a, b) => a + b + 0.01, 0);
        for (let j = 0; j < seasonTerms.length; j++) seasonTerms[j] /= divisor;
      }
      adjusted = adjusted.map((value, t) => value / Math.max(seasonal[t], 0.01));
    } else {
      adjusted = adjusted.map((value, t) => value - seasonal[t]);
    }
  }

  const first = adjusted.slice(0, Math.min(Math.max(10, 2 * (season ? m : 1)), n));
  if (!trend) return [first.reduce((a, b) => a + b, 0) / first.length, ...seasonTerms];
  let { intercept: level, slope } = straightLine(first);
  if (Math.abs(level + slope) < 1e-8) {
    level *= 1.001;
    slope *= 0.999;
  }
  return [level, slope, ...seasonTerms];
}

/**
 * STL (Cleveland et al. 1990, "STL: a seasonal-trend decomposition procedure based on loess", J. Official
 * Statistics 6(1)) as R's stats::stl runs it (the Fortran stl.f, non-robust: inner 2, outer 0), and the
 * seasonal strength forecast::nsdiffs tests (seas.heuristic on mstl, which for one period is
 * stl(x, s.window = 11)): max(0, min(1, 1 − var(remainder) / var(remainder + seasonal))).
 */

/** Loess estimate at xs from y[nleft..nright] (1-based positions as the Fortran); null when the weights vanish. */
function estimateAt(y: Float64Array, n: number, len: number, degree: number, xs: number, nleft: number, nright: number, w: Float64Array): number | null {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    w[j] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      w[j] = r <= h1 ? 1 : (1 - (r / h) ** 3) ** 3;
      a += w[j];
    }
  }
  if (a <= 0) return null;
  for (let j = nleft; j <= nright; j++) w[j] /= a;
  if (h > 0 && degree > 0) {
    let centre = 0;
    for (let j = nleft; j <= nright; j++) centre += w[j] * j;
    let b = xs - centre;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j] * (j - centre) ** 2;
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j] *= b * (j - centre) + 1;
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j] * y[j];
  return ys;
}

/** stless: loess smooth of y[1..n] into ys[1..n], evaluated every `jump` points and interpolated between. */
function smooth(y: Float64Array, n: number, len: number, degree: number, jump: number, ys: Float64Array, work: Float64Array): void {
  if (n < 2) {
    ys[1] = y[1];
    return;
  }
  const newJump = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  if (len >= n) {
    for (let i = 1; i <= n; i += newJump) ys[i] = estimateAt(y, n, len, degree, i, 1, n, work) ?? y[i];
  } else if (newJump === 1) {
    const half = Math.trunc((len + 1) / 2);
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > half && nright !== n) {
        nleft++;
        nright++;
      }
      ys[i] = estimateAt(y, n, len, degree, i, nleft, nright, work) ?? y[i];
    }
  } else {
    const half = Math.trunc((len + 1) / 2);
    for (let i = 1; i <= n; i += newJump) {
      if (i < half) {
        nleft = 1;
        nright = len;
      } else if (i >= n - half + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = len + i - half;
      }
      ys[i] = estimateAt(y, n, len, degree, i, nleft, nright, work) ?? y[i];
    }
  }
  if (newJump !== 1) {
    for (let i = 1; i <= n - newJump; i += newJump) {
      const delta = (ys[i + newJump] - ys[i]) / newJump;
      for (let j = i + 1; j < i + newJump; j++) ys[j] = ys[i] + delta * (j - i);
    }
    const k = Math.trunc((n - 1) / newJump) * newJump + 1;
    if (k !== n) {
      ys[n] = estimateAt(y, n, len, degree, n, nleft, nright, work) ?? y[n];
      if (k !== n - 1) {
        const delta = (ys[n] - ys[k]) / (n - k);
        for (let j = k + 1; j < n; j++) ys[j] = ys[k] + delta * (j - k);
      }
    }
  }
}

/** stlma: moving average of length len over x[1..n] into out[1..n−len+1]. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  const count = n - len + 1;
  let v = 0;
  for (let i = 1; i <= len; i++) v += x[i];
  out[1] = v / len;
  for (let j = 2; j <= count; j++) {
    v = v - x[j - 1] + x[len + j - 1];
    out[j] = v / len;
  }
}

function nextOdd(x: number): number {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
}

/** Seasonal and trend components of y with period m by R's stl(y, s.window) defaults (robust = FALSE). */
export function stl(values: ArrayLike<number>, m: number, sWindow = 11): { seasonal: Float64Array; trend: Float64Array } {
  const n = values.length;
  if (m < 2 || n <= 2 * m) throw new Error('stl: needs a period of 2 or more and more than two periods of data');
  const ns = Math.max(3, nextOdd(sWindow));
  const nt = Math.max(3, nextOdd(Math.ceil((1.5 * m) / (1 - 1.5 / sWindow))));
  const nl = Math.max(3, nextOdd(m));
  const sJump = Math.ceil(ns / 10);
  const tJump = Math.ceil(nt / 10);
  const lJump = Math.ceil(nl / 10);
  const sDegree = 0;
  const tDegree = 1;
  const lDegree = 1;
  // 1-based arrays as the Fortran; the seasonal work array spans n + 2m.
  const y = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) y[i + 1] = values[i];
  const size = n + 2 * m + 2;
  const trend = new Float64Array(n + 1);
  const season = new Float64Array(n + 1);
  const w1 = new Float64Array(size);
  const w2 = new Float64Array(size);
  const w3 = new Float64Array(size);
  const w4 = new Float64Array(size);
  const cycle = new Float64Array(size);
  const cycleSmooth = new Float64Array(size);
  const weights = new Float64Array(size);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 1; i <= n; i++) w1[i] = y[i] - trend[i];
    // stlss: smooth each cycle-subseries, extended one period at each end (into w2[1..n + 2m]).
    for (let j = 1; j <= m; j++) {
      const k = Math.trunc((n - j) / m) + 1;
      for (let i = 1; i <= k; i++) cycle[i] = w1[(i - 1) * m + j];
      const smoothed = cycleSmooth.subarray(1);
      smooth(cycle, k, ns, sDegree, sJump, smoothed, weights);
      // smoothed[1..k] holds positions 2..k+1 of cycleSmooth; ends extrapolated at 0 and k + 1.
      const left = estimateAt(cycle, k, ns, sDegree, 0, 1, Math.min(ns, k), weights);
      cycleSmooth[1] = left ?? cycleSmooth[2];
      const right = estimateAt(cycle, k, ns, sDegree, k + 1, Math.max(1, k - ns + 1), k, weights);
      cycleSmooth[k + 2] = right ?? cycleSmooth[k + 1];
      for (let i = 1; i <= k + 2; i++) w2[(i - 1) * m + j] = cycleSmooth[i];
    }
    // stlfts: moving averages m, m, 3 of the extended seasonal, then a low-pass loess.
    movingAverage(w2, n + 2 * m, m, w3);
    movingAverage(w3, n + m + 1, m, w1);
    movingAverage(w1, n + 2, 3, w3);
    smooth(w3, n, nl, lDegree, lJump, w1, w4);
    for (let i = 1; i <= n; i++) season[i] = w2[m + i] - w1[i];
    for (let i = 1; i <= n; i++) w1[i] = y[i] - season[i];
    smooth(w1, n, nt, tDegree, tJump, trend, w3);
  }
  return { seasonal: season.slice(1), trend: trend.slice(1) };
}

function variance(values: ArrayLike<number>): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i] - mean) ** 2;
  return s / (n - 1);
}

/** forecast's seas.heuristic: strength of the STL seasonal component, in [0, 1]. */
export function seasonalStrength(values: ArrayLike<number>, m: number): number {
  const { seasonal, trend } = stl(values, m);
  const remainder = Float64Array.from(values, (v, t) => v - seasonal[t] - trend[t]);
  const withSeason = Float64Array.from(remainder, (e, t) => e + seasonal[t]);
  return Math.max(0, Math.min(1, 1 - variance(remainder) / variance(withSeason)));
}

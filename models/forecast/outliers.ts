/**
 * History cleaning and bias checks: outliers (as R's forecast::tsoutliers), level shifts and the tracking signal.
 *
 * tsoutliers (forecast 8.20, R/clean.R): seasonally adjust when the season is strong, smooth with Friedman's super
 * smoother, call a residual an outlier when it lies more than 3 interquartile ranges outside the quartiles, replace
 * outliers by interpolation, and look once more on the replaced series. Here the non-seasonal path is the same
 * computation (goldens from tsoutliers in test/fixtures/golden/r/outliers.R); the seasonal path adjusts with a
 * classical decomposition whose seasonal figure is the median at each position instead of R's robust STL (mstl), so
 * seasonal series match R in the weeks flagged, not in every replacement value.
 */

export interface OutlierResult {
  /** 0-based positions flagged as outliers, ascending. */
  index: number[];
  /** The value that replaces each flagged position, in the order of `index`. */
  replacements: number[];
}

export interface CleanedHistory {
  /** The series with outliers replaced; other values (NaN included) as given. */
  values: number[];
  outliers: OutlierResult;
  /** Where a level shift starts (0-based), when the recent values moved to a new level; null otherwise. */
  levelShiftAt: number | null;
}

export interface CleanHistoryOptions {
  seasonLength: number;
  /** Positions that events (promotions, price changes) explain: never cleaned. */
  explained?: boolean[];
  /** The last `protectRecent` values are never cleaned: a rise this week may be the start of a surge, for sensing to judge. */
  protectRecent?: number;
}

// Fortran's single-precision constants in R's ppr.f (data spans /0.05,0.2,0.5/, eps 1.0e-3), as the double R uses.
const SPANS = [Math.fround(0.05), Math.fround(0.2), Math.fround(0.5)] as const;
const SLOPE_EPSILON = Math.fround(1e-3);
/** Positions on each side averaged into a seasonal figure (see seasonalComponent). */
const FIGURE_REACH = 2;

/**
 * A running-line smoother on x = 1..n with unit weights (Friedman 1984, "A variable span smoother", Stanford LCS
 * Tech. Rep. 5): at each point the least-squares line through the `span`·n nearest points. With `crossValidated`,
 * also each point's leave-one-out absolute residual |y − ŷ| / (1 − leverage).
 */
function runningLines(y: number[], span: number, slopeFloor: number, crossValidated: boolean): { smooth: number[]; cvResidual: number[] } {
  const n = y.length;
  const halfWidth = Math.max(2, Math.trunc(0.5 * span * n + 0.5));
  const first = Math.min(2 * halfWidth + 1, n);
  let xMean = 0;
  let yMean = 0;
  let xVariance = 0;
  let covariance = 0;
  let count = 0;
  const add = (x: number, value: number) => {
    const before = count;
    count += 1;
    xMean = (before * xMean + x) / count;
    yMean = (before * yMean + value) / count;
    const weight = before > 0 ? (count * (x - xMean)) / before : 0;
    xVariance += weight * (x - xMean);
    covariance += weight * (value - yMean);
  };
  const remove = (x: number, value: number) => {
    const before = count;
    count -= 1;
    const weight = count > 0 ? (before * (x - xMean)) / count : 0;
    xVariance -= weight * (x - xMean);
    covariance -= weight * (value - yMean);
    if (count > 0) {
      xMean = (before * xMean - x) / count;
      yMean = (before * yMean - value) / count;
    }
  };
  for (let i = 1; i <= first; i++) add(i, y[i - 1]);
  const smooth = new Array<number>(n);
  const cvResidual = new Array<number>(n).fill(0);
  for (let j = 1; j <= n; j++) {
    const out = j - halfWidth - 1;
    const into = j + halfWidth;
    if (out >= 1 && into <= n) {
      remove(out, y[out - 1]);
      add(into, y[into - 1]);
    }
    const slope = xVariance > slopeFloor ? covariance / xVariance : 0;
    smooth[j - 1] = slope * (j - xMean) + yMean;
    if (!crossValidated) continue;
    let leverage = count > 0 ? 1 / count : 0;
    if (xVariance > slopeFloor) leverage += (j - xMean) ** 2 / xVariance;
    const denominator = 1 - leverage;
    if (denominator > 0) cvResidual[j - 1] = Math.abs(y[j - 1] - smooth[j - 1]) / denominator;
    else if (j > 1) cvResidual[j - 1] = cvResidual[j - 2];
  }
  return { smooth, cvResidual };
}

/**
 * Friedman's super smoother with automatic span and no bass enhancement, as R's stats::supsmu(1:n, y): three
 * running-line smoothers (spans 0.05, 0.2, 0.5 of n), the span at each point chosen by smoothed cross-validated
 * residuals, the chosen spans smoothed and the fits interpolated between them, and a final tweeter pass.
 */
export function superSmoother(y: number[]): number[] {
  const n = y.length;
  if (n < 4) throw new Error('superSmoother: needs at least 4 values');
  if (y.some((value) => !Number.isFinite(value))) throw new Error('superSmoother: values must be finite');
  const quarter = Math.trunc(n / 4);
  const slopeFloor = (SLOPE_EPSILON * (3 * quarter - quarter)) ** 2;
  const fits = SPANS.map((span) => {
    const { smooth, cvResidual } = runningLines(y, span, slopeFloor, true);
    return { smooth, residual: runningLines(cvResidual, SPANS[1], slopeFloor, false).smooth };
  });
  const bestSpan = y.map((_, j) => {
    let best = Number.POSITIVE_INFINITY;
    let span: number = SPANS[0];
    fits.forEach((fit, i) => {
      if (fit.residual[j] < best) {
        best = fit.residual[j];
        span = SPANS[i];
      }
    });
    return span;
  });
  const spanCurve = runningLines(bestSpan, SPANS[1], slopeFloor, false).smooth;
  const blended = spanCurve.map((raw, j) => {
    const span = Math.min(Math.max(raw, SPANS[0]), SPANS[2]);
    const offset = span - SPANS[1];
    if (offset < 0) {
      const share = -offset / (SPANS[1] - SPANS[0]);
      return (1 - share) * fits[1].smooth[j] + share * fits[0].smooth[j];
    }
    const share = offset / (SPANS[2] - SPANS[1]);
    return (1 - share) * fits[1].smooth[j] + share * fits[2].smooth[j];
  });
  return runningLines(blended, SPANS[0], slopeFloor, false).smooth;
}

/** Linear interpolation over NaN, the nearest value at the ends (R's approx(rule = 2), na.interp's linear case). */
export function interpolateGaps(values: number[]): number[] {
  const known = values.flatMap((value, index) => (Number.isFinite(value) ? [index] : []));
  if (known.length === 0) return values.slice();
  return values.map((value, index) => {
    if (Number.isFinite(value)) return value;
    const after = known.findIndex((position) => position > index);
    if (after === -1) return values[known[known.length - 1]];
    if (after === 0) return values[known[0]];
    const left = known[after - 1];
    const right = known[after];
    return values[left] + ((values[right] - values[left]) * (index - left)) / (right - left);
  });
}

function variance(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((sum, value) => sum + value, 0) / finite.length;
  return finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (finite.length - 1);
}

/** R's default quantile (type 7): linear between order statistics at (n − 1)·p. */
function quantileType7(values: number[], probability: number): number {
  // A typed array sorts numerically without a comparator call per pair.
  return quantileOfSorted(Float64Array.from(values).sort(), probability);
}

function quantileOfSorted(sorted: ArrayLike<number>, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

function median(values: number[]): number {
  return quantileType7(values, 0.5);
}

/** The first position among `sorted`'s first `length` values whose value is not below `value` (binary search). */
function firstNotBelow(sorted: Float64Array, length: number, value: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The median of each window of 2·half + 1 values centred on t, NaN where the window runs off either end: the window
 * is kept sorted as it slides (one value out, one in, each placed by binary search) instead of sorted afresh at
 * every t, a tenth of the work at a weekly season (windows of 53). The same medians as sorting each window.
 */
export function centredRunningMedian(values: number[], half: number): number[] {
  const n = values.length;
  const width = 2 * half + 1;
  const medians = new Array<number>(n).fill(Number.NaN);
  if (width > n) return medians;
  const window = Float64Array.from(values.slice(0, width)).sort();
  for (let t = half; t + half < n; t++) {
    if (t > half) {
      const leaving = firstNotBelow(window, width, values[t - half - 1]);
      window.copyWithin(leaving, leaving + 1);
      // Among the width − 1 values left (the last slot is free).
      const entering = values[t + half];
      const place = firstNotBelow(window, width - 1, entering);
      window.copyWithin(place + 1, place, width - 1);
      window[place] = entering;
    }
    medians[t] = quantileOfSorted(window, 0.5);
  }
  return medians;
}

/**
 * Additive seasonal component and its strength, 1 − var(remainder)/var(detrended) (tsoutliers adjusts when it is at
 * least 0.6). Robust to the outliers being looked for: trend the centred running median over one season (the ends
 * carried flat), seasonal figure the median detrended value at each position, centred on zero.
 */
function seasonalComponent(values: number[], seasonLength: number): { seasonal: number[]; strength: number } {
  const n = values.length;
  const m = seasonLength;
  const half = Math.floor(m / 2);
  // The sliding window needs ordered values: a series with no known value at all (NaN throughout) takes the plain way.
  const centred = values.every(Number.isFinite)
    ? centredRunningMedian(values, half)
    : values.map((_, t) => (t - half < 0 || t + half >= n ? Number.NaN : median(values.slice(t - half, t + half + 1))));
  const trend = interpolateGaps(centred);
  const figure = Array.from({ length: m }, (_, position) => {
    const detrended: number[] = [];
    for (let t = position; t < n; t += m) detrended.push(values[t] - trend[t]);
    return median(detrended);
  });
  // Averaged over neighbouring positions (circularly), as STL smooths its seasonal: with few seasons a position's
  // median is one of its own values, which would leave its residual at zero and shrink the spread outliers are judged by.
  const reach = Math.min(FIGURE_REACH, Math.floor((m - 1) / 2));
  const smoothed = figure.map((_, p) => {
    let sum = 0;
    for (let k = -reach; k <= reach; k++) sum += figure[(p + k + m) % m];
    return sum / (2 * reach + 1);
  });
  const level = smoothed.reduce((sum, value) => sum + value, 0) / m;
  const seasonal = values.map((_, t) => smoothed[t % m] - level);
  const detrended = values.map((value, t) => value - trend[t]);
  const remainder = detrended.map((value, t) => value - seasonal[t]);
  return { seasonal, strength: 1 - variance(remainder) / variance(detrended) };
}

/** One pass of tsoutliers: positions whose smoother residual lies beyond the quartiles ± 3 IQR. */
function outlierPass(values: number[], seasonLength: number): number[] {
  const n = values.length;
  const missing = values.map((value) => !Number.isFinite(value));
  let filled = interpolateGaps(values);
  if (filled.every((value) => value === filled[0])) return [];
  if (seasonLength > 1 && n > 2 * seasonLength) {
    const { seasonal, strength } = seasonalComponent(filled, seasonLength);
    if (strength >= 0.6) filled = filled.map((value, t) => value - seasonal[t]);
  }
  const smooth = superSmoother(filled);
  const residuals = filled.map((value, t) => (missing[t] ? Number.NaN : value - smooth[t]));
  const finite = residuals.filter(Number.isFinite);
  const lowerQuartile = quantileType7(finite, 0.25);
  const upperQuartile = quantileType7(finite, 0.75);
  const spread = upperQuartile - lowerQuartile;
  const low = lowerQuartile - 3 * spread;
  const high = upperQuartile + 3 * spread;
  if (high - low <= 1e-14) return [];
  return residuals.flatMap((residual, t) => (residual < low || residual > high ? [t] : []));
}

/**
 * The series with the flagged positions and any gaps filled, as na.interp: with more than two seasons of known
 * values, interpolated on the seasonally adjusted series and the season added back; otherwise linearly.
 */
function fillAt(values: number[], flagged: Set<number>, seasonLength: number): number[] {
  const holed = values.map((value, t) => (flagged.has(t) ? Number.NaN : value));
  if (seasonLength > 1 && holed.filter(Number.isFinite).length > 2 * seasonLength) {
    const { seasonal } = seasonalComponent(interpolateGaps(holed), seasonLength);
    const adjusted = interpolateGaps(holed.map((value, t) => value - seasonal[t]));
    return holed.map((value, t) => (Number.isFinite(value) ? value : adjusted[t] + seasonal[t]));
  }
  return interpolateGaps(holed);
}

/**
 * Outliers of a series and their replacements, as forecast::tsoutliers(x, iterate = 2): NaN is missing, never an
 * outlier on the first pass; the second pass looks at the series with the first pass's outliers and gaps filled.
 * Fewer than 4 known values give no outliers.
 */
export function findOutliers(values: number[], seasonLength: number): OutlierResult {
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new Error('findOutliers: seasonLength must be a positive integer');
  if (values.filter(Number.isFinite).length < 4) return { index: [], replacements: [] };
  const first = outlierPass(values, seasonLength);
  let filled = fillAt(values, new Set(first), seasonLength);
  const second = outlierPass(filled, seasonLength);
  const index = [...new Set([...first, ...second])].sort((a, b) => a - b);
  if (second.length > 0) filled = fillAt(filled, new Set(index), seasonLength);
  return { index, replacements: index.map((t) => filled[t]) };
}

/**
 * Where the series settled on a new level: the earliest split point (at least 2·`minimumRun` values before it,
 * `minimumRun` after) from which every later value lies more than `threshold` robust standard deviations
 * (1.4826 · MAD) of the earlier values away from their median, all on one side. Null when there is none. Only
 * searched when the last `minimumRun` values pass that test against everything before them (one sort for most
 * series): a shift older than half the history has already become the level the models see.
 */
export function findLevelShift(values: number[], options: { minimumRun?: number; threshold?: number } = {}): number | null {
  const minimumRun = options.minimumRun ?? 4;
  const threshold = options.threshold ?? 3;
  const positions = values.flatMap((value, t) => (Number.isFinite(value) ? [t] : []));
  const finite = positions.map((t) => values[t]);
  const shiftedFrom = (start: number): boolean => {
    const before = finite.slice(0, start);
    const centre = median(before);
    const limit = threshold * 1.4826 * median(before.map((value) => Math.abs(value - centre)));
    if (limit === 0) return false;
    const after = finite.slice(start);
    const side = Math.sign(after[0] - centre);
    return after.every((value) => Math.sign(value - centre) === side && Math.abs(value - centre) > limit);
  };
  if (finite.length < 3 * minimumRun || !shiftedFrom(finite.length - minimumRun)) return null;
  for (let start = 2 * minimumRun; start <= finite.length - minimumRun; start++) {
    if (shiftedFrom(start)) return positions[start];
  }
  return null;
}

/**
 * History for fitting: outliers replaced (findOutliers), except in positions an event explains. The last
 * `protectRecent` values and the run after a level shift (a new level is demand, not an outlier) are neither
 * cleaned nor looked at: a high last week would bend the smoother's end and make its neighbours look low.
 */
export function cleanHistory(values: number[], options: CleanHistoryOptions): CleanedHistory {
  const levelShiftAt = findLevelShift(values);
  const protectFrom = Math.max(0, Math.min(values.length - (options.protectRecent ?? 0), levelShiftAt ?? values.length));
  const found = findOutliers(values.slice(0, protectFrom), options.seasonLength);
  const kept = found.index.flatMap((t, k) => (options.explained?.[t] ? [] : [[t, found.replacements[k]] as const]));
  const cleaned = values.slice();
  for (const [t, replacement] of kept) cleaned[t] = replacement;
  return {
    values: cleaned,
    outliers: { index: kept.map(([t]) => t), replacements: kept.map(([, replacement]) => replacement) },
    levelShiftAt,
  };
}

/**
 * Tracking signal over the last `periods` errors (actual − forecast): their sum divided by their mean absolute
 * value (Brown 1959; Silver, Pyke & Peterson, Inventory Management and Production Planning and Scheduling, 3rd ed.
 * §4.8). Between −periods and +periods; beyond ±4 over 8 periods the forecast is biased. 0 when every error is 0.
 */
export function trackingSignal(errors: number[], periods = 8): number {
  if (!Number.isInteger(periods) || periods < 1) throw new Error('trackingSignal: periods must be a positive integer');
  const recent = errors.filter(Number.isFinite).slice(-periods);
  const absoluteSum = recent.reduce((sum, error) => sum + Math.abs(error), 0);
  if (absoluteSum === 0) return 0;
  const sum = recent.reduce((total, error) => total + error, 0);
  return sum / (absoluteSum / recent.length);
}

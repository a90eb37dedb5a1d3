/**
 * The tail of forecast errors pooled over a group of series (the plan stage: one demand class of a run), and each
 * series' tail moved toward it. Above 80 % a series' error quantile rests on the few errors beyond it (a few dozen
 * errors put none beyond the 98 %): an item whose history had no promotion cannot know how far its demand may jump,
 * and a class of items can. What lies beyond the 80 % quantile of smooth demand is mostly such jumps (promotions, a
 * big customer's order), which scale with the level of demand: the tail is pooled as a share of the forecast, the body
 * (up to 80 %) stays the series' own, since its noise does not scale so (Poisson noise shrinks with volume).
 */
import { protectionErrorProbabilities, tailThreshold, type ProtectionErrorSummary } from '../forecast/protection-errors';
import { demandOverHorizon } from './levels';

/** Per horizon, the mean over the series of the excess of each quantile over the 80 % quantile, as a share of the forecast over that horizon. */
export interface PooledTail {
  horizons: number[];
  /** rows[i][j]: at horizons[i] and protectionErrorProbabilities[j]; 0 at 80 % and below. */
  rows: number[][];
  /** Series averaged at each horizon. */
  counts: number[];
}

export interface TailSeries {
  summary: ProtectionErrorSummary;
  /** The forecast mean per period: what absolute errors are shares of. */
  forecastMean: readonly number[];
}

const tailIndex = protectionErrorProbabilities.indexOf(tailThreshold);

/**
 * Units one error of `summary` at `horizon` is in, as a share of the forecast: 1 for relative errors, else the forecast
 * over the horizon; NaN (no unit: the series is left out of the pool and keeps its own tail) when a forecast value is
 * not a demand (below zero or not finite), so one such series never stops the pool of its class.
 */
function shareUnit(summary: ProtectionErrorSummary, forecastMean: readonly number[], horizon: number): number {
  if (summary.scale === 'relative') return 1;
  return forecastMean.every((value) => value >= 0 && Number.isFinite(value)) ? demandOverHorizon([...forecastMean], horizon) : Number.NaN;
}

/**
 * The group's tail: per horizon, the mean over the series of (q(p) − q(80 %)) / forecast over the horizon (relative
 * errors are shares already). Averaging quantiles rather than probabilities ("Vincentization": Ratcliff 1979,
 * Psychological Bulletin 86; Lichtendahl, Grushka-Cockayne and Winkler 2013, Management Science 59) gives the quantile
 * function of the group's typical member. Series without forecast demand at a horizon are left out there, and so is a
 * horizon fewer than `minimumSeries` series have; null when no horizon is left.
 */
export function pooledTail(series: readonly TailSeries[], minimumSeries = 1): PooledTail | null {
  if (!(Number.isInteger(minimumSeries) && minimumSeries >= 1)) throw new Error(`pooledTail: minimumSeries must be a whole number ≥ 1, got ${minimumSeries}`);
  const sums = new Map<number, { total: number[]; count: number }>();
  for (const { summary, forecastMean } of series) {
    summary.horizons.forEach((horizon, i) => {
      const unit = shareUnit(summary, forecastMean, horizon);
      const quantiles = summary.rows[i].slice(1);
      if (!(unit > 0) || !quantiles.every(Number.isFinite)) return;
      const entry = sums.get(horizon) ?? { total: quantiles.map(() => 0), count: 0 };
      quantiles.forEach((q, j) => (entry.total[j] += j > tailIndex ? Math.max(0, q - quantiles[tailIndex]) / unit : 0));
      entry.count += 1;
      sums.set(horizon, entry);
    });
  }
  const horizons = [...sums.keys()].filter((h) => sums.get(h)!.count >= minimumSeries).sort((a, b) => a - b);
  if (horizons.length === 0) return null;
  return {
    horizons,
    rows: horizons.map((h) => sums.get(h)!.total.map((sum) => sum / sums.get(h)!.count)),
    counts: horizons.map((h) => sums.get(h)!.count),
  };
}

/**
 * `summary` with its quantiles above 80 % moved a share `weight` of the way to the pooled tail:
 * q'(p) = q(80 %) + (1 − w)·(q(p) − q(80 %)) + w·t(p)·u, t the pooled excess and u the share's unit (1, or the
 * forecast over the horizon). The credibility-weighted mix of one risk's own estimate and the collective's (Bühlmann
 * 1967, ASTIN Bulletin 4: premium = Z·own + (1 − Z)·collective). The root mean square, the body and any horizon the
 * pool lacks stay as they were.
 */
export function shrinkTailTowardPool(summary: ProtectionErrorSummary, forecastMean: readonly number[], pool: PooledTail, weight: number): ProtectionErrorSummary {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`shrinkTailTowardPool: weight must be in [0, 1], got ${weight}`);
  const rows = summary.rows.map((row, i) => {
    const k = pool.horizons.indexOf(summary.horizons[i]);
    const unit = shareUnit(summary, forecastMean, summary.horizons[i]);
    if (k < 0 || !(unit > 0)) return row;
    const [rootMeanSquare, ...quantiles] = row;
    const base = quantiles[tailIndex];
    return [rootMeanSquare, ...quantiles.map((q, j) => (j > tailIndex ? base + (1 - weight) * Math.max(0, q - base) + weight * pool.rows[k][j] * unit : q))];
  });
  return { ...summary, rows };
}

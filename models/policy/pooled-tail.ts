/**
 * The tail of forecast errors pooled over a group of series (the plan stage: one demand class of a run), and each
 * series' tail moved toward it. Above 80 % a series' error quantile rests on the few errors beyond it (a few dozen
 * errors put none beyond the 98 %): an item whose history had no promotion cannot know how far its demand may jump,
 * and a class of items can. What lies beyond the 80 % quantile of smooth demand is mostly such jumps (promotions, a
 * big customer's order), which scale with the level of demand and with how erratic the item is: the tail is pooled in
 * units of forecast^(1 − β) · spread^β (the spread the series' own q80 − q50, β the pool's spreadExponent), the body
 * (up to 80 %) stays the series' own, since its noise does not scale so (Poisson noise shrinks with volume).
 */
import { protectionErrorProbabilities, tailThreshold, type ProtectionErrorSummary } from '../forecast/protection-errors';
import { demandOverHorizon } from './levels';

/** Per horizon, the mean over the series of the excess of each quantile over the 80 % quantile, in each series' tail unit (tailUnit). */
export interface PooledTail {
  horizons: number[];
  /** rows[i][j]: at horizons[i] and protectionErrorProbabilities[j]; 0 at 80 % and below. */
  rows: number[][];
  /** Series averaged at each horizon. */
  counts: number[];
  /** β of the tail unit the rows are in: 0 a share of the forecast, 1 a multiple of the series' own spread. */
  spreadExponent: number;
}

export interface TailSeries {
  summary: ProtectionErrorSummary;
  /** The forecast mean per period: what absolute errors are shares of. */
  forecastMean: readonly number[];
}

const tailIndex = protectionErrorProbabilities.indexOf(tailThreshold);

/**
 * The unit one error of `summary` at `horizon` is measured in: level^(1 − β) · spread^β, the level the forecast over
 * the horizon (1 for relative errors, shares of it already) and the spread the series' own q80 − q50 there. At β = 0 a
 * share of the forecast: two items of equal volume get the same tail, though one sells in steady dribbles and the other
 * in lumps. At β = 1 a multiple of the item's spread: the quantile function's shape is pooled, and an item whose few
 * errors happen to be tight gets a tight tail too. NaN (no unit: the series is left out of the pool and keeps its own
 * tail) when a forecast value is not a demand (below zero or not finite), or when β > 0 and the spread is not above
 * zero, so one such series never stops the pool of its class.
 */
function tailUnit(summary: ProtectionErrorSummary, forecastMean: readonly number[], horizonIndex: number, spreadExponent: number): number {
  const level = summary.scale === 'relative' ? 1 : forecastMean.every((value) => value >= 0 && Number.isFinite(value)) ? demandOverHorizon([...forecastMean], summary.horizons[horizonIndex]) : Number.NaN;
  if (spreadExponent === 0) return level;
  const row = summary.rows[horizonIndex];
  const spread = row[1 + tailIndex] - row[1];
  return spread > 0 ? level ** (1 - spreadExponent) * spread ** spreadExponent : Number.NaN;
}

/**
 * The group's tail: per horizon, the mean over the series of (q(p) − q(80 %)) / tail unit (tailUnit, with β =
 * `spreadExponent`). Averaging quantiles rather than probabilities ("Vincentization": Ratcliff 1979,
 * Psychological Bulletin 86; Lichtendahl, Grushka-Cockayne and Winkler 2013, Management Science 59) gives the quantile
 * function of the group's typical member. Series without forecast demand at a horizon are left out there, and so is a
 * horizon fewer than `minimumSeries` series have; null when no horizon is left.
 */
export function pooledTail(series: readonly TailSeries[], minimumSeries = 1, spreadExponent = 0): PooledTail | null {
  if (!(Number.isInteger(minimumSeries) && minimumSeries >= 1)) throw new Error(`pooledTail: minimumSeries must be a whole number ≥ 1, got ${minimumSeries}`);
  if (!(spreadExponent >= 0 && spreadExponent <= 1)) throw new Error(`pooledTail: spreadExponent must be in [0, 1], got ${spreadExponent}`);
  const sums = new Map<number, { total: number[]; count: number }>();
  for (const { summary, forecastMean } of series) {
    summary.horizons.forEach((horizon, i) => {
      const unit = tailUnit(summary, forecastMean, i, spreadExponent);
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
    spreadExponent,
  };
}

/**
 * `summary` with its quantiles above 80 % moved a share `weight` of the way to the pooled tail:
 * q'(p) = q(80 %) + (1 − w)·(q(p) − q(80 %)) + w·t(p)·u, t the pooled excess and u the series' tail unit (tailUnit,
 * with the pool's β). The credibility-weighted mix of one risk's own estimate and the collective's (Bühlmann
 * 1967, ASTIN Bulletin 4: premium = Z·own + (1 − Z)·collective). The root mean square, the body and any horizon the
 * pool lacks stay as they were.
 */
export function shrinkTailTowardPool(summary: ProtectionErrorSummary, forecastMean: readonly number[], pool: PooledTail, weight: number): ProtectionErrorSummary {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`shrinkTailTowardPool: weight must be in [0, 1], got ${weight}`);
  const rows = summary.rows.map((row, i) => {
    const k = pool.horizons.indexOf(summary.horizons[i]);
    const unit = tailUnit(summary, forecastMean, i, pool.spreadExponent);
    if (k < 0 || !(unit > 0)) return row;
    const [rootMeanSquare, ...quantiles] = row;
    const base = quantiles[tailIndex];
    return [rootMeanSquare, ...quantiles.map((q, j) => (j > tailIndex ? base + (1 - weight) * Math.max(0, q - base) + weight * pool.rows[k][j] * unit : q))];
  });
  return { ...summary, rows };
}

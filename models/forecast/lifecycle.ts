/**
 * New and dying items. A new item (fewer than NEW_ITEM_PERIODS of its own sales) is forecast from a reference
 * series, a like item's or its category's profile, scaled to its own first periods (the "analogous series" method
 * of forecasting new products: Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., §6.6
 * "Forecasting by analogy"). A dying item has gone without a sale for clearly longer than its usual interval.
 */

/** Periods of own sales from which an item's own history is forecast (before: a reference). */
export const NEW_ITEM_PERIODS = 8;

/**
 * A category's profile: per period, the mean demand of its items that were selling then (NaN marks a period before
 * an item's first sale, left out of the mean); NaN where none was.
 */
export function categoryProfile(series: number[][]): number[] {
  const length = Math.max(0, ...series.map((one) => one.length));
  return Array.from({ length }, (_, t) => {
    const values = series.map((one) => one[t]).filter(Number.isFinite);
    return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
  });
}

/**
 * The series a new item is forecast from: `reference` (aligned so that its last period is the item's last, NaN
 * before it started) from its first known period on, times scale = Σ own / Σ reference over the item's own periods
 * (the last own.length). With no own periods the scale is 1 (a like item, before the first sale). Null when the
 * reference has no known demand over those periods (nothing to scale by) or fewer than NEW_ITEM_PERIODS known values.
 */
export function newItemBasis(reference: number[], own: number[]): { series: number[]; scale: number } | null {
  const first = reference.findIndex(Number.isFinite);
  if (first === -1) return null;
  const known = reference.slice(first);
  if (known.filter(Number.isFinite).length < NEW_ITEM_PERIODS) return null;
  let scale = 1;
  if (own.length > 0) {
    const overlap = reference.slice(reference.length - own.length);
    const referenceSum = overlap.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
    if (!(referenceSum > 0)) return null;
    scale = own.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0) / referenceSum;
  }
  return { series: known.map((value) => value * scale), scale };
}

export interface DyingSignal {
  periodsSinceLastSale: number;
  /** Mean periods between sales before the last one. */
  usualInterval: number;
  longestInterval: number;
}

/** Periods without a sale that make an item dying: beyond twice its longest interval, three times its usual, and this. */
export const DYING_MIN_PERIODS = 4;

/**
 * Whether demand stopped: with at least 3 sales, the run of periods since the last is longer than
 * max(DYING_MIN_PERIODS, 2 × the longest interval between sales, 3 × the mean interval). Null when it has not.
 * (classifyDemand's openInterval sees the same run, once longer than every interval, and turns the item
 * intermittent; this asks for a clear margin before it stops the reordering.)
 */
export function dyingSignal(demand: number[]): DyingSignal | null {
  const sales = demand.flatMap((value, t) => (value > 0 ? [t] : []));
  if (sales.length < 3) return null;
  const intervals = sales.slice(1).map((t, k) => t - sales[k]);
  const usualInterval = intervals.reduce((sum, interval) => sum + interval, 0) / intervals.length;
  const longestInterval = Math.max(...intervals);
  const periodsSinceLastSale = demand.length - 1 - sales[sales.length - 1];
  const margin = Math.max(DYING_MIN_PERIODS, 2 * longestInterval, 3 * usualInterval);
  return periodsSinceLastSale > margin ? { periodsSinceLastSale, usualInterval, longestInterval } : null;
}

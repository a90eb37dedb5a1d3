export type Urgency = 'critical' | 'high' | 'normal' | 'low';

/**
 * How soon a recommendation needs a buyer, from the projected stock-out (on-hand stock less backorders run down by the
 * forecast, open purchase order lines added on their expected dates, as planItem projects it) against the chosen supplier's
 * planned lead time L and the review period R:
 * - critical: the stock-out comes before an order placed today could arrive (cover < L), expedite or split;
 * - high: it comes within one review period after that arrival (L ≤ cover < L + R): waiting for the next review is too late;
 * - normal: a stock-out is projected within the forecast horizon, later than that;
 * - low: no stock-out within the forecast horizon (the order rebuilds cycle or safety stock).
 */
export function urgencyOf(daysOfCover: number | null, leadTimeDays: number, reviewPeriodDays: number): Urgency {
  if (daysOfCover === null) return 'low';
  if (daysOfCover < leadTimeDays) return 'critical';
  if (daysOfCover < leadTimeDays + reviewPeriodDays) return 'high';
  return 'normal';
}

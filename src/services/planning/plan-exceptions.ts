import type { FoundException } from '../../../db/repositories/exceptions';

/** The plan stage's exception kinds: it opens, refreshes and resolves these on every run. */
export const PLAN_EXCEPTION_KINDS = ['forecast-jump', 'order-value-jump'] as const;

/** Weeks of recent demand the forecast and the order are held against. */
const RECENT_WEEKS = 13;
/** A forecast over the lead time above this multiple of the recent rate is a jump. */
const FORECAST_JUMP_RATIO = 2;
/** An order worth more than this many weeks of recent demand (twice the recent 13 weeks) is a jump. */
const ORDER_VALUE_JUMP_WEEKS = 2 * RECENT_WEEKS;

export interface PlannedPair {
  itemId: number;
  locationId: number;
  /** Forecast per week, step 1 first, negatives as zero. */
  forecastMean: number[];
  leadTimeDays: number;
  /** Weekly demand, oldest first, without weeks out of stock on every day. */
  history: number[] | undefined;
  /** The recommended order, if any. */
  order: { quantity: number; unitCost: number | null; currency: string | null } | null;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Sum of the weekly forecast over the first `weeks` weeks, the last one in part. */
function forecastOver(forecastMean: number[], weeks: number): number {
  let total = 0;
  for (let step = 0; step < forecastMean.length && step < weeks; step++) total += forecastMean[step] * Math.min(1, weeks - step);
  return total;
}

/**
 * What a buyer should look at before trusting a plan: the forecast over the lead time more than twice the last 13
 * weeks' rate (forecast-jump), or an order worth more than 26 weeks of recent demand (order-value-jump). Neither is
 * judged without 13 weeks of history with some demand.
 */
export function planExceptions(pair: PlannedPair): FoundException[] {
  const recent = (pair.history ?? []).slice(-RECENT_WEEKS);
  if (recent.length < RECENT_WEEKS) return [];
  const recentWeeklyRate = recent.reduce((sum, value) => sum + value, 0) / recent.length;
  if (!(recentWeeklyRate > 0)) return [];
  const found: FoundException[] = [];
  const leadTimeWeeks = pair.leadTimeDays / 7;
  const forecastOverLeadTime = forecastOver(pair.forecastMean, leadTimeWeeks);
  const recentOverLeadTime = recentWeeklyRate * leadTimeWeeks;
  if (forecastOverLeadTime > FORECAST_JUMP_RATIO * recentOverLeadTime) {
    found.push({
      itemId: pair.itemId,
      locationId: pair.locationId,
      kind: 'forecast-jump',
      details: {
        leadTimeDays: round(pair.leadTimeDays),
        forecastOverLeadTime: round(forecastOverLeadTime),
        recentWeeklyRate: round(recentWeeklyRate),
        recentRateOverLeadTime: round(recentOverLeadTime),
        ratio: round(forecastOverLeadTime / recentOverLeadTime),
      },
      action: `planned on the forecast, ${round(forecastOverLeadTime / recentOverLeadTime, 1)}x the last ${RECENT_WEEKS} weeks' rate over the lead time: check it before approving`,
    });
  }
  const order = pair.order;
  if (order && order.unitCost !== null && order.unitCost > 0) {
    const orderValue = order.quantity * order.unitCost;
    const recentValue = recentWeeklyRate * ORDER_VALUE_JUMP_WEEKS * order.unitCost;
    if (orderValue > recentValue) {
      found.push({
        itemId: pair.itemId,
        locationId: pair.locationId,
        kind: 'order-value-jump',
        details: {
          quantity: order.quantity,
          unitCost: order.unitCost,
          currency: order.currency,
          orderValue: round(orderValue),
          recentWeeklyRate: round(recentWeeklyRate),
          weeksOfRecentDemand: round(order.quantity / recentWeeklyRate, 1),
        },
        action: `recommended, worth ${round(order.quantity / recentWeeklyRate, 1)} weeks of recent demand (more than ${ORDER_VALUE_JUMP_WEEKS}): check it before approving`,
      });
    }
  }
  return found;
}

/**
 * Two rules buyers compare replen with, computed from past recorded sales only: the textbook order-up-to level and an
 * Odoo-style min/max. Neither is what replen orders (that is planItem); they are yardsticks for the backtest and the replay.
 */
import { demandStdDevOverProtection, safetyStockForCycleService } from './safety-stock';

export interface BaselineInput {
  /** Recorded demand (sales) per period, oldest first. */
  history: readonly number[];
  leadTimePeriods: number;
  reviewPeriods: number;
  /** Spread of the lead time in periods (0 when fixed). */
  leadTimeStdDevPeriods?: number;
  serviceLevel: number;
}

function meanAndStdDev(history: readonly number[]): { mean: number; stdDev: number } {
  const n = history.length;
  if (n === 0) return { mean: 0, stdDev: 0 };
  const mean = history.reduce((sum, x) => sum + x, 0) / n;
  const variance = n < 2 ? 0 : history.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  return { mean, stdDev: Math.sqrt(variance) };
}

function checkInput(name: string, input: BaselineInput): void {
  if (!(input.serviceLevel > 0 && input.serviceLevel < 1)) throw new Error(`${name}: serviceLevel must be in (0, 1), got ${input.serviceLevel}`);
  for (const key of ['leadTimePeriods', 'reviewPeriods'] as const) {
    if (!(input[key] >= 0 && Number.isFinite(input[key]))) throw new Error(`${name}: ${key} must be finite and ≥ 0, got ${input[key]}`);
  }
}

/**
 * The textbook (R, S) level: S = d̄·(L + R) + z·σ·√(L + R), with the lead-time term when it varies
 * (demandStdDevOverProtection), d̄ and σ the mean and sample standard deviation of all the history
 * (Silver, Pyke and Peterson 1998, ch. 7; Chopra and Meindl, ch. 12).
 */
export function textbookOrderUpTo(input: BaselineInput): number {
  checkInput('textbookOrderUpTo', input);
  const { mean, stdDev } = meanAndStdDev(input.history);
  const protectionPeriods = input.leadTimePeriods + input.reviewPeriods;
  const sd = demandStdDevOverProtection({
    meanDemandPerPeriod: mean,
    demandStdDevPerPeriod: stdDev,
    protectionPeriods,
    leadTimeStdDevPeriods: input.leadTimeStdDevPeriods ?? 0,
  });
  return mean * protectionPeriods + safetyStockForCycleService(input.serviceLevel, sd);
}

/**
 * An Odoo-style reordering rule from the same history: minimum = demand over the lead time + z·σ·√L (Odoo's
 * "min" is the stock that must last until a new order arrives), maximum = minimum + one review's mean demand; at a
 * review an order is placed only when the position is at or below the minimum, and brings it up to the maximum.
 */
export function minMaxLevels(input: BaselineInput): { minimum: number; maximum: number } {
  checkInput('minMaxLevels', input);
  const { mean, stdDev } = meanAndStdDev(input.history);
  const sd = demandStdDevOverProtection({
    meanDemandPerPeriod: mean,
    demandStdDevPerPeriod: stdDev,
    protectionPeriods: input.leadTimePeriods,
    leadTimeStdDevPeriods: input.leadTimeStdDevPeriods ?? 0,
  });
  const minimum = mean * input.leadTimePeriods + safetyStockForCycleService(input.serviceLevel, sd);
  return { minimum, maximum: minimum + mean * input.reviewPeriods };
}

/** Stock levels of the classic policies. Every quantity is in units and every duration in the same period as demand. */

function checkNonNegative(functionName: string, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`${functionName}: ${name} must be a finite number ≥ 0, got ${value}`);
  }
}

/**
 * Forecast demand over the next `periods` periods (fractional allowed): the sum of the per-period means, the last period
 * taken in part. Past the end of the forecast, each further period is taken at the forecast's average, so that a seasonal
 * peak or trough in the last period is not repeated for the whole overhang.
 */
export function demandOverHorizon(forecastMean: number[], periods: number): number {
  checkNonNegative('demandOverHorizon', { periods });
  if (forecastMean.length === 0) throw new Error('demandOverHorizon: empty forecast');
  forecastMean.forEach((value, i) => checkNonNegative('demandOverHorizon', { [`forecastMean[${i}]`]: value }));
  let total = 0;
  const covered = Math.min(periods, forecastMean.length);
  for (let i = 0; i < Math.ceil(covered); i++) total += forecastMean[i] * Math.min(1, covered - i);
  if (periods > forecastMean.length) {
    total += ((periods - forecastMean.length) * forecastMean.reduce((sum, x) => sum + x, 0)) / forecastMean.length;
  }
  return total;
}

/** Reorder point of continuous review: s = expected demand over the lead time + SS (Silver, Pyke and Peterson 1998, ch. 7, (s, Q) and (s, S)). */
export function reorderPoint(demandOverLeadTime: number, safetyStock: number): number {
  checkNonNegative('reorderPoint', { demandOverLeadTime, safetyStock });
  return demandOverLeadTime + safetyStock;
}

/**
 * Order-up-to level of periodic review: S = expected demand over lead time + review period + SS,
 * SS computed over that same interval (Silver, Pyke and Peterson 1998, ch. 7, (R, S); Chopra and Meindl, ch. 12, periodic review).
 */
export function orderUpToLevel(demandOverLeadTimeAndReview: number, safetyStock: number): number {
  checkNonNegative('orderUpToLevel', { demandOverLeadTimeAndReview, safetyStock });
  return demandOverLeadTimeAndReview + safetyStock;
}

export interface EconomicOrderQuantityInput {
  /** Demand per period (e.g. per year). */
  demandPerPeriod: number;
  /** Fixed cost of placing one order. */
  orderingCost: number;
  /** Cost of holding one unit for one period (the same period as demand), e.g. unit cost × annual carrying rate. */
  holdingCostPerUnitPerPeriod: number;
}

/** Economic order quantity Q* = √(2DK/h) (Harris 1913; Silver, Pyke and Peterson 1998, ch. 5; Nahmias, Production and Operations Analysis, ch. 4). */
export function economicOrderQuantity(input: EconomicOrderQuantityInput): number {
  checkNonNegative('economicOrderQuantity', { ...input });
  if (input.holdingCostPerUnitPerPeriod === 0) throw new Error('economicOrderQuantity: holdingCostPerUnitPerPeriod must be > 0');
  return Math.sqrt((2 * input.demandPerPeriod * input.orderingCost) / input.holdingCostPerUnitPerPeriod);
}

export interface StockPosition {
  onHand: number;
  onOrder: number;
  /** Customer demand already accepted and not yet shipped for lack of stock. */
  backordered: number;
  /** Stock on hand promised to open orders. */
  allocated: number;
}

/** Inventory position = on hand + on order − backordered − allocated: what the policy compares with s or S. */
export function inventoryPosition(stock: StockPosition): number {
  checkNonNegative('inventoryPosition', { ...stock });
  return stock.onHand + stock.onOrder - stock.backordered - stock.allocated;
}

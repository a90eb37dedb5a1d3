/**
 * Sales on out-of-stock days understate demand: a zero on such a day is lost demand, not zero demand.
 * Each period's sales are scaled to the days the item was in stock: demand ≈ sales × days / (days − outOfStockDays).
 * A period out of stock on every day carries no information and becomes NaN (a gap, which the forecaster fills).
 * This is the in-stock-rate correction used for censored retail demand (e.g. Nahmias 1994, "Demand estimation in lost sales inventory systems").
 */
export function uncensorDemand(sales: readonly number[], outOfStockDays: readonly number[], daysPerPeriod: number): number[] {
  if (sales.length !== outOfStockDays.length) throw new Error('uncensorDemand: sales and outOfStockDays differ in length');
  if (!(daysPerPeriod >= 1)) throw new Error(`uncensorDemand: daysPerPeriod must be at least 1, got ${daysPerPeriod}`);
  return sales.map((quantity, index) => {
    const inStockDays = daysPerPeriod - Math.min(Math.max(outOfStockDays[index], 0), daysPerPeriod);
    if (inStockDays === 0) return Number.NaN;
    return (quantity * daysPerPeriod) / inStockDays;
  });
}

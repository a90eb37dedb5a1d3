/**
 * Sales on out-of-stock days understate demand: what a stock-out lost is demand too. The estimate adds to each period's
 * sales the demand of the time it actually missed, at the rate the item sold while in stock:
 *   missed days = days out of stock without a sale + ½ × days that sold their last units (stock ran out during the
 *   day: half of it missed, on average); demand ≈ sales + rate × missed days, the rate pooled over the periods around
 *   (sales / in-stock days within `window` periods either side), so that a week that sold its last unit on Monday is not
 *   taken to sell 7 a week. A period without any time in stock carries no information and becomes NaN (a gap, which
 *   the forecaster fills). Whole-unit sales keep whole units: the lost demand is rounded with its remainder carried
 *   to the next stock-out, so the total stays within half a unit of the estimate and a slow mover stays countable.
 * This is the censored-demand estimate of lost sales from in-stock rates (Nahmias 1994, "Demand estimation in lost
 * sales inventory systems"; Conlon and Mortimer 2013 estimate lost sales from the hours stocked out the same way).
 */
export interface CensoredDemandInput {
  sales: readonly number[];
  /** Days flagged out of stock per period (sold-out days included). */
  outOfStockDays: readonly number[];
  /** Of those, the days that still sold (stock ran out during the day); zeros when unknown. */
  soldOutDays?: readonly number[];
  daysPerPeriod: number;
  /** Periods either side the in-stock rate is pooled over (default 4). */
  window?: number;
}

export function estimateCensoredDemand(input: CensoredDemandInput): number[] {
  const { sales, outOfStockDays, daysPerPeriod } = input;
  const soldOut = input.soldOutDays ?? sales.map(() => 0);
  const window = input.window ?? 4;
  if (sales.length !== outOfStockDays.length || sales.length !== soldOut.length) throw new Error('estimateCensoredDemand: sales and out-of-stock days differ in length');
  if (!(daysPerPeriod >= 1)) throw new Error(`estimateCensoredDemand: daysPerPeriod must be at least 1, got ${daysPerPeriod}`);
  const clamp = (value: number, high: number) => Math.min(Math.max(value, 0), high);
  const missed = outOfStockDays.map((days, t) => {
    const out = clamp(days, daysPerPeriod);
    const partly = clamp(soldOut[t], out);
    return out - partly / 2;
  });
  const inStock = missed.map((days) => daysPerPeriod - days);
  const wholeUnits = sales.every(Number.isInteger);
  let carry = 0;
  return sales.map((quantity, t) => {
    if (missed[t] === 0) return quantity;
    if (inStock[t] === 0 && quantity === 0) return Number.NaN;
    let pooledSales = 0;
    let pooledDays = 0;
    for (let s = Math.max(0, t - window); s <= Math.min(sales.length - 1, t + window); s++) {
      pooledSales += sales[s];
      pooledDays += inStock[s];
    }
    const lost = pooledDays > 0 ? (pooledSales / pooledDays) * missed[t] : 0;
    if (!wholeUnits) return quantity + lost;
    const whole = Math.round(lost + carry);
    carry += lost - whole;
    return quantity + whole;
  });
}

import { daysBetween } from './dates';
import type { ScheduledReceipt } from './order-quantity';

/** Stock on one day of a projection: what is left after that day's demand so far, receipts of the day included. */
export interface StockPoint {
  /** Days after the start. */
  day: number;
  stock: number;
}

/**
 * The stock projection that projectStockout reads its date from, as a line to draw: the available stock run down by
 * the forecast (demand spread evenly over each period, as daysOfCover has it) and raised by each receipt at the start
 * of its day (an overdue one on day 0). Points at day 0, at every period boundary and on each receipt's day (twice:
 * before and after it), up to `horizonDays` but not past the forecast; the stock may go below 0 (demand unmet).
 */
export function projectedStock(
  available: number,
  demandPerPeriod: number[],
  startDate: string,
  periodDays: number,
  receipts: ScheduledReceipt[],
  horizonDays: number,
): StockPoint[] {
  if (!Number.isFinite(available)) throw new Error(`projectedStock: available must be finite, got ${available}`);
  if (!(periodDays > 0) || !Number.isFinite(periodDays)) throw new Error(`projectedStock: periodDays must be > 0, got ${periodDays}`);
  if (!(horizonDays >= 0) || !Number.isFinite(horizonDays)) throw new Error(`projectedStock: horizonDays must be finite and ≥ 0, got ${horizonDays}`);
  for (const demand of demandPerPeriod) {
    if (!(demand >= 0) || !Number.isFinite(demand)) throw new Error(`projectedStock: demand must be finite and ≥ 0, got ${demand}`);
  }
  const end = Math.min(horizonDays, demandPerPeriod.length * periodDays);
  const arrivals = receipts.map((receipt) => ({ day: Math.max(0, daysBetween(startDate, receipt.date)), quantity: receipt.quantity }));
  /** Demand from day 0 to `day`. */
  const demandBy = (day: number) => {
    const whole = Math.floor(day / periodDays);
    const done = demandPerPeriod.slice(0, whole).reduce((sum, demand) => sum + demand, 0);
    return done + (whole < demandPerPeriod.length ? (demandPerPeriod[whole] * (day - whole * periodDays)) / periodDays : 0);
  };
  const receivedBy = (day: number, includingThatDay: boolean) =>
    arrivals.reduce((sum, arrival) => sum + (arrival.day < day || (includingThatDay && arrival.day === day) ? arrival.quantity : 0), 0);
  const days = new Set<number>([0, end]);
  for (let boundary = periodDays; boundary < end; boundary += periodDays) days.add(boundary);
  const receiptDays = new Set(arrivals.filter((arrival) => arrival.day <= end).map((arrival) => arrival.day));
  for (const day of receiptDays) days.add(day);
  const points: StockPoint[] = [];
  for (const day of [...days].sort((a, b) => a - b)) {
    if (receiptDays.has(day) && day > 0) points.push({ day, stock: available + receivedBy(day, false) - demandBy(day) });
    points.push({ day, stock: available + receivedBy(day, true) - demandBy(day) });
  }
  return points;
}

import { addDays, daysBetween } from './dates';

/** A supplier's ordering constraints for one item. */
export interface OrderConstraints {
  /** Minimum order quantity; 0 or absent = none. */
  moq?: number;
  /** Orders must be a multiple of this (case or pallet size); 0 or absent = any quantity. */
  orderMultiple?: number;
  /** Largest quantity that may be ordered at once; absent = no cap. */
  maxOrderQuantity?: number;
}

/** Each step from the net requirement to the quantity ordered. */
export interface OrderQuantitySteps {
  netRequirement: number;
  afterMoq: number;
  afterMultiple: number;
  /** afterMultiple, cut to the largest multiple not above the cap. */
  orderQuantity: number;
  capped: boolean;
}

/** Net requirement of periodic review: max(0, S − inventory position). */
export function netRequirement(orderUpTo: number, inventoryPosition: number): number {
  if (!Number.isFinite(orderUpTo) || !Number.isFinite(inventoryPosition)) throw new Error('netRequirement: levels must be finite');
  return Math.max(0, orderUpTo - inventoryPosition);
}

/**
 * Net requirement of continuous review (s, S): when the inventory position is at or below s, order up to S
 * (covering any undershoot below s); otherwise nothing (Silver, Pyke and Peterson 1998, ch. 7).
 */
export function netRequirementAtReorderPoint(reorderPoint: number, orderUpTo: number, inventoryPosition: number): number {
  if (![reorderPoint, orderUpTo, inventoryPosition].every(Number.isFinite)) throw new Error('netRequirementAtReorderPoint: levels must be finite');
  if (orderUpTo < reorderPoint) throw new Error(`netRequirementAtReorderPoint: orderUpTo ${orderUpTo} is below reorderPoint ${reorderPoint}`);
  return inventoryPosition <= reorderPoint ? orderUpTo - inventoryPosition : 0;
}

// Quantities within this of a multiple count as that multiple: 0.1 + 0.2 must not round 0.3 up to 0.6.
const roundingAllowance = 1e-9;

/**
 * Rounds a net requirement to an orderable quantity: nothing when nothing is needed (≤ 1e-9); else raised to the MOQ,
 * then up to the next order multiple, then cut to the largest multiple within the cap.
 * Throws when the cap leaves no multiple at or above the MOQ (the constraints contradict each other).
 */
export function roundOrderQuantity(requirement: number, constraints: OrderConstraints = {}): OrderQuantitySteps {
  const moq = constraints.moq ?? 0;
  const multiple = constraints.orderMultiple ?? 0;
  const cap = constraints.maxOrderQuantity ?? Infinity;
  if (!(requirement >= 0) || !Number.isFinite(requirement)) throw new Error(`roundOrderQuantity: requirement must be a finite number ≥ 0, got ${requirement}`);
  if (!(moq >= 0) || !Number.isFinite(moq)) throw new Error(`roundOrderQuantity: moq must be ≥ 0, got ${moq}`);
  if (!(multiple >= 0) || !Number.isFinite(multiple)) throw new Error(`roundOrderQuantity: orderMultiple must be ≥ 0, got ${multiple}`);
  if (!(cap > 0)) throw new Error(`roundOrderQuantity: maxOrderQuantity must be > 0, got ${cap}`);
  // A requirement within the allowance of zero is float noise from S − IP, not a reason to order a whole MOQ.
  if (requirement <= roundingAllowance) return { netRequirement: requirement, afterMoq: 0, afterMultiple: 0, orderQuantity: 0, capped: false };

  const afterMoq = Math.max(requirement, moq);
  const afterMultiple = multiple > 0 ? Math.max(1, Math.ceil(afterMoq / multiple - roundingAllowance)) * multiple : afterMoq;
  const largestAllowed = multiple > 0 ? Math.floor(cap / multiple + roundingAllowance) * multiple : cap;
  if (largestAllowed < moq || largestAllowed <= 0) {
    throw new Error(`roundOrderQuantity: maxOrderQuantity ${cap} leaves no multiple of ${multiple} at or above the MOQ ${moq}`);
  }
  const capped = afterMultiple > largestAllowed;
  return { netRequirement: requirement, afterMoq, afterMultiple, orderQuantity: capped ? largestAllowed : afterMultiple, capped };
}

/**
 * Days until cumulative forecast demand exceeds `available` units, demand spread evenly within each period
 * of `periodDays` days; null when the forecast never exceeds it. 0 when already short.
 */
export function daysOfCover(available: number, demandPerPeriod: number[], periodDays: number): number | null {
  if (!Number.isFinite(available)) throw new Error(`daysOfCover: available must be finite, got ${available}`);
  if (!(periodDays > 0) || !Number.isFinite(periodDays)) throw new Error(`daysOfCover: periodDays must be > 0, got ${periodDays}`);
  // Already short (backorders beyond stock): out now. Zero stock runs out on the first day with demand.
  if (available < 0) return 0;
  let cumulative = 0;
  for (let i = 0; i < demandPerPeriod.length; i++) {
    const demand = demandPerPeriod[i];
    if (!(demand >= 0) || !Number.isFinite(demand)) throw new Error(`daysOfCover: demand must be finite and ≥ 0, got ${demand} at ${i}`);
    if (cumulative + demand > available) return (i + (available - cumulative) / demand) * periodDays;
    cumulative += demand;
  }
  return null;
}

/** Goods still to arrive on an open purchase order line: counted from the start of their expected date. */
export interface ScheduledReceipt {
  /** ISO date; a date before the start counts as arriving on the start date (overdue, still expected). */
  date: string;
  quantity: number;
}

/**
 * daysOfCover with scheduled receipts: the first day x on which cumulative demand D(x) exceeds the available stock plus
 * what has arrived by x (receipts at the start of their day). Stock only runs out between receipts, so each stretch is
 * daysOfCover from the stock held in it: a stock-out found after the next receipt's day is no stock-out, the receipt
 * is added and the search goes on.
 */
export function daysOfCoverWithReceipts(available: number, demandPerPeriod: number[], periodDays: number, receipts: Array<{ day: number; quantity: number }>): number | null {
  for (const receipt of receipts) {
    if (!Number.isFinite(receipt.day)) throw new Error(`daysOfCoverWithReceipts: receipt day must be finite, got ${receipt.day}`);
    if (!(receipt.quantity >= 0) || !Number.isFinite(receipt.quantity)) throw new Error(`daysOfCoverWithReceipts: receipt quantity must be finite and ≥ 0, got ${receipt.quantity}`);
  }
  const ordered = receipts.map((receipt) => ({ day: Math.max(0, receipt.day), quantity: receipt.quantity })).sort((a, b) => a.day - b.day);
  let stock = available;
  let next = 0;
  while (next < ordered.length && ordered[next].day <= 0) stock += ordered[next++].quantity;
  for (;;) {
    const cover = daysOfCover(stock, demandPerPeriod, periodDays);
    if (cover === null || next === ordered.length || cover < ordered[next].day) return cover;
    stock += ordered[next++].quantity;
  }
}

export interface StockoutProjection {
  /** First day on which cumulative forecast demand exceeds the available stock; null if not within the forecast. */
  stockoutDate: string | null;
  daysOfCover: number | null;
  /** Length of the forecast in days: cover is at least this when daysOfCover is null. */
  horizonDays: number;
}

/**
 * Projected stock-out date from a start date (ISO), the available stock and demand per period (period = periodDays days;
 * 1 = daily), with open purchase order lines counted on their expected dates (daysOfCoverWithReceipts).
 */
export function projectStockout(available: number, demandPerPeriod: number[], startDate: string, periodDays = 1, receipts: ScheduledReceipt[] = []): StockoutProjection {
  const cover = daysOfCoverWithReceipts(
    available,
    demandPerPeriod,
    periodDays,
    receipts.map((receipt) => ({ day: daysBetween(startDate, receipt.date), quantity: receipt.quantity })),
  );
  return {
    stockoutDate: cover === null ? null : addDays(startDate, cover),
    daysOfCover: cover,
    horizonDays: demandPerPeriod.length * periodDays,
  };
}

import { normalCdf, normalDensity, normalQuantile } from '../stats/normal';
import { addDays, daysBetween, dayNumber } from './dates';

/**
 * Backorder allocation: which incoming units go to which backordered sales-order line, and so when each line can ship.
 *
 * Rule, per SKU × location:
 * - Lines are served in priority order: earliest promised date first (the line's promise, else its order's; a line
 *   without any promise counts as promised on its order date), then earliest order date, then the lowest line id.
 * - Supply is used earliest arrival first: stock on hand not committed to other open lines (available on
 *   `availableDate`), then open purchase-order lines and approved recommendations by arrival date
 *   (ties: on hand, then purchase orders, then recommendations, then the lowest id).
 * - Each line takes what it still needs from the earliest supply left, splitting over several supplies when one is
 *   not enough; its ETA is the arrival date of the last unit it was given. A line not fully covered has no ETA.
 * - Quantities are counted in thousandths (the database's numeric(14, 3)), so sums are exact.
 */

export type SupplyKind = 'on-hand' | 'purchase-order' | 'approved-recommendation';
export type CoverageStatus = 'covered' | 'partial' | 'uncovered';
export type UncoveredReason = 'no-incoming-supply' | 'awaiting-approval' | 'not-enough-supply';

export const uncoveredMessages: Record<UncoveredReason, string> = {
  'no-incoming-supply': 'no stock, open purchase order or approved recommendation for this SKU at this location',
  'awaiting-approval': 'covered only by a recommendation not yet approved: approve it to get a date',
  'not-enough-supply': 'stock, incoming supply and the proposal run out (lines ahead in the queue come first)',
};

export interface BackorderLine {
  salesOrderLineId: number;
  itemId: number;
  locationId: number;
  quantityBackordered: number;
  orderDate: string;
  /** The line's promise, else its order's; null when neither was given. */
  promisedDate: string | null;
}

/** Stock at a location: on hand, and the part of it already set aside for open lines that are not backordered. */
export interface StockAvailable {
  itemId: number;
  locationId: number;
  onHand: number;
  committed: number;
}

/** Supply still to arrive, with the date it is honestly expected (see purchaseOrderArrival, recommendationArrival). */
export interface IncomingSupply {
  kind: 'purchase-order' | 'approved-recommendation';
  /** Purchase-order line id or recommendation id. */
  sourceId: number;
  itemId: number;
  locationId: number;
  quantity: number;
  arrivalDate: string;
  lateCaseArrivalDate: string;
}

/** Quantity proposed but not approved: not supply yet, but it tells a buyer what approving would cover. */
export interface PendingSupply {
  itemId: number;
  locationId: number;
  quantity: number;
}

export interface AllocatedPiece {
  kind: SupplyKind;
  /** Purchase-order line id or recommendation id; null for stock on hand. */
  sourceId: number | null;
  quantity: number;
  arrivalDate: string;
  lateCaseArrivalDate: string;
}

export interface LineAllocation {
  salesOrderLineId: number;
  itemId: number;
  locationId: number;
  /** 1 = served first within its SKU × location. */
  priorityRank: number;
  /** The date lines are ranked by: the promise, else the order date. */
  priorityDate: string;
  quantityBackordered: number;
  quantityAllocated: number;
  quantityUncovered: number;
  status: CoverageStatus;
  /** Arrival of the last unit allocated (mean lateness); null unless the line is fully covered. */
  eta: string | null;
  /** The same with the late-case lateness. */
  etaLateCase: string | null;
  uncoveredReason: UncoveredReason | null;
  pieces: AllocatedPiece[];
  /** The part of the uncovered quantity that proposed quantities would cover once approved (lines ahead served first). */
  quantityAwaitingApproval: number;
}

export interface AllocationInput {
  /** The first day stock on hand can ship; nothing is expected earlier (an overdue order arrives on this day at best). */
  availableDate: string;
  lines: BackorderLine[];
  stock: StockAvailable[];
  incoming: IncomingSupply[];
  pending?: PendingSupply[];
}

const UNITS_PER_QUANTITY = 1000;
const toUnits = (quantity: number) => Math.round(quantity * UNITS_PER_QUANTITY);
const toQuantity = (units: number) => units / UNITS_PER_QUANTITY;
const pairKey = (itemId: number, locationId: number) => `${itemId}/${locationId}`;
const kindOrder: Record<SupplyKind, number> = { 'on-hand': 0, 'purchase-order': 1, 'approved-recommendation': 2 };

function requireQuantity(where: string, quantity: number): void {
  if (!Number.isFinite(quantity) || quantity < 0) throw new Error(`allocateBackorders: ${where} must be a finite quantity ≥ 0, got ${quantity}`);
}

function groupByPair<T extends { itemId: number; locationId: number }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = pairKey(row.itemId, row.locationId);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

interface Slot {
  kind: SupplyKind;
  sourceId: number | null;
  units: number;
  arrivalDate: string;
  lateCaseArrivalDate: string;
}

/** The priority order of lines (see the rule above). */
export function compareLinePriority(a: BackorderLine, b: BackorderLine): number {
  return (
    dayNumber(a.promisedDate ?? a.orderDate) - dayNumber(b.promisedDate ?? b.orderDate) ||
    dayNumber(a.orderDate) - dayNumber(b.orderDate) ||
    a.salesOrderLineId - b.salesOrderLineId
  );
}

/**
 * Allocates supply to backordered lines per SKU × location by the rule above. Returns one allocation per line, grouped
 * by SKU × location (item id, then location id) and in priority order within each group.
 */
export function allocateBackorders(input: AllocationInput): LineAllocation[] {
  dayNumber(input.availableDate); // throws on a malformed date
  for (const line of input.lines) requireQuantity(`quantityBackordered of line ${line.salesOrderLineId}`, line.quantityBackordered);
  for (const stock of input.stock) {
    requireQuantity(`onHand of ${pairKey(stock.itemId, stock.locationId)}`, Math.max(0, stock.onHand));
    requireQuantity(`committed of ${pairKey(stock.itemId, stock.locationId)}`, stock.committed);
  }
  for (const supply of input.incoming) {
    requireQuantity(`quantity of ${supply.kind} ${supply.sourceId}`, supply.quantity);
    if (dayNumber(supply.lateCaseArrivalDate) < dayNumber(supply.arrivalDate)) {
      throw new Error(`allocateBackorders: late-case arrival before arrival for ${supply.kind} ${supply.sourceId}`);
    }
  }
  for (const pending of input.pending ?? []) requireQuantity(`pending quantity of ${pairKey(pending.itemId, pending.locationId)}`, pending.quantity);

  const stockOf = new Map(input.stock.map((stock) => [pairKey(stock.itemId, stock.locationId), stock]));
  const incomingOf = groupByPair(input.incoming);
  const pendingOf = groupByPair(input.pending ?? []);
  const groups = [...groupByPair(input.lines).entries()].sort(
    ([, [a]], [, [b]]) => a.itemId - b.itemId || a.locationId - b.locationId,
  );

  const result: LineAllocation[] = [];
  for (const [key, lines] of groups) {
    const slots = supplySlots(input.availableDate, stockOf.get(key), incomingOf.get(key) ?? []);
    const firmUnits = slots.reduce((sum, slot) => sum + slot.units, 0);
    let pendingUnits = (pendingOf.get(key) ?? []).reduce((sum, pending) => sum + toUnits(pending.quantity), 0);
    let slotIndex = 0;

    [...lines].sort(compareLinePriority).forEach((line, index) => {
      const needed = toUnits(line.quantityBackordered);
      let missing = needed;
      const pieces: AllocatedPiece[] = [];
      while (missing > 0 && slotIndex < slots.length) {
        const slot = slots[slotIndex];
        const taken = Math.min(missing, slot.units);
        slot.units -= taken;
        missing -= taken;
        pieces.push({ kind: slot.kind, sourceId: slot.sourceId, quantity: toQuantity(taken), arrivalDate: slot.arrivalDate, lateCaseArrivalDate: slot.lateCaseArrivalDate });
        if (slot.units === 0) slotIndex += 1;
      }

      // What is still missing takes from the proposed quantity in the same order: what approving would cover.
      const awaitingApproval = Math.min(missing, pendingUnits);
      pendingUnits -= awaitingApproval;

      const covered = missing === 0;
      const last = pieces[pieces.length - 1];
      result.push({
        salesOrderLineId: line.salesOrderLineId,
        itemId: line.itemId,
        locationId: line.locationId,
        priorityRank: index + 1,
        priorityDate: line.promisedDate ?? line.orderDate,
        quantityBackordered: toQuantity(needed),
        quantityAllocated: toQuantity(needed - missing),
        quantityUncovered: toQuantity(missing),
        status: covered ? 'covered' : missing === needed ? 'uncovered' : 'partial',
        // Slots are sorted by arrival, so the last piece holds the latest date of the line.
        eta: !covered ? null : last ? last.arrivalDate : input.availableDate,
        etaLateCase: !covered ? null : last ? maxDate(pieces.map((piece) => piece.lateCaseArrivalDate)) : input.availableDate,
        uncoveredReason: covered ? null : awaitingApproval === missing ? 'awaiting-approval' : firmUnits === 0 ? 'no-incoming-supply' : 'not-enough-supply',
        pieces,
        quantityAwaitingApproval: toQuantity(awaitingApproval),
      });
    });
  }
  return result;
}

/** The supply of one SKU × location, earliest first: available stock, then incoming by arrival date. */
function supplySlots(availableDate: string, stock: StockAvailable | undefined, incoming: IncomingSupply[]): Slot[] {
  const slots: Slot[] = [];
  const free = stock ? toUnits(Math.max(0, stock.onHand)) - toUnits(stock.committed) : 0;
  if (free > 0) slots.push({ kind: 'on-hand', sourceId: null, units: free, arrivalDate: availableDate, lateCaseArrivalDate: availableDate });
  for (const supply of incoming) {
    const units = toUnits(supply.quantity);
    if (units > 0) {
      slots.push({ kind: supply.kind, sourceId: supply.sourceId, units, arrivalDate: supply.arrivalDate, lateCaseArrivalDate: supply.lateCaseArrivalDate });
    }
  }
  return slots.sort(
    (a, b) =>
      dayNumber(a.arrivalDate) - dayNumber(b.arrivalDate) ||
      kindOrder[a.kind] - kindOrder[b.kind] ||
      (a.sourceId ?? 0) - (b.sourceId ?? 0),
  );
}

function maxDate(dates: string[]): string {
  return dates.reduce((latest, date) => (dayNumber(date) > dayNumber(latest) ? date : latest));
}

/**
 * How late a supplier delivers an item, in days after its promise (or, for the lead time, days after the order): a
 * normal delay with this mean and standard deviation, as learned from receipts.
 */
export interface Delay {
  meanDays: number;
  stdDevDays: number;
}

/**
 * A supplier × item's lateness from its learned lead time (learnLeadTimes): mean = planned mean lead time − quoted
 * lead time (the credibility-weighted lateness), spread = the planned standard deviation. Without a quoted lead time,
 * the mean lateness observed on receipts (else 0).
 */
export function latenessFromLeadTime(leadTime: {
  promisedDays: number | null;
  plannedMeanDays: number;
  plannedStdDevDays: number;
  observed: { meanLatenessDays: number | null };
}): Delay {
  const meanDays = leadTime.promisedDays !== null ? leadTime.plannedMeanDays - leadTime.promisedDays : (leadTime.observed.meanLatenessDays ?? 0);
  return { meanDays, stdDevDays: leadTime.plannedStdDevDays };
}

/**
 * Slack, in days, before a quantile rounds up to the next day: deliveries come in working hours, so a quantile a couple
 * of hours into a day is the day before (a supplier on time on average whose order is two weeks from due and has not
 * come early keeps its promise date, though its median has moved past it by two hours).
 */
const DAY_SLACK = 0.1;
/** Beyond this many standard deviations overdue Φ(−α) loses its precision (1 + erf cancels): the tail's asymptote takes over. */
const FAR_TAIL_Z = 7;

/**
 * The q-quantile of a normal delay X ~ N(mean, sd²) given that X > `exceedsDays` (an order still open has not come
 * yet): F⁻¹(F(a) + q·(1 − F(a))), computed from the upper tail as mean − sd·Φ⁻¹((1 − q)·Φ(−α)), α = (a − mean) / sd,
 * which keeps its precision for an order long overdue. `exceedsDays` null: mean + z(q)·sd. With sd 0: the mean, or a
 * when it has passed (the order is later than the record says, and still to come).
 */
export function delayQuantile(delay: Delay, q: number, exceedsDays: number | null): number {
  if (!(q > 0 && q < 1)) throw new Error(`delayQuantile: q must be in (0, 1), got ${q}`);
  if (!(delay.stdDevDays >= 0)) throw new Error(`delayQuantile: stdDevDays must be ≥ 0, got ${delay.stdDevDays}`);
  const { meanDays: mean, stdDevDays: sd } = delay;
  if (sd === 0) return exceedsDays === null ? mean : Math.max(mean, exceedsDays);
  if (exceedsDays === null) return mean + normalQuantile(q) * sd;
  const alpha = (exceedsDays - mean) / sd;
  if (alpha > FAR_TAIL_Z) return exceedsDays + sd * farTailExcess(alpha, q);
  return mean - sd * normalQuantile((1 - q) * normalCdf(-alpha));
}

/**
 * Far in the tail (α > 7), how far past a the q-quantile lies, in standard deviations: with Mills' Φ(−x) ≈ φ(x) / x,
 * P(X > a + u·sd | X > a) ≈ exp(−αu − u²/2) · α / (α + u); this solves that for 1 − q by Newton's method from the
 * exponential tail's u = −ln(1 − q) / α (within 0.001 sd of the exact quantile from α = 6 on).
 */
function farTailExcess(alpha: number, q: number): number {
  const target = -Math.log(1 - q);
  let u = target / alpha;
  for (let step = 0; step < 4; step++) u -= (alpha * u + (u * u) / 2 + Math.log1p(u / alpha) - target) / (alpha + u + 1 / (alpha + u));
  return u;
}

/** φ(z) / Φ(z): how fast ln Φ grows; Mills' series where Φ(z) underflows (z < −7). */
function lowerMillsInverse(z: number): number {
  if (z < -FAR_TAIL_Z) return -z / (1 - 1 / (z * z) + 3 / z ** 4);
  return normalDensity(z) / normalCdf(z);
}

/**
 * How many days later than its receipts show a supplier delivers, judged by its orders past their promise that have
 * not come (right-censored deliveries, as in survival analysis: a receipt says "it took x days", an order still out
 * only "it takes longer than it has waited"). Receipts alone are biased early, most of all while history is short: the
 * orders that came are the quick ones. Maximises, over the mean lateness μ, the log-likelihood with the receipts as a
 * normal prior of `weight` deliveries at their mean and each order out as P(X > a_i) = Φ((μ − a_i) / σ):
 *   −weight·(μ − mean)² / (2σ²) + Σ ln Φ((μ − a_i) / σ),
 * which is concave; bisection on its derivative −weight·(μ − mean) / σ² + Σ φ(z_i) / Φ(z_i) / σ, which is ≥ 0 at the
 * receipts' mean. Returns μ − mean (≥ 0; 0 without orders out or spread). Orders not yet due are left out: dates are
 * never before the promise, so that they did not come early says nothing about how late they come.
 */
export function latenessShiftFromOrdersOut(input: { lateness: Delay; weight: number; overdueDays: number[] }): number {
  const { lateness, weight } = input;
  if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`latenessShiftFromOrdersOut: weight must be a finite number > 0, got ${weight}`);
  const sd = lateness.stdDevDays;
  const overdue = input.overdueDays.filter((days) => days >= 0);
  if (overdue.length === 0 || !(sd > 0)) return 0;
  const slope = (shift: number) => {
    const mean = lateness.meanDays + shift;
    return (-weight * shift) / (sd * sd) + overdue.reduce((sum, a) => sum + lowerMillsInverse((mean - a) / sd), 0) / sd;
  };
  let high = sd;
  while (slope(high) > 0) high *= 2;
  let low = 0;
  for (let step = 0; step < 100 && high - low > 1e-9; step++) {
    const middle = (low + high) / 2;
    if (slope(middle) > 0) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** The whole days a q-quantile delay takes: rounded up (a day late is a day), DAY_SLACK aside. */
function delayDays(delay: Delay, q: number, exceedsDays: number | null): number {
  return Math.ceil(delayQuantile(delay, q, exceedsDays) - DAY_SLACK);
}

export interface ArrivalEstimate {
  arrivalDate: string;
  lateCaseArrivalDate: string;
  /** promised: the promise moved by the lateness; expected: the ERP's expected date (later than that, or the only date); lead-time: order date + learned lead time. */
  basis: 'promised' | 'expected' | 'lead-time';
}

const later = (a: string, b: string) => (dayNumber(a) >= dayNumber(b) ? a : b);

/** Arrival dates for an order dated from `from` by a delay: its median (the ETA) and its late-case quantile. */
function arrivalFrom(from: string, delay: Delay, lateCaseQuantile: number, exceedsDays: number | null, atLeastDays: number) {
  const days = (q: number) => Math.max(atLeastDays, delayDays(delay, q, exceedsDays));
  return { arrivalDate: addDays(from, days(0.5)), lateCaseArrivalDate: addDays(from, Math.max(days(0.5), days(lateCaseQuantile))) };
}

/**
 * When an open purchase-order line is honestly expected. It has not come by the day before `earliestDate` (the run's
 * as-of date), so its delay is counted among the deliveries that take longer than that (delayQuantile): the ETA is the
 * median of those, the late case their `lateCaseQuantile`. An order not yet due barely moves; one due tomorrow that a
 * supplier delivers early half the time is pushed later; an overdue one is dated by how late such orders still come.
 * - with a promised date: the promise + the supplier's lateness (Delay), whole days, never before the promise;
 * - the ERP's expected date wins when it is later (news of a delay); without a promise it is taken as it is (it is
 *   the ERP's current expectation, not a promise the supplier's record discounts);
 * - with neither: the order date + the learned lead time, or null when none is known;
 * - never before `earliestDate`.
 */
export function purchaseOrderArrival(input: {
  promisedDate: string | null;
  expectedDate: string | null;
  orderDate: string;
  lateness: Delay;
  leadTime: Delay | null;
  earliestDate: string;
  lateCaseQuantile: number;
}): ArrivalEstimate | null {
  const { lateCaseQuantile } = input;
  if (!(lateCaseQuantile >= 0.5 && lateCaseQuantile < 1)) throw new Error(`purchaseOrderArrival: lateCaseQuantile must be in [0.5, 1), got ${lateCaseQuantile}`);
  // Days from a date to the last day the order is known not to have come.
  const openThrough = (from: string) => daysBetween(from, input.earliestDate) - 1;
  let estimate: ArrivalEstimate;
  if (input.promisedDate !== null) {
    // Never earlier than promised: an early record promises nothing.
    const dates = arrivalFrom(input.promisedDate, input.lateness, lateCaseQuantile, openThrough(input.promisedDate), 0);
    const delayed = input.expectedDate !== null && dayNumber(input.expectedDate) > dayNumber(dates.arrivalDate);
    estimate = delayed
      ? { arrivalDate: input.expectedDate!, lateCaseArrivalDate: later(dates.lateCaseArrivalDate, input.expectedDate!), basis: 'expected' }
      : { ...dates, basis: 'promised' };
  } else if (input.expectedDate !== null) {
    estimate = { arrivalDate: input.expectedDate, lateCaseArrivalDate: input.expectedDate, basis: 'expected' };
  } else if (input.leadTime !== null) {
    estimate = { ...arrivalFrom(input.orderDate, input.leadTime, lateCaseQuantile, openThrough(input.orderDate), -Infinity), basis: 'lead-time' };
  } else {
    return null;
  }
  return {
    arrivalDate: later(estimate.arrivalDate, input.earliestDate),
    lateCaseArrivalDate: later(estimate.lateCaseArrivalDate, input.earliestDate),
    basis: estimate.basis,
  };
}

/**
 * When an approved recommendation not yet sent to the ERP is expected: it can be ordered on `earliestOrderDate` at the
 * soonest, and arrives the learned lead time later (median; late-case quantile), whole days rounded up.
 */
export function recommendationArrival(earliestOrderDate: string, leadTime: Delay, lateCaseQuantile: number): ArrivalEstimate {
  return { ...arrivalFrom(earliestOrderDate, leadTime, lateCaseQuantile, null, -Infinity), basis: 'lead-time' };
}

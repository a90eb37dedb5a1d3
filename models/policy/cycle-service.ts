/**
 * The cycle service level a periodic-review replay achieved, counted the way an (R, S) level promises it: S set at
 * the review at t must last from the arrival of that review's order until the arrival of the next review's order,
 * so the cycle of review t is [arrival of its order, arrival of the next review's), and it is served when no day in it
 * had demand that stock could not meet (P1, the share of replenishment cycles without a stock-out; Silver, Pyke and
 * Peterson 1998, ch. 7). With random lead times these cycles do not start on a fixed weekday: a window of the weeks
 * t + L … t + L + R − 1 after each review cuts a late order's stock-out in two and counts it in two cycles.
 */

export interface ReviewOrder {
  /** Day of the review. */
  reviewDay: number;
  /** Day its order arrived (or arrives); null when the review ordered nothing: then review day + the nominal lead time. */
  arrivalDay: number | null;
}

export interface CycleServiceOptions {
  /** Days from a review to the arrival of an order placed at it when nothing was ordered (the promised lead time). */
  nominalLeadTimeDays: number;
  /** Days between reviews: the last review's cycle ends at the next review's nominal arrival. */
  reviewPeriodDays: number;
  /** Last day replayed: cycles that end after it are incomplete and not counted. */
  lastDay: number;
}

export interface CycleService {
  cycles: number;
  served: number;
  /** served / cycles; null without a complete cycle. */
  level: number | null;
}

/**
 * Counts the replenishment cycles of `reviews` (ascending review days) and those without a day in `shortDays`. A
 * cycle that ends before it starts (the next review's order arrived first: orders crossed) is no cycle.
 */
export function cycleServiceLevel(reviews: readonly ReviewOrder[], shortDays: ReadonlySet<number>, options: CycleServiceOptions): CycleService {
  const { nominalLeadTimeDays, reviewPeriodDays, lastDay } = options;
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`cycleServiceLevel: ${name} must be a finite number ≥ 0, got ${value}`);
  }
  const arrival = (review: ReviewOrder) => review.arrivalDay ?? review.reviewDay + nominalLeadTimeDays;
  let cycles = 0;
  let served = 0;
  for (let i = 0; i < reviews.length; i++) {
    if (i > 0 && !(reviews[i].reviewDay > reviews[i - 1].reviewDay)) throw new Error('cycleServiceLevel: reviews must be in ascending order of review day');
    const start = arrival(reviews[i]);
    const end = i + 1 < reviews.length ? arrival(reviews[i + 1]) : reviews[i].reviewDay + reviewPeriodDays + nominalLeadTimeDays;
    if (end - 1 > lastDay || end <= start) continue;
    cycles += 1;
    let short = false;
    for (let day = start; day < end && !short; day++) short = shortDays.has(day);
    if (!short) served += 1;
  }
  return { cycles, served, level: cycles === 0 ? null : served / cycles };
}

/**
 * Policy backtest: replays a periodic-review order-up-to policy (R, S) over a demand history, so that a promised cycle
 * service level can be measured rather than assumed. Pure: demand in, counts and averages out.
 *
 * Timing within one period t (Silver, Pyke and Peterson 1998, ch. 7, (R, S) system):
 *   1. receipts due at t arrive; they fill backorders first, the rest goes on hand;
 *   2. at a review (t = W, W + R, W + 2R, …) the policy sets S from demand[0 … t − 1] only and orders
 *      max(0, S − inventory position), inventory position = on hand + on order − backordered; the order arrives at t + L
 *      (L = 0: before this period's demand);
 *   3. demand of period t is met from stock on hand; the rest is backordered.
 * Cycles are counted as `replen replay` counts them (cycleServiceLevel, models/policy/cycle-service.ts), in periods
 * instead of days: the cycle of review t runs from the arrival of its order to the arrival of the next review's, and
 * is served when no period in it had demand that stock could not meet. With a fixed lead time that is periods
 * t + L … t + L + R − 1.
 */
import { normalDraw, seededRandom, type Random } from '../stats/random';
import { cycleServiceLevel, type ReviewOrder } from './cycle-service';

export interface ReplayOptions {
  /** Lead time L in periods, a whole number ≥ 0 (the mean when leadTimeStdDev > 0, then ≥ 1). */
  leadTime: number;
  /** Review period R in periods, a whole number ≥ 1. */
  reviewPeriod: number;
  /** First review W: periods 0 … W − 1 are history only. 1 ≤ W < demand.length. */
  warmup: number;
  /** Standard deviation of the lead time in periods (default 0): each order's lead time is max(1, round(L + sd·N(0, 1))). */
  leadTimeStdDev?: number;
  /** Seed of the lead-time draws (default 1). */
  seed?: number;
}

/** One replayed period, after its demand. */
export interface ReplayPeriod {
  period: number;
  received: number;
  /** S set at this period's review; null when it is not a review. */
  orderUpTo: number | null;
  ordered: number;
  /** The period the order arrives in; null without an order. */
  arrivalPeriod: number | null;
  demand: number;
  metFromStock: number;
  onHand: number;
  backordered: number;
}

export interface ReplayResult {
  /** Replenishment cycles that ended within the history (cycleServiceLevel: crossed orders make none). */
  cycles: number;
  /** Cycles without a period of demand that stock could not meet. */
  cyclesServed: number;
  /** cyclesServed / cycles; null without a complete cycle. */
  achievedCycleServiceLevel: number | null;
  /** Demand met from stock in its own period / all demand from W on; null without demand. */
  fillRate: number | null;
  /** Means over periods W … n − 1 of the end-of-period stock on hand and backorders. */
  averageOnHand: number;
  averageBackordered: number;
  /** Orders placed with a positive quantity. */
  orders: number;
  trace: ReplayPeriod[];
}

function checkReplayOptions(functionName: string, periods: number, options: ReplayOptions): void {
  const { leadTime, reviewPeriod, warmup, leadTimeStdDev = 0 } = options;
  if (!(Number.isInteger(leadTime) && leadTime >= 0)) throw new Error(`${functionName}: leadTime must be a whole number ≥ 0, got ${leadTime}`);
  if (!(Number.isInteger(reviewPeriod) && reviewPeriod >= 1)) throw new Error(`${functionName}: reviewPeriod must be a whole number ≥ 1, got ${reviewPeriod}`);
  if (!(Number.isInteger(warmup) && warmup >= 1 && warmup < periods)) {
    throw new Error(`${functionName}: warmup must be a whole number in [1, ${periods - 1}] for ${periods} periods, got ${warmup}`);
  }
  if (!(leadTimeStdDev >= 0 && Number.isFinite(leadTimeStdDev))) throw new Error(`${functionName}: leadTimeStdDev must be ≥ 0, got ${leadTimeStdDev}`);
  if (leadTimeStdDev > 0 && leadTime < 1) throw new Error(`${functionName}: a random lead time needs leadTime ≥ 1`);
}

function checkDemand(functionName: string, demand: number[]): void {
  demand.forEach((value, period) => {
    if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${functionName}: demand must be finite and ≥ 0, got ${value} in period ${period}`);
  });
}

/** A seeded draw of one order's lead time: the rounded normal, clipped at 1 period. */
function leadTimeSampler(leadTime: number, leadTimeStdDev: number, random: Random): () => number {
  if (leadTimeStdDev === 0) return () => leadTime;
  return () => Math.max(1, Math.round(leadTime + leadTimeStdDev * normalDraw(random)));
}

/** S at a review, or a min/max pair (s, S): then an order is placed only when the position is at or below s. */
export type ReviewLevels = number | { reorderPoint: number; orderUpTo: number };

/**
 * Replays an (R, S) policy over demand[W …] with S given per review by `orderUpToAt(t)` (which must look only at
 * demand before t). Stock starts at W with S_W on hand and nothing on order, as if the policy had always run.
 * Counts and stock are compared with a tolerance of 1e-9 × the largest demand, so that rounding in S never counts as a stock-out.
 */
export function replayOrderUpTo(demand: number[], orderUpToAt: (period: number) => ReviewLevels, options: ReplayOptions): ReplayResult {
  checkDemand('replayOrderUpTo', demand);
  checkReplayOptions('replayOrderUpTo', demand.length, options);
  const { leadTime, reviewPeriod, warmup } = options;
  const drawLeadTime = leadTimeSampler(leadTime, options.leadTimeStdDev ?? 0, seededRandom(options.seed ?? 1));
  const tolerance = 1e-9 * Math.max(1, ...demand);
  const receipts = new Map<number, number>();
  const trace: ReplayPeriod[] = [];
  let net = 0; // on hand − backordered
  let onOrder = 0;
  let orders = 0;
  const reviews: ReviewOrder[] = [];
  const shortPeriods = new Set<number>();
  let totalDemand = 0;
  let totalMet = 0;

  for (let t = warmup; t < demand.length; t++) {
    const received = receipts.get(t) ?? 0;
    net += received;
    onOrder -= received;
    let orderUpTo: number | null = null;
    let ordered = 0;
    let arrivalPeriod: number | null = null;
    if ((t - warmup) % reviewPeriod === 0) {
      const levels = orderUpToAt(t);
      const reorderPoint = typeof levels === 'number' ? null : levels.reorderPoint;
      orderUpTo = typeof levels === 'number' ? levels : levels.orderUpTo;
      if (!(orderUpTo >= 0 && Number.isFinite(orderUpTo))) throw new Error(`replayOrderUpTo: order-up-to level must be finite and ≥ 0, got ${orderUpTo} in period ${t}`);
      if (t === warmup) net = orderUpTo;
      const shortfall = orderUpTo - (net + onOrder);
      const due = reorderPoint === null || net + onOrder <= reorderPoint + tolerance;
      if (due && shortfall > tolerance) {
        ordered = shortfall;
        orders += 1;
        arrivalPeriod = t + drawLeadTime();
        if (arrivalPeriod === t) net += ordered;
        else {
          receipts.set(arrivalPeriod, (receipts.get(arrivalPeriod) ?? 0) + ordered);
          onOrder += ordered;
        }
      }
      reviews.push({ reviewDay: t, arrivalDay: arrivalPeriod });
    }
    const metFromStock = Math.min(Math.max(net, 0), demand[t]);
    net -= demand[t];
    totalDemand += demand[t];
    totalMet += metFromStock;
    const onHand = net > tolerance ? net : 0;
    const backordered = net < -tolerance ? -net : 0;
    trace.push({ period: t, received, orderUpTo, ordered, arrivalPeriod, demand: demand[t], metFromStock, onHand, backordered });
    if (metFromStock < demand[t] - tolerance) shortPeriods.add(t);
  }
  const service = cycleServiceLevel(reviews, shortPeriods, { nominalLeadTimeDays: leadTime, reviewPeriodDays: reviewPeriod, lastDay: demand.length - 1 });

  const replayed = trace.length;
  return {
    cycles: service.cycles,
    cyclesServed: service.served,
    achievedCycleServiceLevel: service.level,
    fillRate: totalDemand === 0 ? null : totalMet / totalDemand,
    averageOnHand: trace.reduce((sum, row) => sum + row.onHand, 0) / replayed,
    averageBackordered: trace.reduce((sum, row) => sum + row.backordered, 0) / replayed,
    orders,
    trace,
  };
}

/** One constant order-up-to level and the cycle service level it achieves over the replay. */
export interface LevelAchieved {
  orderUpTo: number;
  cycleServiceLevel: number;
}

/**
 * A yardstick, not a policy: the oracle that knows the replayed demand and holds one constant S throughout. With a
 * fixed lead time every review then orders up to S, so at the end of a period p of the cycle of review t (periods
 * t + L … t + L + R − 1) the net stock is S − D(t … p), and the cycle is served exactly when D_t, the demand from t
 * through the cycle's last period with demand (0 when it has none), is at most S. CSL(S) = share of the D_t ≤ S: a
 * step function that jumps only at the D_t. `atLeast` is the smallest S whose CSL reaches the target, `below` the
 * largest S whose CSL falls short of it (null when even S = 0 reaches it). No S achieves a CSL strictly between the
 * two: e.g. 17 cycles with D_t = 0 in 15 and 1 in 2 give 88.2 % at S = 0 and 100 % at S = 1, and nothing in between,
 * at a 90 % target.
 */
export function integerLevelBand(demand: number[], serviceLevel: number, options: ReplayOptions): { below: LevelAchieved | null; atLeast: LevelAchieved } {
  checkDemand('integerLevelBand', demand);
  checkReplayOptions('integerLevelBand', demand.length, options);
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`integerLevelBand: serviceLevel must be in (0, 1), got ${serviceLevel}`);
  if ((options.leadTimeStdDev ?? 0) > 0) throw new Error('integerLevelBand: needs a fixed lead time');
  const { leadTime, reviewPeriod } = options;
  const totals: number[] = [];
  for (let t = options.warmup; t + leadTime + reviewPeriod <= demand.length; t += reviewPeriod) {
    let lastWithDemand = -1;
    for (let p = t + leadTime; p < t + leadTime + reviewPeriod; p++) if (demand[p] > 0) lastWithDemand = p;
    totals.push(lastWithDemand < 0 ? 0 : demand.slice(t, lastWithDemand + 1).reduce((sum, x) => sum + x, 0));
  }
  if (totals.length === 0) throw new Error('integerLevelBand: no complete cycle after the warm-up');
  totals.sort((a, b) => a - b);
  // The candidate levels are 0 and the distinct totals; the CSL of the k-th sorted total is (last index with it + 1) / n.
  const levels: LevelAchieved[] = [];
  if (totals[0] > 0) levels.push({ orderUpTo: 0, cycleServiceLevel: 0 });
  totals.forEach((total, i) => {
    if (i + 1 === totals.length || totals[i + 1] > total) levels.push({ orderUpTo: total, cycleServiceLevel: (i + 1) / totals.length });
  });
  const first = levels.findIndex((level) => level.cycleServiceLevel >= serviceLevel - 1e-12);
  return { below: first > 0 ? levels[first - 1] : null, atLeast: levels[first] };
}

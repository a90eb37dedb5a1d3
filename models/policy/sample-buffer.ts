/**
 * Which items are buffered from simulated demand samples (leadTimeDemandSamples, safetyStockFromSamples) rather than
 * from a forecast's errors or a normal: one rule for the planner (planItem, plan-stage) and the backtest
 * (src/services/replay/backtest.ts, through planningDemand), so that `npm run bench:policy` measures the policy buyers get.
 */
import type { DemandClass } from '../forecast/classify';

/** Classes whose buffer always comes from samples: intermittent and lumpy, plus those too sparse to smooth (one demand, none). */
const sampledDemandClasses: ReadonlySet<DemandClass> = new Set<DemandClass>(['intermittent', 'lumpy', 'short', 'zero']);

/**
 * Whole-unit demand averaging fewer units than this over L + R counts as a slow mover: its demand over the protection
 * interval is a handful of units, a discrete distribution that samples represent and a continuous error quantile does
 * not (the usual rule of thumb for switching from a normal to a discrete, e.g. Poisson, lead-time demand).
 */
export const slowMoverUnits = 10;

export interface SampleBufferInput {
  /** classifyDemand's class of `history` (the planner: the forecast's class, computed on the same weekly history). */
  demandClass: DemandClass;
  /** Demand per period up to now: the backtest's warm-up, the planner's weekly history since the first sale. */
  history: readonly number[];
  /** L + R in periods of the history (may be fractional); the planner's is the default source's. */
  protectionPeriods: number;
}

/**
 * Why the buffer comes from samples, or null when it does not: 'demand-class' for the intermittent, lumpy, short
 * (single demand) and zero classes; 'slow-mover' for any other class whose history is in whole units and averages
 * fewer than slowMoverUnits over the protection interval (mean per period × L + R; an empty history is no slow mover).
 */
export function sampleBufferReason({ demandClass, history, protectionPeriods }: SampleBufferInput): 'demand-class' | 'slow-mover' | null {
  if (!(protectionPeriods >= 0 && Number.isFinite(protectionPeriods))) throw new Error(`sampleBufferReason: protectionPeriods must be finite and ≥ 0, got ${protectionPeriods}`);
  if (sampledDemandClasses.has(demandClass)) return 'demand-class';
  if (history.length === 0 || !history.every(Number.isInteger)) return null;
  const meanPerPeriod = history.reduce((sum, value) => sum + value, 0) / history.length;
  return meanPerPeriod * protectionPeriods < slowMoverUnits ? 'slow-mover' : null;
}

/** Whether the buffer comes from demand samples (sampleBufferReason is not null). */
export function buffersFromSamples(input: SampleBufferInput): boolean {
  return sampleBufferReason(input) !== null;
}

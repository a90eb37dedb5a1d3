/**
 * The planner's record of the uncertainty it sizes a level from: the distribution of demand over the protection
 * interval H (lead time, + review period when periodic) that the safety stock is a quantile of. The plan stores it
 * in the policy's explanation (`protectionDemand`), and the API reads the interval buyers are shown from that same
 * record with the same function (protectionDemandLevel): the level at the item's target is the policy's level, and
 * the 80 % and 95 % points beside it are what the planner would have ordered up to at those targets. One record, so
 * that the band a buyer reads and the level the buyer is sent cannot disagree.
 *
 * The forecast's weekly 80/95 % bands (models/forecast/calibrated-intervals) say how far one week's demand may fall
 * from its forecast; they are not this distribution (a quantile of a sum is not the sum of the weeks' quantiles, and
 * a central 80 % band's top is a 90 % quantile), and the planner never reads them.
 */
import { errorQuantileAt, type ProtectionErrors } from '../forecast/protection-errors';
import { normalQuantile } from '../stats/normal';
import { errorPlusNormalQuantile } from './safety-stock';

interface RecordBase {
  /** H in periods: what the level covers (lead time, + review period when periodic). */
  horizonPeriods: number;
  /** The forecast's demand over H: the level less the safety stock. */
  forecastDemand: number;
  /** True when the planner orders up to the nearest whole unit (periodic review of whole-unit sampled demand). */
  wholeUnits: boolean;
}

export type ProtectionDemandRecord = RecordBase &
  (
    | {
        /** The forecast's errors over H (the pooled class tail above 80 %) plus what a random lead time adds: errorPlusNormalQuantile. */
        kind: 'forecast-errors';
        errors: ProtectionErrors;
        /** Units of one error: the forecast over H for relative errors, else 1. */
        unit: number;
        /** d·σ_L, the standard deviation of the demand a random lead time adds. */
        leadTimeSpread: number;
      }
    | {
        /** A normal of standard deviation σ over H (no error summary, a level outside the summary's grid, or a fill-rate target). */
        kind: 'normal';
        stdDev: number;
      }
    | {
        /** Simulated demand over H (intermittent, lumpy, short, zero and slow movers): its quantiles less its mean. */
        kind: 'samples';
        sampleMean: number;
        /** [probability, sample quantile] at protectionDemandProbabilities and the item's target. */
        quantiles: Array<[number, number]>;
        /**
         * Sized for the replenishment cycle (periodic review: the quantiles are of the draws whose cycle has demand):
         * the level may then sit below the forecast over H, where a quantile below the mean puts it.
         */
        cycleSized: boolean;
      }
  );

/** Probabilities the page shows beside the item's target: one-sided, as a service level is. */
export const protectionDemandProbabilities: readonly number[] = Object.freeze([0.8, 0.95]);

/**
 * What demand over H is not exceeded with probability p, less the forecast over H: the buffer the planner holds for a
 * cycle service level p before it is floored at 0. Null where the record cannot say (a forecast-error record outside
 * its grid's 50 … 99.5 %, a sample record at a probability it did not keep).
 */
export function protectionDemandBuffer(record: ProtectionDemandRecord, probability: number): number | null {
  if (!(probability > 0 && probability < 1)) throw new Error(`protectionDemandBuffer: probability must be in (0, 1), got ${probability}`);
  switch (record.kind) {
    case 'forecast-errors':
      return errorQuantileAt(record.errors, probability) === null ? null : errorPlusNormalQuantile(record.errors, record.leadTimeSpread, probability, record.unit);
    case 'normal':
      return normalQuantile(probability) * record.stdDev;
    case 'samples': {
      const kept = record.quantiles.find(([p]) => Math.abs(p - probability) <= 1e-12);
      return kept ? kept[1] - record.sampleMean : null;
    }
  }
}

/**
 * The level the planner sets for a cycle service level p from the record: forecast over H + max(0, buffer) (a
 * cycle-sized record: max(0, forecast over H + buffer)), the nearest whole unit where the planner orders whole units.
 * At the item's target it is the policy's reorder point (continuous review) or order-up-to level (periodic); the plan
 * computes its level through this function.
 */
export function protectionDemandLevel(record: ProtectionDemandRecord, probability: number): number | null {
  const buffer = protectionDemandBuffer(record, probability);
  if (buffer === null) return null;
  const level =
    record.kind === 'samples' && record.cycleSized
      ? Math.max(0, record.forecastDemand + buffer)
      : record.forecastDemand + Math.max(0, buffer);
  return record.wholeUnits && !Number.isInteger(level) ? Math.round(level) : level;
}

/** The planner's interval as the API shows it: the record's level at 80 %, 95 % and the item's target. */
export interface ProtectionDemandInterval {
  horizonPeriods: number;
  forecastDemand: number;
  source: ProtectionDemandRecord['kind'];
  /** Ascending by probability; a probability the record cannot say (see protectionDemandBuffer) is left out. */
  points: Array<{ probability: number; level: number; target: boolean }>;
}

/**
 * The interval shown beside the weekly bands, read from the policy's own record: protectionDemandLevel at
 * protectionDemandProbabilities and, for a cycle-service target, at the target (there it is the policy's level; a
 * fill-rate level is k·σ, not a quantile of the record, and is not marked).
 */
export function protectionDemandInterval(record: ProtectionDemandRecord, service: { measure: string; level: number }): ProtectionDemandInterval {
  const target = service.measure === 'cycle' ? service.level : null;
  const probabilities = [...new Set([...protectionDemandProbabilities, ...(target === null ? [] : [target])])].sort((a, b) => a - b);
  return {
    horizonPeriods: record.horizonPeriods,
    forecastDemand: record.forecastDemand,
    source: record.kind,
    points: probabilities.flatMap((probability) => {
      const level = protectionDemandLevel(record, probability);
      return level === null ? [] : [{ probability, level, target: probability === target }];
    }),
  };
}

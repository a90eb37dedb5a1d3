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
        /**
         * Whole units sized for the cycle: [k, P(at-risk demand ≤ k)] at the whole units around each kept quantile, what
         * nearestWholeUnitLevel reads to choose the unit whose cycle service is nearest the probability asked.
         */
        cycleService?: Array<[number, number]>;
      }
  );

/**
 * The planned cycle service of a whole-unit level S when the at-risk demand has whole-unit distribution F (sorted
 * samples or kept points) and the forecast puts its mean `shift` above the samples' mean: demand + shift, a fractional
 * shift taken as one unit more (or less) with probability its fraction, so P(served) = F interpolated at S − shift.
 */
export function wholeUnitCycleService(cdf: (units: number) => number, shift: number, level: number): number {
  const x = level - shift;
  const below = Math.floor(x + 1e-9);
  const fraction = Math.max(0, x - below);
  return (1 - fraction) * cdf(below) + fraction * cdf(below + 1);
}

/**
 * The whole-unit level for cycle service p from the fractional level forecast + (quantile − mean): of the units either
 * side of it, the one whose planned cycle service (wholeUnitCycleService) is nearest p, the upper on a tie; never below 0.
 * On items selling a unit or two per cycle the units lie far apart in service (at 80 %, 0 units may give 70 % and
 * 1 unit 93 %): the nearest unit in units, or the next one up, lands on whichever its fraction says.
 */
export function nearestWholeUnitLevel(cdf: (units: number) => number, shift: number, level: number, probability: number): number {
  const up = Math.max(0, Math.ceil(level - 1e-9));
  if (up === 0) return 0;
  const gap = (units: number) => Math.abs(wholeUnitCycleService(cdf, shift, units) - probability);
  return gap(up - 1) < gap(up) ? up - 1 : up;
}

/** P(x ≤ units) over sorted samples (0 below the smallest). */
export function sampleCdf(sortedSamples: ArrayLike<number>): (units: number) => number {
  return (units) => {
    let low = 0;
    let high = sortedSamples.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sortedSamples[middle] <= units + 1e-9) low = middle + 1;
      else high = middle;
    }
    return low / sortedSamples.length;
  };
}

/** The points of a sample CDF that nearestWholeUnitLevel reads for quantiles q (the whole units q − 2 … q + 1, from 0). */
export function cycleServicePoints(sortedSamples: ArrayLike<number>, quantiles: readonly number[]): Array<[number, number]> {
  const cdf = sampleCdf(sortedSamples);
  const units = new Set<number>();
  for (const quantile of quantiles) for (let k = Math.max(0, Math.floor(quantile) - 2); k <= Math.floor(quantile) + 1; k++) units.add(k);
  return [...units].sort((a, b) => a - b).map((k) => [k, cdf(k)]);
}

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
 * cycle-sized record: max(0, forecast over H + buffer)); where the planner orders whole units, the nearest whole unit,
 * or, sized for the cycle, the whole unit whose cycle service is nearest p (nearestWholeUnitLevel).
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
  if (record.kind === 'samples' && record.wholeUnits && record.cycleService) {
    const points = new Map(record.cycleService);
    const cdf = (units: number) => {
      if (units < 0) return 0;
      const kept = points.get(units);
      if (kept === undefined) throw new Error(`protectionDemandLevel: the record keeps no cycle service at ${units} units`);
      return kept;
    };
    return nearestWholeUnitLevel(cdf, record.forecastDemand - record.sampleMean, level, probability);
  }
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

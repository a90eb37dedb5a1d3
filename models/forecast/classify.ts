/**
 * Demand classification by Syntetos, Boylan and Croston (2005, JORS 56): the average inter-demand
 * interval (ADI) and the squared coefficient of variation of the non-zero sizes (CV²) place a series in
 * one of four classes, which say whether Croston-type methods or smoothing of the raw series fit it.
 */
import { cleanDemand, demandOccurrences } from './intermittent';

/** 'dying' is never classifyDemand's: the forecast stage marks an item whose sales stopped (lifecycle.ts dyingSignal). */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy' | 'zero' | 'new' | 'short' | 'dying';

export interface DemandClassification {
  demandClass: DemandClass;
  /** Average inter-demand interval in periods; null without any demand. */
  adi: number | null;
  /** Squared coefficient of variation of the non-zero sizes; null with fewer than two demands. */
  cv2: number | null;
  nonZeroCount: number;
}

export interface ClassifyOptions {
  /** Fewer periods than this is 'new': too little history to classify (default 6). */
  minimumPeriods?: number;
}

/** Cut-offs of Syntetos, Boylan and Croston (2005). */
const adiCutOff = 1.32;
const cv2CutOff = 0.49;

/**
 * ADI = mean interval between demands, the first counted from the start of the series (as tsintermittent's
 * idclass and Croston's intervals), i.e. position of the last demand / number of demands, plus the run since the last
 * demand when it is longer than every interval (openInterval);
 * CV² = (sample standard deviation / mean)² of the non-zero sizes, standard deviation with n − 1.
 * smooth: ADI ≤ 1.32 and CV² ≤ 0.49; erratic: ADI ≤ 1.32, CV² > 0.49; intermittent: ADI > 1.32, CV² ≤ 0.49; lumpy: both above.
 * Before those: 'new' when shorter than minimumPeriods, 'zero' when there is no demand, 'short' with a single
 * demand (CV² needs two). Negative values count as zero demand, as in intermittent.ts.
 */
export function classifyDemand(values: number[], options: ClassifyOptions = {}): DemandClassification {
  const minimumPeriods = options.minimumPeriods ?? 6;
  if (!(Number.isInteger(minimumPeriods) && minimumPeriods >= 1)) {
    throw new Error(`classifyDemand: minimumPeriods must be a positive integer, got ${minimumPeriods}`);
  }
  const { sizes, intervals } = demandOccurrences(cleanDemand(values, 'classifyDemand'));
  const nonZeroCount = sizes.length;
  const adi = nonZeroCount === 0 ? null : (intervals.reduce((sum, interval) => sum + interval, 0) + openInterval(values, intervals)) / nonZeroCount;
  const cv2 = nonZeroCount < 2 ? null : squaredCoefficientOfVariation(sizes);
  const classified = (demandClass: DemandClass) => ({ demandClass, adi, cv2, nonZeroCount });
  if (values.length < minimumPeriods) return classified('new');
  if (adi === null) return classified('zero');
  if (cv2 === null) return classified('short');
  if (adi > adiCutOff) return classified(cv2 > cv2CutOff ? 'lumpy' : 'intermittent');
  return classified(cv2 > cv2CutOff ? 'erratic' : 'smooth');
}

/**
 * The run of periods since the last demand, when it is already longer than every interval between demands: then it
 * says demand has thinned or stopped (an item dying: 30 steady weeks, then 40 without a sale) and counts in the ADI,
 * which turns such an item intermittent (buffered from TSB samples, whose demand probability falls with the run).
 * A shorter run is the usual wait for the next demand and is left out, as tsintermittent's idclass leaves it. Only
 * zeros count: negative values are net returns, not periods without a sale.
 */
function openInterval(values: number[], intervals: number[]): number {
  let sinceLast = 0;
  while (sinceLast < values.length && values[values.length - 1 - sinceLast] === 0) sinceLast += 1;
  return intervals.length > 0 && sinceLast > Math.max(...intervals) ? sinceLast : 0;
}

function squaredCoefficientOfVariation(sizes: number[]): number {
  const mean = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
  const variance = sizes.reduce((sum, size) => sum + (size - mean) ** 2, 0) / (sizes.length - 1);
  return variance / (mean * mean);
}

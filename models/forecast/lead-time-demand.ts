/**
 * The distribution of total demand over a lead time, for safety stock of intermittent and lumpy items,
 * where a normal approximation of demand over the lead time puts mass below zero and misses the lumps.
 */
import { normalDraw, seededRandom, type Random } from '../stats/random';
import { cleanDemand, demandOccurrences, fitIntermittent, periodDemandSampler, type IntermittentMethod, type PeriodDemandModel } from './intermittent';

export { quantileOfSamples } from './intermittent';

/** A lead time in periods: fixed (may be fractional), or random as a mean and standard deviation, or as observed lead times. */
export type LeadTime = number | { mean: number; sd: number } | { samples: number[] };

/** A fitted intermittent method, or 'empirical': occurrence = share of periods with demand, sizes as observed. */
export type LeadTimeDemandMethod = IntermittentMethod | 'empirical';

export interface LeadTimeDemandOptions {
  horizon: LeadTime;
  /** Number of simulated lead times (default 10000). */
  samples?: number;
  /** Seed of the simulation (default 1). */
  seed?: number;
  /** Default 'tsb': its demand probability falls through a run of zeros, so a dying item does not keep its old stock. */
  method?: LeadTimeDemandMethod;
}

/**
 * Sorted simulated totals of demand over the lead time: each period's demand is drawn independently as in
 * periodDemandSampler (occurrence from the fit, sizes bootstrapped from the history as in Willemain, Smart and
 * Schwarz 2004, scaled to the fit's rate), so totals are non-negative and whole when the history is.
 * A fractional lead time L adds a last period that has demand with probability (L − ⌊L⌋)·occurrence
 * (a thinned period), which keeps the mean at L·rate. A random lead time is drawn per sample: from the observed
 * lead times, or from a gamma distribution with the given mean and sd (non-negative and right-skewed, as lead times are).
 */
export function leadTimeDemandSamples(history: number[], options: LeadTimeDemandOptions): number[] {
  return protectionDemandSamples(history, { ...options, cyclePeriods: 0 }).totals;
}

export interface ProtectionDemandSamples {
  /** Sorted totals over the protection interval: leadTimeDemandSamples. */
  totals: number[];
  /**
   * Sorted, from the same draws: the total when the cycle (the last cyclePeriods whole periods of the interval, the
   * days from one order's arrival to the next's) has demand, else 0. A replenishment cycle fails when a day inside it
   * has demand stock cannot meet, i.e. when the total exceeds S and the cycle itself has demand: a shortfall built up
   * before the arrival with no demand after it fails the cycle before, not this one. The p-quantile of these is the
   * lowest S whose cycles meet all their demand with probability p (for demand every period it is the totals' quantile).
   */
  atRisk: number[];
}

/**
 * leadTimeDemandSamples with, from the same draws, the demand at risk in the replenishment cycle: the last
 * `cyclePeriods` whole periods of each simulated interval are the cycle (a review period R of an interval L + R; the
 * fractional, thinned period belongs to the lead time). cyclePeriods 0: atRisk is totals.
 */
export function protectionDemandSamples(history: number[], options: LeadTimeDemandOptions & { cyclePeriods: number }): ProtectionDemandSamples {
  const samples = options.samples ?? 10000;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`leadTimeDemandSamples: samples must be a positive integer, got ${samples}`);
  const { cyclePeriods } = options;
  if (!(Number.isInteger(cyclePeriods) && cyclePeriods >= 0)) throw new Error(`protectionDemandSamples: cyclePeriods must be a whole number ≥ 0, got ${cyclePeriods}`);
  const leadTime = leadTimeDistribution(options.horizon);
  const drawPeriod = periodDemandSampler(periodModel(history, options.method ?? 'tsb'));
  const random = seededRandom(options.seed ?? 1);
  // Typed arrays: their sort is numeric without a comparator call per comparison.
  const totals = new Float64Array(samples);
  const atRisk = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const periods = leadTime.draw(random);
    const wholePeriods = Math.floor(periods);
    const cycleStart = cyclePeriods === 0 ? 0 : wholePeriods - cyclePeriods;
    let total = 0;
    let inCycle = 0;
    for (let period = 0; period < wholePeriods; period++) {
      const demand = drawPeriod(random);
      total += demand;
      if (period >= cycleStart) inCycle += demand;
    }
    if (random() < periods - wholePeriods) {
      const demand = drawPeriod(random);
      total += demand;
      // An interval shorter than the cycle is all cycle.
      if (cyclePeriods === 0 || cycleStart < 0) inCycle += demand;
    }
    totals[i] = total;
    atRisk[i] = inCycle > 0 || cyclePeriods === 0 ? total : 0;
  }
  const sortedTotals = Array.from(totals.sort());
  return { totals: sortedTotals, atRisk: cyclePeriods === 0 ? sortedTotals : Array.from(atRisk.sort()) };
}

/** The analytic mean of leadTimeDemandSamples: E[lead time] × the per-period rate of the method. */
export function expectedLeadTimeDemand(history: number[], options: Pick<LeadTimeDemandOptions, 'horizon' | 'method'>): number {
  return leadTimeDistribution(options.horizon).mean * periodModel(history, options.method ?? 'tsb').rate;
}

function periodModel(history: number[], method: LeadTimeDemandMethod): PeriodDemandModel {
  if (method !== 'empirical') return fitIntermittent(history, method);
  const demand = cleanDemand(history, 'leadTimeDemandSamples');
  const { sizes } = demandOccurrences(demand);
  const occurrence = demand.length === 0 ? 0 : sizes.length / demand.length;
  const meanSize = sizes.length === 0 ? 0 : sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
  return { rate: occurrence * meanSize, occurrence, sizes, integerValued: demand.every(Number.isInteger) };
}

/** Validates the lead time once; returns its mean and a draw of it. */
function leadTimeDistribution(horizon: LeadTime): { mean: number; draw: (random: Random) => number } {
  const check = (value: number, what: string) => {
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`leadTimeDemandSamples: ${what} must be a finite number ≥ 0, got ${value}`);
  };
  if (typeof horizon === 'number') {
    check(horizon, 'horizon');
    return { mean: horizon, draw: () => horizon };
  }
  if ('samples' in horizon) {
    if (horizon.samples.length === 0) throw new Error('leadTimeDemandSamples: horizon.samples needs at least one lead time');
    horizon.samples.forEach((value) => check(value, 'each lead-time sample'));
    const { samples } = horizon;
    return {
      mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
      draw: (random) => samples[Math.floor(random() * samples.length)],
    };
  }
  check(horizon.mean, 'horizon.mean');
  check(horizon.sd, 'horizon.sd');
  if (horizon.sd === 0) return { mean: horizon.mean, draw: () => horizon.mean };
  if (horizon.mean === 0) throw new Error('leadTimeDemandSamples: a lead time with mean 0 cannot have sd > 0');
  const shape = (horizon.mean / horizon.sd) ** 2;
  const scale = horizon.sd ** 2 / horizon.mean;
  return { mean: horizon.mean, draw: (random) => gammaDraw(shape, random) * scale };
}

/**
 * Gamma(shape, 1) draw by Marsaglia and Tsang (2000, ACM TOMS 26); for shape < 1 the boost
 * Gamma(shape) = Gamma(shape + 1)·U^(1/shape).
 */
function gammaDraw(shape: number, random: Random): number {
  if (shape < 1) return gammaDraw(shape + 1, random) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let normal: number;
    let v: number;
    do {
      normal = normalDraw(random);
      v = 1 + c * normal;
    } while (v <= 0);
    v = v * v * v;
    const uniform = random();
    if (Math.log(uniform) < 0.5 * normal * normal + d * (1 - v + Math.log(v))) return d * v;
  }
}

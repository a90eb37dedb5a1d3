import type { SeriesOutcome } from './driver';

/** Means over the series of a group (series without a cycle, or without demand, left out of that mean). */
export type OutcomeSummary = { series: number } & Omit<SeriesOutcome, 'seriesId' | 'demandClass' | 'spike' | 'weeklyOnHand' | 'weeklyBackordered' | 'weeklyDemand'>;

/** The SKUs given an injected spike, and how many ran out during it (SeriesOutcome.spike). */
export interface SpikeSummary {
  skus: number;
  ranOut: number;
  /** ranOut / skus; null without a spiked SKU. */
  share: number | null;
  /** Of them, those the sense job saw within the spike or the lead time after it (0 without --sense). */
  sensed: number;
  series: Array<{ seriesId: string; firstDay: number; ranOut: boolean; firstSensedDay: number | null }>;
}

function meanOf(values: Array<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((sum, x) => sum + x, 0) / present.length;
}

function summarise(outcomes: SeriesOutcome[]): OutcomeSummary {
  const total = (pick: (outcome: SeriesOutcome) => number) => outcomes.reduce((sum, outcome) => sum + pick(outcome), 0);
  return {
    series: outcomes.length,
    targetCsl: outcomes[0]?.targetCsl ?? 0,
    achievedCsl: meanOf(outcomes.map((outcome) => outcome.achievedCsl)),
    fillRate: meanOf(outcomes.map((outcome) => outcome.fillRate)),
    avgOnHand: meanOf(outcomes.map((outcome) => outcome.avgOnHand)) ?? 0,
    avgOnHandValue: total((outcome) => outcome.avgOnHandValue),
    weeksOfCover: meanOf(outcomes.map((outcome) => outcome.weeksOfCover)),
    backorderedUnits: total((outcome) => outcome.backorderedUnits),
    backorderDays: total((outcome) => outcome.backorderDays),
    orders: total((outcome) => outcome.orders),
    etaP90Met: meanOf(outcomes.map((outcome) => outcome.etaP90Met)),
    spikeSensedDays: total((outcome) => outcome.spikeSensedDays),
    senseFlaggedDays: total((outcome) => outcome.senseFlaggedDays),
    senseOrderedUnits: total((outcome) => outcome.senseOrderedUnits),
  };
}

/** summary.json: the outcomes per demand class and overall (avg_on_hand a mean per series; value, units, days, orders totals). */
export function summariseOutcomes(outcomes: SeriesOutcome[]): { overall: OutcomeSummary; byClass: Record<string, OutcomeSummary>; spikes?: SpikeSummary } {
  const classes = [...new Set(outcomes.map((outcome) => outcome.demandClass))].sort();
  const spiked = outcomes.flatMap(({ seriesId, spike }) => (spike ? [{ seriesId, firstDay: spike.firstDay, ranOut: spike.ranOut, firstSensedDay: spike.firstSensedDay }] : []));
  const ranOut = spiked.filter((one) => one.ranOut).length;
  return {
    overall: summarise(outcomes),
    byClass: Object.fromEntries(classes.map((demandClass) => [demandClass, summarise(outcomes.filter((outcome) => outcome.demandClass === demandClass))])),
    ...(spiked.length > 0 && { spikes: { skus: spiked.length, ranOut, share: ranOut / spiked.length, sensed: spiked.filter((one) => one.firstSensedDay !== null).length, series: spiked } }),
  };
}

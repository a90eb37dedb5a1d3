import type { SeriesOutcome } from './driver';

/** Means over the series of a group (series without a cycle, or without demand, left out of that mean). */
export type OutcomeSummary = { series: number } & Omit<SeriesOutcome, 'seriesId' | 'demandClass' | 'weeklyOnHand' | 'weeklyBackordered' | 'weeklyDemand'>;

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
    backorderedUnits: total((outcome) => outcome.backorderedUnits),
    backorderDays: total((outcome) => outcome.backorderDays),
    orders: total((outcome) => outcome.orders),
    etaP90Met: meanOf(outcomes.map((outcome) => outcome.etaP90Met)),
  };
}

/** summary.json: the outcomes per demand class and overall (avg_on_hand a mean per series; value, units, days, orders totals). */
export function summariseOutcomes(outcomes: SeriesOutcome[]): { overall: OutcomeSummary; byClass: Record<string, OutcomeSummary> } {
  const classes = [...new Set(outcomes.map((outcome) => outcome.demandClass))].sort();
  return {
    overall: summarise(outcomes),
    byClass: Object.fromEntries(classes.map((demandClass) => [demandClass, summarise(outcomes.filter((outcome) => outcome.demandClass === demandClass))])),
  };
}

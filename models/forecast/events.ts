/**
 * Events and promotions in a periodic demand series: which periods an event covers, the uplift measured on past
 * events, and the lift applied to the forecast of future ones. Days are whole day numbers (any fixed origin), so that
 * no calendar or clock enters here.
 */

export interface EventSpan {
  /** The event's kind: an uplift is measured and applied per kind (a promotion says nothing of a price change). */
  kind: string;
  firstDay: number;
  lastDay: number;
  /** The expected uplift (0.3 = 30 % more demand on the event's days), or null to use the measured one. */
  uplift: number | null;
}

/**
 * Days of each period covered by at least one of the spans (overlapping spans count a day once): period p runs from
 * firstDay + p·daysPerPeriod for daysPerPeriod days.
 */
export function coveredDays(spans: Array<Pick<EventSpan, 'firstDay' | 'lastDay'>>, firstDay: number, periods: number, daysPerPeriod: number): number[] {
  const covered = new Array<number>(periods).fill(0);
  const lastDay = firstDay + periods * daysPerPeriod - 1;
  const days = new Set<number>();
  for (const span of spans) {
    for (let day = Math.max(span.firstDay, firstDay); day <= Math.min(span.lastDay, lastDay); day++) days.add(day);
  }
  for (const day of days) covered[Math.floor((day - firstDay) / daysPerPeriod)] += 1;
  return covered;
}

/** What past events of one kind showed: demand above the baseline, and the baseline demand of the days they covered. */
export interface UpliftEvidence {
  /** Sum over the event periods of (demand − baseline). */
  extra: number;
  /** Sum over the event periods of baseline × covered days / days per period: the demand the covered days would have had. */
  exposure: number;
  /** Events (runs of consecutive covered periods) measured. */
  events: number;
}

export const NO_EVIDENCE: UpliftEvidence = { extra: 0, exposure: 0, events: 0 };

/**
 * The uplift evidence of a series' past events: each run of consecutive periods with covered days is one event; its
 * baseline is the mean demand of the up to `baselinePeriods` uncovered periods just before it (an event with none
 * before it, or a zero baseline, says nothing and is skipped). Periods with unknown demand (NaN) are skipped.
 */
export function measureUplift(demand: number[], covered: number[], options: { daysPerPeriod: number; baselinePeriods?: number }): UpliftEvidence {
  if (demand.length !== covered.length) throw new Error('measureUplift: demand and covered days differ in length');
  const baselinePeriods = options.baselinePeriods ?? 4;
  let { extra, exposure, events } = NO_EVIDENCE;
  for (let start = 0; start < demand.length; start++) {
    if (covered[start] === 0 || (start > 0 && covered[start - 1] > 0)) continue;
    let end = start;
    while (end + 1 < demand.length && covered[end + 1] > 0) end++;
    const before: number[] = [];
    for (let t = start - 1; t >= 0 && before.length < baselinePeriods; t--) if (covered[t] === 0 && Number.isFinite(demand[t])) before.push(demand[t]);
    const baseline = before.reduce((sum, value) => sum + value, 0) / before.length;
    if (!(baseline > 0)) continue;
    let measured = false;
    for (let t = start; t <= end; t++) {
      if (!Number.isFinite(demand[t])) continue;
      extra += demand[t] - baseline;
      exposure += (baseline * covered[t]) / options.daysPerPeriod;
      measured = true;
    }
    if (measured) events += 1;
  }
  return { extra, exposure, events };
}

/** Evidence of several series (a category's items) taken together. */
export function poolEvidence(evidence: UpliftEvidence[]): UpliftEvidence {
  return evidence.reduce((pool, one) => ({ extra: pool.extra + one.extra, exposure: pool.exposure + one.exposure, events: pool.events + one.events }), NO_EVIDENCE);
}

/** The uplift the evidence measures, extra / exposure (held above −1: demand never falls below zero), or null without any. */
export function measuredUplift(evidence: UpliftEvidence): number | null {
  if (evidence.events === 0 || !(evidence.exposure > 0)) return null;
  return Math.max(-0.99, evidence.extra / evidence.exposure);
}

/** Which uplift a future event gets: its own, else the item's measured one, else its category's; null: none known. */
export function chooseUplift(
  given: number | null,
  item: number | null,
  category: number | null,
): { uplift: number; source: 'given' | 'item' | 'category' } | null {
  if (given !== null) return { uplift: given, source: 'given' };
  if (item !== null) return { uplift: item, source: 'item' };
  if (category !== null) return { uplift: category, source: 'category' };
  return null;
}

/**
 * The factor each forecast period is multiplied by: 1 + Σ over its events of uplift × covered days / days per period
 * (a three-day promotion at +70 % lifts its week by 30 %).
 */
export function upliftFactors(periods: number, lifts: Array<{ covered: number[]; uplift: number }>, daysPerPeriod: number): number[] {
  return Array.from({ length: periods }, (_, t) =>
    Math.max(0, 1 + lifts.reduce((sum, lift) => sum + (lift.uplift * (lift.covered[t] ?? 0)) / daysPerPeriod, 0)),
  );
}

export interface EventAdjustment {
  /** Periods of the history an event covers: their demand is explained, never cleaned as an outlier. */
  explained: boolean[];
  /** Factor per forecast period (1 where no event falls). */
  factors: number[];
  /** Each kind of future event lifted, with the uplift used and where it came from; `uplift: null` when none was known. */
  applied: Array<{ kind: string; uplift: number | null; source: 'given' | 'item' | 'category' | null; periods: number[] }>;
}

/**
 * The events of one series: past ones explain their periods and measure the item's uplift per kind (measureUplift);
 * future ones (from period `history.length` on) lift the forecast by their given uplift, else the item's measured
 * one of the same kind, else `categoryUplifts[kind]`. `historyFirstDay` is the first day of period 0.
 */
export function eventAdjustment(input: {
  history: number[];
  historyFirstDay: number;
  horizon: number;
  daysPerPeriod: number;
  spans: EventSpan[];
  categoryUplifts?: Record<string, number | null>;
}): EventAdjustment {
  const { history, historyFirstDay, horizon, daysPerPeriod, spans } = input;
  const futureFirstDay = historyFirstDay + history.length * daysPerPeriod;
  const explained = coveredDays(spans, historyFirstDay, history.length, daysPerPeriod).map((days) => days > 0);
  const lifts: Array<{ covered: number[]; uplift: number }> = [];
  const applied: EventAdjustment['applied'] = [];
  const future = spans.filter((span) => span.lastDay >= futureFirstDay && span.firstDay < futureFirstDay + horizon * daysPerPeriod);
  const itemUplift = new Map<string, number | null>();
  for (const kind of new Set(future.map((span) => span.kind))) {
    const past = coveredDays(spans.filter((span) => span.kind === kind), historyFirstDay, history.length, daysPerPeriod);
    itemUplift.set(kind, measuredUplift(measureUplift(history, past, { daysPerPeriod })));
  }
  // One lift per span: a given uplift belongs to its own event; spans of a kind without one share the measured uplift.
  const groups = new Map<string, EventSpan[]>();
  for (const span of future) {
    const key = span.uplift === null ? `${span.kind}\tmeasured` : `${span.kind}\t${span.uplift}`;
    groups.set(key, [...(groups.get(key) ?? []), span]);
  }
  for (const group of groups.values()) {
    const { kind, uplift: given } = group[0];
    const chosen = chooseUplift(given, itemUplift.get(kind) ?? null, input.categoryUplifts?.[kind] ?? null);
    const covered = coveredDays(group, futureFirstDay, horizon, daysPerPeriod);
    const periods = covered.flatMap((days, t) => (days > 0 ? [t] : []));
    applied.push({ kind, uplift: chosen?.uplift ?? null, source: chosen?.source ?? null, periods });
    if (chosen) lifts.push({ covered, uplift: chosen.uplift });
  }
  return { explained, factors: upliftFactors(horizon, lifts, daysPerPeriod), applied };
}

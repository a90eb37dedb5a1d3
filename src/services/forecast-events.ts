import type { Knex } from 'knex';
import { addDays, dayNumber } from '../../db/dates';
import { eventsForItems, type ItemEvent, itemsWithPastEvents } from '../../db/repositories/events';
import { weeklySales, type WeeklySeries } from '../../db/repositories/sales';
import { coveredDays, type EventSpan, measuredUplift, measureUplift, poolEvidence, type UpliftEvidence } from '../../models/forecast/events';
import { selectionKey, type SeriesEvents, weeklyDemand } from './forecast-series';

const DAYS_PER_WEEK = 7;

const spansAt = (events: ItemEvent[], locationId: number): EventSpan[] =>
  events
    .filter((event) => event.locationId === null || event.locationId === locationId)
    .map((event) => ({ kind: event.kind, firstDay: dayNumber(event.startDate), lastDay: dayNumber(event.endDate), uplift: event.expectedUplift }));

function groupByItem(events: ItemEvent[]): Map<number, ItemEvent[]> {
  const byItem = new Map<number, ItemEvent[]>();
  for (const event of events) byItem.set(event.itemId, [...(byItem.get(event.itemId) ?? []), event]);
  return byItem;
}

/**
 * The events of a chunk's series over their history and horizon, by selectionKey, for forecastSeries: each series'
 * spans (the item's own events and its category's, at its location or all), and for a future event of a kind without
 * an uplift, the uplift measured on the category's items' past events of that kind (their weekly demand read in one
 * more query). Series without any event are absent.
 */
export async function chunkSeriesEvents(
  db: Knex,
  series: WeeklySeries[],
  window: { historyStart: string; firstPeriodStart: string; horizonWeeks: number; asOfDate: string; historyWeeks: number },
): Promise<Map<string, SeriesEvents>> {
  const range = { from: window.historyStart, to: addDays(window.firstPeriodStart, DAYS_PER_WEEK * window.horizonWeeks - 1) };
  const events = groupByItem(await eventsForItems(db, [...new Set(series.map((one) => one.itemId))], range));
  const result = new Map<string, SeriesEvents>();
  if (events.size === 0) return result;

  // (category, kind) of the future events that came without an uplift.
  const needed = new Map<string, Set<string>>();
  for (const itemEvents of events.values()) {
    for (const event of itemEvents) {
      if (event.expectedUplift !== null || event.itemCategory === null || event.endDate < window.firstPeriodStart) continue;
      needed.set(event.itemCategory, (needed.get(event.itemCategory) ?? new Set()).add(event.kind));
    }
  }
  const categoryUplifts = await measureCategoryUplifts(db, needed, window);

  for (const one of series) {
    const itemEvents = events.get(one.itemId);
    if (!itemEvents) continue;
    const spans = spansAt(itemEvents, one.locationId);
    if (spans.length === 0) continue;
    const category = itemEvents[0].itemCategory;
    result.set(selectionKey(one.itemId, one.locationId), { spans, categoryUplifts: (category !== null && categoryUplifts.get(category)) || {} });
  }
  return result;
}

/** Per category, per kind: the uplift its items' past events of that kind measure together (poolEvidence). */
async function measureCategoryUplifts(
  db: Knex,
  needed: Map<string, Set<string>>,
  window: { historyStart: string; firstPeriodStart: string; asOfDate: string; historyWeeks: number },
): Promise<Map<string, Record<string, number | null>>> {
  const uplifts = new Map<string, Record<string, number | null>>();
  if (needed.size === 0) return uplifts;
  const past = { from: window.historyStart, to: addDays(window.firstPeriodStart, -1) };
  const kinds = [...new Set([...needed.values()].flatMap((set) => [...set]))];
  const peers = await itemsWithPastEvents(db, [...needed.keys()], kinds, past);
  const peerEvents = groupByItem(await eventsForItems(db, peers, past));
  const sales = await weeklySales(db, peers, { endDate: window.asOfDate, weeks: window.historyWeeks });
  const evidence = new Map<string, UpliftEvidence[]>();
  for (const one of sales.series) {
    const itemEvents = peerEvents.get(one.itemId);
    const category = itemEvents?.[0].itemCategory;
    if (!itemEvents || !category) continue;
    const demand = weeklyDemand(one);
    const firstDay = dayNumber(window.firstPeriodStart) - DAYS_PER_WEEK * demand.length;
    for (const kind of needed.get(category) ?? []) {
      const covered = coveredDays(spansAt(itemEvents, one.locationId).filter((span) => span.kind === kind), firstDay, demand.length, DAYS_PER_WEEK);
      const key = `${category}\t${kind}`;
      evidence.set(key, [...(evidence.get(key) ?? []), measureUplift(demand, covered, { daysPerPeriod: DAYS_PER_WEEK })]);
    }
  }
  for (const [category, categoryKinds] of needed) {
    uplifts.set(category, Object.fromEntries([...categoryKinds].map((kind) => [kind, measuredUplift(poolEvidence(evidence.get(`${category}\t${kind}`) ?? []))])));
  }
  return uplifts;
}

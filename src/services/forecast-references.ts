import type { Knex } from 'knex';
import { activeItemsOfCategories, itemLineage } from '../../db/repositories/events';
import { weeklySales, type WeeklySeries } from '../../db/repositories/sales';
import { categoryProfile, NEW_ITEM_PERIODS } from '../../models/forecast/lifecycle';
import { selectionKey, type SeriesReference, weeklyDemand } from './forecast-series';

/** Items a category profile is averaged over, at most: enough for a mean weekly shape, bounded per chunk. */
const PROFILE_ITEMS_PER_CATEGORY = 200;

/**
 * References for the chunk's new items, by selectionKey: the like item's weekly demand at the same location, else
 * the profile of the item's category there (up to PROFILE_ITEMS_PER_CATEGORY of its items, those with at least
 * NEW_ITEM_PERIODS weeks of sales), each
 * aligned with the history window (NaN before a first sale). Two more queries at most, only when the chunk has new
 * items with a like SKU or a category.
 */
export async function chunkReferences(db: Knex, series: WeeklySeries[], window: { asOfDate: string; historyWeeks: number }): Promise<Map<string, SeriesReference>> {
  const references = new Map<string, SeriesReference>();
  const isNew = (one: WeeklySeries) => {
    const demand = weeklyDemand(one);
    return !demand.some((value) => value > 0) || demand.length < NEW_ITEM_PERIODS;
  };
  const candidates = series.filter(isNew);
  if (candidates.length === 0) return references;
  const lineage = new Map((await itemLineage(db, [...new Set(candidates.map((one) => one.itemId))])).map((row) => [row.itemId, row]));
  if (lineage.size === 0) return references;

  const likeIds = [...new Set([...lineage.values()].flatMap((row) => (row.likeItemId === null ? [] : [row.likeItemId])))];
  const categories = [...new Set([...lineage.values()].flatMap((row) => (row.category === null ? [] : [row.category])))];
  const peers = await activeItemsOfCategories(db, categories, PROFILE_ITEMS_PER_CATEGORY);
  const categoryOf = new Map(peers.map((peer) => [peer.itemId, peer.category]));
  const sales = await weeklySales(db, [...new Set([...likeIds, ...peers.map((peer) => peer.itemId)])], { endDate: window.asOfDate, weeks: window.historyWeeks });
  const aligned = (one: WeeklySeries) => {
    const demand = weeklyDemand(one);
    const started = demand.some((value) => value > 0) ? demand : [];
    return [...new Array<number>(window.historyWeeks - started.length).fill(Number.NaN), ...started];
  };
  const demandOf = new Map(sales.series.map((one) => [selectionKey(one.itemId, one.locationId), aligned(one)]));
  const profiles = new Map<string, number[][]>();
  for (const one of sales.series) {
    const category = categoryOf.get(one.itemId);
    const demand = demandOf.get(selectionKey(one.itemId, one.locationId))!;
    if (category === undefined || demand.filter(Number.isFinite).length < NEW_ITEM_PERIODS) continue;
    const key = `${category}\t${one.locationId}`;
    profiles.set(key, [...(profiles.get(key) ?? []), demand]);
  }

  for (const one of candidates) {
    const row = lineage.get(one.itemId);
    if (!row) continue;
    const like = row.likeItemId === null ? undefined : demandOf.get(selectionKey(row.likeItemId, one.locationId));
    if (like && like.some(Number.isFinite)) {
      references.set(selectionKey(one.itemId, one.locationId), { basis: 'like-sku', name: row.likeSku!, demand: like });
      continue;
    }
    const members = row.category === null ? undefined : profiles.get(`${row.category}\t${one.locationId}`);
    if (members) references.set(selectionKey(one.itemId, one.locationId), { basis: 'category', name: row.category!, demand: categoryProfile(members) });
  }
  return references;
}

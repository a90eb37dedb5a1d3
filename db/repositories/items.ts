import type { Db } from '../connection';

/** An active item as the pipeline stages plan it. */
export interface ActiveItem {
  itemId: number;
  sku: string;
  unitCost: number;
  unitPrice: number;
  abcClassOverride: 'A' | 'B' | 'C' | null;
  serviceLevelOverride: number | null;
}

export interface ItemIdRange {
  firstItemId: number;
  lastItemId: number;
  itemCount: number;
}

/**
 * The active items of one range of activeItemIdRanges, in id order. The locations an item is planned at are those
 * its weekly sales or stock snapshots name (weeklySales returns one series per such pair), so they are not read here.
 */
export async function activeItemsInRange(db: Db, range: Pick<ItemIdRange, 'firstItemId' | 'lastItemId'>): Promise<ActiveItem[]> {
  const { rows } = await db.raw(
    `select id as item_id, sku, unit_cost::float8 as unit_cost, unit_price::float8 as unit_price,
            abc_class_override, service_level_override::float8 as service_level_override
       from items where active and id between ? and ? order by id`,
    [range.firstItemId, range.lastItemId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    sku: row.sku,
    unitCost: row.unit_cost,
    unitPrice: row.unit_price,
    abcClassOverride: row.abc_class_override,
    serviceLevelOverride: row.service_level_override,
  })) as ActiveItem[];
}

/** Splits active item ids into consecutive ranges of `chunkSize` items: one forecast job per range. */
export async function activeItemIdRanges(db: Db, chunkSize: number): Promise<ItemIdRange[]> {
  const { rows } = await db.raw(
    `select min(id) as first_item_id, max(id) as last_item_id, count(*)::int as item_count
       from (select id, (row_number() over (order by id) - 1) / ? as chunk from items where active) numbered
      group by chunk order by chunk`,
    [chunkSize],
  );
  return rows.map((row: Record<string, number>) => ({
    firstItemId: row.first_item_id,
    lastItemId: row.last_item_id,
    itemCount: row.item_count,
  }));
}

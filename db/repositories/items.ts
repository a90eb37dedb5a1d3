import type { Db } from '../connection';

export interface ItemLocation {
  itemId: number;
  sku: string;
  locationId: number;
  locationCode: string;
  unitCost: number;
  unitPrice: number;
  abcClassOverride: 'A' | 'B' | 'C' | null;
  serviceLevelOverride: number | null;
}

export interface ItemLocationChunk {
  pairs: ItemLocation[];
  /** Pass as `afterItemId` to read the next chunk; null after the last. */
  nextCursor: number | null;
}

export interface ItemIdRange {
  firstItemId: number;
  lastItemId: number;
  itemCount: number;
}

/**
 * Active items with the locations they are planned at (those with sales history or a stock snapshot), for up to
 * `limit` items with id > afterItemId (and <= throughItemId when given, to read one range of activeItemIdRanges)
 * in id order: a keyset cursor, so that each chunk costs the same.
 */
export async function listActiveItemLocations(
  db: Db,
  options: { afterItemId: number; limit: number; throughItemId?: number },
): Promise<ItemLocationChunk> {
  const { rows } = await db.raw(
    `with chunk as (
       select id, sku, unit_cost, unit_price, abc_class_override, service_level_override
         from items where active and id > ? and id <= coalesce(?::int, 2147483647) order by id limit ?
     ), stocked as (
       select distinct item_id, location_id from daily_sales where item_id in (select id from chunk)
       union
       select distinct item_id, location_id from on_hand_snapshots where item_id in (select id from chunk)
     )
     select c.id as item_id, c.sku, l.id as location_id, l.code as location_code,
            c.unit_cost::float8 as unit_cost, c.unit_price::float8 as unit_price,
            c.abc_class_override, c.service_level_override::float8 as service_level_override
       from chunk c
       left join stocked s on s.item_id = c.id
       left join locations l on l.id = s.location_id
      order by c.id, l.id`,
    [options.afterItemId, options.throughItemId ?? null, options.limit],
  );
  const itemCount = new Set(rows.map((row: { item_id: number }) => row.item_id)).size;
  return {
    // An item without history or stock has no location to plan yet, but still moves the cursor.
    pairs: rows
      .filter((row: { location_id: number | null }) => row.location_id !== null)
      .map((row: Record<string, unknown>) => ({
        itemId: row.item_id,
        sku: row.sku,
        locationId: row.location_id,
        locationCode: row.location_code,
        unitCost: row.unit_cost,
        unitPrice: row.unit_price,
        abcClassOverride: row.abc_class_override,
        serviceLevelOverride: row.service_level_override,
      })) as ItemLocation[],
    nextCursor: itemCount === options.limit ? rows[rows.length - 1].item_id : null,
  };
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

import type { Db } from '../connection';

/** An event as it applies to one item: its own, or its category's (then `category` is set). */
export interface ItemEvent {
  itemId: number;
  /** The item's category, whether or not the event was posted on it. */
  itemCategory: string | null;
  /** Null: the event holds at every location. */
  locationId: number | null;
  kind: string;
  startDate: string;
  endDate: string;
  expectedUplift: number | null;
}

/**
 * The events on the given items that overlap [from, to]: posted on the item, or on its category, in one query. An
 * event on a category is listed once per item of it.
 */
export async function eventsForItems(db: Db, itemIds: number[], range: { from: string; to: string }): Promise<ItemEvent[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select i.id as item_id, i.category as item_category, e.location_id, e.kind, e.start_date::text as start_date,
            e.end_date::text as end_date, e.expected_uplift::float8 as expected_uplift
       from items i
       join demand_events e on e.item_id = i.id
      where i.id = any(?::int[]) and e.end_date >= ?::date and e.start_date <= ?::date
     union all
     select i.id, i.category, e.location_id, e.kind, e.start_date::text, e.end_date::text, e.expected_uplift::float8
       from items i
       join demand_events e on e.category = i.category
      where i.id = any(?::int[]) and e.end_date >= ?::date and e.start_date <= ?::date
      order by 1, 5, 4`,
    [itemIds, range.from, range.to, itemIds, range.from, range.to],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    itemCategory: row.item_category,
    locationId: row.location_id,
    kind: row.kind,
    startDate: row.start_date,
    endDate: row.end_date,
    expectedUplift: row.expected_uplift,
  })) as ItemEvent[];
}

/**
 * The items of the given categories that had an event of one of `kinds` (their own or their category's) within
 * [from, to]: the items a category's uplift is measured on.
 */
export async function itemsWithPastEvents(db: Db, categories: string[], kinds: string[], range: { from: string; to: string }): Promise<number[]> {
  if (categories.length === 0 || kinds.length === 0) return [];
  const { rows } = await db.raw(
    `select i.id from items i
      where i.category = any(?::text[])
        and exists (select 1 from demand_events e
                     where (e.item_id = i.id or e.category = i.category) and e.kind = any(?::text[])
                       and e.start_date >= ?::date and e.start_date <= ?::date)
      order by i.id`,
    [categories, kinds, range.from, range.to],
  );
  return rows.map((row: { id: number }) => row.id);
}

/** What the new-item forecast reads of an item: its category and like SKU's item, when it has them. */
export interface ItemLineage {
  itemId: number;
  category: string | null;
  likeSku: string | null;
  /** The like SKU's item id, when that item exists. */
  likeItemId: number | null;
}

export async function itemLineage(db: Db, itemIds: number[]): Promise<ItemLineage[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select i.id, i.category, i.like_sku, like_item.id as like_item_id
       from items i left join items like_item on like_item.sku = i.like_sku
      where i.id = any(?::int[]) and (i.category is not null or i.like_sku is not null)`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.id,
    category: row.category,
    likeSku: row.like_sku,
    likeItemId: row.like_item_id,
  })) as ItemLineage[];
}

/**
 * Up to `perCategory` active items of each given category (the lowest ids: a category profile needs a sample, not
 * every item, and a chunk's reads stay bounded however large the category).
 */
export async function activeItemsOfCategories(db: Db, categories: string[], perCategory: number): Promise<Array<{ itemId: number; category: string }>> {
  if (categories.length === 0) return [];
  const { rows } = await db.raw(
    `select id, category from (
       select id, category, row_number() over (partition by category order by id) as rank from items where active and category = any(?::text[])
     ) ranked where rank <= ? order by id`,
    [categories, perCategory],
  );
  return rows.map((row: { id: number; category: string }) => ({ itemId: row.id, category: row.category }));
}

import type { Knex } from 'knex';
import type { Db } from '../connection';

/**
 * The buyers' search (`q=` on GET /recommendations and GET /skus), in two index-backed forms:
 * - a term with three letters or digits in a row: a case-insensitive substring of the item's SKU or description, or
 *   of a supplier's SKU for it, found through the trigram indexes of migration 040 (items_search_trgm,
 *   supplier_items_search_trgm);
 * - a shorter term (one or two characters, or no three alphanumerics in a row): the start of the SKU or of a supplier
 *   SKU, any case, through the text_pattern_ops indexes of migration 080. A trigram index cannot narrow a substring
 *   with no trigram in it, so such a term scanned every item: 250–600 ms at 100,000 SKUs.
 * The expressions below are those of the indexes: change one, change both, or the search stops using the index.
 */
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u;

/** `text` as a LIKE pattern taken literally (its own %, _ and \ escaped), `%` on each side or at the end. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;
export const prefixPattern = (text: string) => `${escapeLike(text)}%`;

/** The two conditions of a term, on items `m` and supplier_items `ms`, each with one binding, the pattern. */
function conditionsOf(text: string): { item: string; supplierItem: string; pattern: string } {
  return HAS_TRIGRAM.test(text)
    ? { item: `(m.sku || ' ' || m.description) ilike ?`, supplierItem: `ms.supplier_sku ilike ?`, pattern: containsPattern(text) }
    : { item: `lower(m.sku) like lower(?)`, supplierItem: `lower(ms.supplier_sku) like lower(?)`, pattern: prefixPattern(text) };
}

/**
 * Up to this many matching items are looked up first and the page is read by their ids; past it, the page is read
 * in its own order and each row's item tested, which meets a page of matches within about `pageSize × items ÷ this`
 * rows (2,500 for 50 at 100,000 items). Either way a page costs a bounded number of index probes, where computing
 * every match of a common term ("bench", every item) took a second.
 */
export const SEARCH_ID_LIMIT = 2000;

/** A condition on an item id column (from `itemCondition`) and its bindings. */
export interface ItemCondition {
  sql: string;
  bindings: Knex.RawBinding[];
}

/**
 * The condition "the item in `itemIdColumn` matches `text`", chosen after counting the matches up to
 * SEARCH_ID_LIMIT: their ids when within it (possibly none), else a test of the row's own item: a probe by primary
 * key, and by item on supplier_items, of each row the page query walks in its index order until the page is full.
 */
export async function itemCondition(db: Db, itemIdColumn: string, text: string): Promise<ItemCondition> {
  const { item, supplierItem, pattern } = conditionsOf(text);
  // union all, not union: a union would gather every match before the limit could stop it.
  const { rows } = await db.raw(
    `(select m.id as item_id from items m where ${item}) union all (select ms.item_id from supplier_items ms where ${supplierItem}) limit ?`,
    [pattern, pattern, SEARCH_ID_LIMIT + 1],
  );
  const ids: number[] = [...new Set(rows.map((row: { item_id: number }) => row.item_id))] as number[];
  if (rows.length <= SEARCH_ID_LIMIT) return { sql: `${itemIdColumn} = any(?::int[])`, bindings: [ids] };
  return {
    sql: `(select ${item} or exists (select 1 from supplier_items ms where ms.item_id = m.id and ${supplierItem}) from items m where m.id = ${itemIdColumn})`,
    bindings: [pattern, pattern],
  };
}

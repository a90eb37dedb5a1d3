import type { Knex } from 'knex';

/**
 * The buyers' search: a case-insensitive substring of an item's SKU or description, or of a supplier's SKU for it.
 * The expressions are those of the trigram indexes of migration 040 (items_search_trgm, supplier_items_search_trgm):
 * change one, change both, or the search stops using the index.
 */
const itemText = `(m.sku || ' ' || m.description)`;

/** `text` as an ILIKE pattern matching it anywhere: its own %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * A condition on an item id column: the item's SKU or description, or one of its supplier SKUs, contains the text.
 * Two bindings, both the pattern.
 */
export function itemMatches(itemIdColumn: string, text: string): { sql: string; bindings: Knex.RawBinding[] } {
  const pattern = containsPattern(text);
  return {
    sql: `${itemIdColumn} in (select m.id from items m where ${itemText} ilike ?
                              union select ms.item_id from supplier_items ms where ms.supplier_sku ilike ?)`,
    bindings: [pattern, pattern],
  };
}

import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * The buyers' search for a term too short for a trigram (db/repositories/search.ts): the start of an item's SKU or
 * of a supplier's SKU, any case, read from these indexes (text_pattern_ops, so `lower(sku) like 'ab%'` is a range
 * under any collation). The expressions are those of search.ts: change one, change both.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create index items_sku_lower_prefix on items (lower(sku) text_pattern_ops)`,
    `create index supplier_items_sku_lower_prefix on supplier_items (lower(supplier_sku) text_pattern_ops)`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index items_sku_lower_prefix, supplier_items_sku_lower_prefix');
}

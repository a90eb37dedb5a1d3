import type { Knex } from 'knex';
import { execute } from './execute';

/**
 * What the buyers' page searches and finds (issue 14):
 * - trigram indexes (pg_trgm, a trusted extension on PostgreSQL 13+, loaded as a contrib module by PGlite) on the
 *   text a buyer types, "SKU description" of an item and a supplier's own SKU, so `q=` on GET /recommendations and
 *   GET /skus finds a substring with an index (db/repositories/search.ts holds the very expressions);
 * - decided lines across runs (status=decided): a buyer's decision keeps its line findable after the next run.
 */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    `create extension if not exists pg_trgm`,
    `create index items_search_trgm on items using gin ((sku || ' ' || description) gin_trgm_ops)`,
    `create index supplier_items_search_trgm on supplier_items using gin (supplier_sku gin_trgm_ops)`,
    `create index recommendations_decided on recommendations (decided_at desc, id desc) where decided_at is not null`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index recommendations_decided, supplier_items_search_trgm, items_search_trgm');
}

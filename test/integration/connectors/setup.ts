import type { Knex } from 'knex';
import { createLogger } from '../../../src/logger';
import { createConnectorService } from '../../../src/services/connectors';
import type { Source } from '../../../src/services/connectors/sources';
import { createImportService } from '../../../src/services/import-service';

/** Imports see a fixed day, so that the dates the tests use are never "in the future". */
export const TODAY = '2026-11-27';

/** Two locations and three items for the pulled records to refer to. */
export async function seedCatalogue(db: Knex): Promise<void> {
  await db.raw(`insert into locations (external_id, code, name) values ('L1', 'DC1', 'Main'), ('L2', 'DC2', 'North')`);
  await db.raw(`insert into items (external_id, sku, unit_of_measure) values ('A', 'SKU-A', 'EA'), ('B', 'SKU-B', 'EA'), ('C', 'SKU-C', 'EA')`);
}

/** The real connector service over the test database and the given sources. */
export function connectorsFor(db: Knex, sources: Source[]) {
  const imports = createImportService({ db, now: () => new Date(`${TODAY}T09:30:00Z`) });
  return createConnectorService({ db, imports, sources, logger: createLogger('silent') });
}

/** daily_sales as sku/location/date → quantity, for comparing whole tables. */
export async function dailySales(db: Knex): Promise<Record<string, number>> {
  const { rows } = await db.raw(
    `select i.sku, l.code, ds.sales_date, ds.quantity::float8 as quantity
       from daily_sales ds join items i on i.id = ds.item_id join locations l on l.id = ds.location_id
      order by 1, 2, 3`,
  );
  return Object.fromEntries(rows.map((row: Record<string, string | number>) => [`${row.sku}/${row.code}/${row.sales_date}`, Number(row.quantity)]));
}

export async function storedCursor(db: Knex, source: string): Promise<string | undefined> {
  return (await db.raw('select cursor from source_cursors where source = ?', [source])).rows[0]?.cursor;
}

import type { Knex } from 'knex';
import { copyRows, type CopyValue } from '../bulk';
import type { Db } from '../connection';

/** The tables the ERP pushes into, in the order one import writes them (parents before children). */
export const importTables = [
  'items',
  'suppliers',
  'supplier_items',
  'demand_events',
  'daily_sales',
  'on_hand_snapshots',
  'purchase_orders',
  'purchase_order_lines',
  'receipts',
  'sales_orders',
  'sales_order_lines',
] as const;
export type ImportTable = (typeof importTables)[number];

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface UpsertSpec {
  /** Staging column definitions: the ERP's view of a row, references by external id or code. */
  staging: string;
  /** Target columns, in the order of `select`. */
  target: string;
  /** Select list and joins over the staging table `s`, resolving references to internal ids. */
  select: string;
  conflict: string[];
  /** Whether the table has updated_at, touched only when something changed. */
  touch: boolean;
}

const specs: Record<ImportTable, UpsertSpec> = {
  items: {
    staging: `external_id text, sku text, description text, unit_of_measure text, unit_cost numeric,
              unit_price numeric, active boolean, category text, like_sku text`,
    target: 'external_id, sku, description, unit_of_measure, unit_cost, unit_price, active, category, like_sku',
    select: 'select s.external_id, s.sku, s.description, s.unit_of_measure, s.unit_cost, s.unit_price, s.active, s.category, s.like_sku from staging s',
    conflict: ['external_id'],
    touch: true,
  },
  suppliers: {
    staging: `external_id text, name text, currency text, min_order_value numeric, review_period_days integer,
              order_cost numeric, active boolean`,
    target: 'external_id, name, currency, min_order_value, review_period_days, order_cost, active',
    select: 'select s.external_id, s.name, s.currency, s.min_order_value, s.review_period_days, s.order_cost, s.active from staging s',
    conflict: ['external_id'],
    touch: true,
  },
  supplier_items: {
    staging: `external_id text, supplier text, sku text, supplier_sku text, unit_cost numeric, moq numeric,
              order_multiple numeric, promised_lead_time_days integer, priority integer, max_order_quantity numeric`,
    target: 'external_id, supplier_id, item_id, supplier_sku, unit_cost, moq, order_multiple, promised_lead_time_days, priority, max_order_quantity',
    select: `select s.external_id, sup.id, i.id, s.supplier_sku, s.unit_cost, s.moq, s.order_multiple, s.promised_lead_time_days, s.priority, s.max_order_quantity
               from staging s join suppliers sup on sup.external_id = s.supplier join items i on i.sku = s.sku`,
    conflict: ['external_id'],
    touch: true,
  },
  demand_events: {
    staging: `external_id text, sku text, category text, location text, kind text, start_date date, end_date date, expected_uplift numeric`,
    target: 'external_id, item_id, category, location_id, kind, start_date, end_date, expected_uplift',
    // No sku is an event on a category, no location one at every location.
    select: `select s.external_id, i.id, s.category, l.id, s.kind, s.start_date, s.end_date, s.expected_uplift
               from staging s left join items i on i.sku = s.sku left join locations l on l.code = s.location`,
    conflict: ['external_id'],
    touch: true,
  },
  daily_sales: {
    staging: `sku text, location text, sales_date date, quantity numeric, out_of_stock boolean`,
    target: 'item_id, location_id, sales_date, quantity, out_of_stock',
    select: `select i.id, l.id, s.sales_date, s.quantity, s.out_of_stock
               from staging s join items i on i.sku = s.sku join locations l on l.code = s.location`,
    conflict: ['item_id', 'location_id', 'sales_date'],
    touch: false,
  },
  on_hand_snapshots: {
    staging: `sku text, location text, snapshot_date date, quantity numeric`,
    target: 'item_id, location_id, snapshot_date, quantity',
    select: `select i.id, l.id, s.snapshot_date, s.quantity
               from staging s join items i on i.sku = s.sku join locations l on l.code = s.location`,
    conflict: ['item_id', 'location_id', 'snapshot_date'],
    touch: false,
  },
  purchase_orders: {
    staging: `external_id text, supplier text, location text, order_date date, promised_date date,
              expected_date date, status text`,
    target: 'external_id, supplier_id, location_id, order_date, promised_date, expected_date, status',
    select: `select s.external_id, sup.id, l.id, s.order_date, s.promised_date, s.expected_date, s.status
               from staging s join suppliers sup on sup.external_id = s.supplier join locations l on l.code = s.location`,
    conflict: ['external_id'],
    touch: true,
  },
  purchase_order_lines: {
    staging: `external_id text, purchase_order text, sku text, quantity_ordered numeric, quantity_received numeric,
              promised_date date`,
    target: 'external_id, purchase_order_id, item_id, quantity_ordered, quantity_received, promised_date',
    select: `select s.external_id, po.id, i.id, s.quantity_ordered, s.quantity_received, s.promised_date
               from staging s join purchase_orders po on po.external_id = s.purchase_order join items i on i.sku = s.sku`,
    conflict: ['external_id'],
    touch: true,
  },
  receipts: {
    staging: `external_id text, purchase_order_line text, received_date date, quantity numeric`,
    target: 'external_id, purchase_order_line_id, received_date, quantity',
    select: `select s.external_id, pol.id, s.received_date, s.quantity
               from staging s join purchase_order_lines pol on pol.external_id = s.purchase_order_line`,
    conflict: ['external_id'],
    touch: false,
  },
  sales_orders: {
    staging: `external_id text, customer_ref text, location text, order_date date, promised_date date, status text`,
    target: 'external_id, customer_ref, location_id, order_date, promised_date, status',
    select: `select s.external_id, s.customer_ref, l.id, s.order_date, s.promised_date, s.status
               from staging s join locations l on l.code = s.location`,
    conflict: ['external_id'],
    touch: true,
  },
  sales_order_lines: {
    staging: `external_id text, sales_order text, sku text, quantity_ordered numeric, quantity_shipped numeric,
              quantity_backordered numeric, promised_date date, eta date, shipped_date date`,
    target: 'external_id, sales_order_id, item_id, quantity_ordered, quantity_shipped, quantity_backordered, promised_date, eta, shipped_date',
    select: `select s.external_id, so.id, i.id, s.quantity_ordered, s.quantity_shipped, s.quantity_backordered, s.promised_date, s.eta, s.shipped_date
               from staging s join sales_orders so on so.external_id = s.sales_order join items i on i.sku = s.sku`,
    conflict: ['external_id'],
    touch: true,
  },
};

/** The staging columns of a table, in COPY order: the caller builds rows in this order. */
export function stagingColumns(table: ImportTable): string[] {
  return specs[table].staging.split(',').map((definition) => definition.trim().split(/\s+/)[0]);
}

/**
 * COPYs the rows into a temporary staging table and upserts them in one statement on the
 * table's natural key. A conflicting row is updated only when a value differs, so re-posting the same records
 * changes nothing (updated_at included). `xmax = 0` marks a freshly inserted row. Must run in a transaction. The
 * staging table is dropped after the upsert, so that one transaction can stage the same table again (a large file in
 * batches); a failed statement rolls the transaction back, which removes it too.
 */
/** Rows inserted by one batch from which its table's statistics are refreshed at once. */
const analyzeAfterInserted = 10_000;

export async function stageAndUpsert(trx: Knex.Transaction, table: ImportTable, rows: CopyValue[][]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const spec = specs[table];
  const staging = `import_${table}`;
  await trx.raw(`create temp table ${staging} (${spec.staging}) on commit drop`);
  await copyRows(trx, staging, stagingColumns(table), rows);
  const target = spec.target.split(/,\s*/);
  const updates = target.filter((column) => !spec.conflict.includes(column));
  const { rows: counts } = await trx.raw(
    `with upserted as (
       insert into ${table} (${spec.target})
       ${spec.select.replace('from staging s', `from ${staging} s`)}
       on conflict (${spec.conflict.join(', ')}) do update
          set ${updates.map((column) => `${column} = excluded.${column}`).join(', ')}${spec.touch ? ', updated_at = now()' : ''}
        where (${updates.map((column) => `${table}.${column}`).join(', ')}) is distinct from (${updates.map((column) => `excluded.${column}`).join(', ')})
       returning (xmax = 0) as inserted
     )
     select count(*) filter (where inserted) as inserted, count(*) filter (where not inserted) as updated from upserted`,
  );
  await trx.raw(`drop table ${staging}`);
  const inserted = Number(counts[0].inserted);
  const updated = Number(counts[0].updated);
  // Fresh statistics after a bulk insert: PGlite has no autovacuum, and a planner that still thinks the table is empty
  // picks plans that make the next run's inserts (foreign-key checks) 30× slower; on PostgreSQL it saves waiting for it.
  if (inserted >= analyzeAfterInserted) await trx.raw(`analyze ${table}`);
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

/** SKU → the item's external id and unit of measure, for the SKUs that exist. */
export async function itemsBySku(db: Db, skus: string[]): Promise<Map<string, { externalId: string; unitOfMeasure: string }>> {
  if (skus.length === 0) return new Map();
  const { rows } = await db.raw('select sku, external_id, unit_of_measure from items where sku = any(?::text[])', [skus]);
  return new Map(rows.map((row: Record<string, string>) => [row.sku, { externalId: row.external_id, unitOfMeasure: row.unit_of_measure }]));
}

/** Which of the given values exist in `table.column` (location codes, supplier or purchase order external ids). */
export async function existingKeys(
  db: Db,
  table: 'locations' | 'suppliers' | 'purchase_orders',
  column: 'code' | 'external_id',
  values: string[],
): Promise<Set<string>> {
  if (values.length === 0) return new Set();
  const { rows } = await db.raw(`select ${column} as key from ${table} where ${column} = any(?::text[])`, [values]);
  return new Set(rows.map((row: { key: string }) => row.key));
}

/** Which of the given categories some item has. */
export async function existingCategories(db: Db, categories: string[]): Promise<Set<string>> {
  if (categories.length === 0) return new Set();
  const { rows } = await db.raw('select distinct category from items where category = any(?::text[])', [categories]);
  return new Set(rows.map((row: { category: string }) => row.category));
}

/** Purchase order line external id → its order's external id, for the lines that exist. */
export async function purchaseOrderOfLines(db: Db, lineExternalIds: string[]): Promise<Map<string, string>> {
  if (lineExternalIds.length === 0) return new Map();
  const { rows } = await db.raw(
    `select pol.external_id as line, po.external_id as purchase_order
       from purchase_order_lines pol join purchase_orders po on po.id = pol.purchase_order_id
      where pol.external_id = any(?::text[])`,
    [lineExternalIds],
  );
  return new Map(rows.map((row: Record<string, string>) => [row.line, row.purchase_order]));
}

/** `${supplier external id}\t${sku}` → the supplier item's external id, for the pairs already offered. */
export async function supplierItemsByPair(db: Db, pairs: Array<[supplier: string, sku: string]>): Promise<Map<string, string>> {
  if (pairs.length === 0) return new Map();
  const { rows } = await db.raw(
    `select sup.external_id as supplier, i.sku, si.external_id
       from unnest(?::text[], ?::text[]) as p(supplier, sku)
       join suppliers sup on sup.external_id = p.supplier
       join items i on i.sku = p.sku
       join supplier_items si on si.supplier_id = sup.id and si.item_id = i.id`,
    [pairs.map(([supplier]) => supplier), pairs.map(([, sku]) => sku)],
  );
  return new Map(rows.map((row: Record<string, string>) => [`${row.supplier}\t${row.sku}`, row.external_id]));
}

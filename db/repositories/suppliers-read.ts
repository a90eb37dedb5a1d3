import type { Db } from '../connection';

export interface SupplierSummary {
  id: number;
  externalId: string;
  name: string;
  currency: string;
  minOrderValue: number;
  reviewPeriodDays: number;
  orderCost: number;
  active: boolean;
  itemCount: number;
}

export interface SupplierCatalogueItem {
  itemId: number;
  sku: string;
  description: string;
  supplierSku: string | null;
  unitCost: number;
  moq: number;
  orderMultiple: number;
  promisedLeadTimeDays: number;
  priority: number;
}

const supplierColumns = `s.id, s.external_id, s.name, s.currency, s.min_order_value::float8 as min_order_value, s.review_period_days,
  s.order_cost::float8 as order_cost, s.active, (select count(*)::int from supplier_items si where si.supplier_id = s.id) as item_count`;

function toSupplier(row: Record<string, unknown>): SupplierSummary {
  return {
    id: row.id as number,
    externalId: row.external_id as string,
    name: row.name as string,
    currency: (row.currency as string).trim(),
    minOrderValue: row.min_order_value as number,
    reviewPeriodDays: row.review_period_days as number,
    orderCost: row.order_cost as number,
    active: row.active as boolean,
    itemCount: row.item_count as number,
  };
}

/** Suppliers in id order after `afterId` (keyset). */
export async function listSuppliers(db: Db, options: { afterId?: number; limit: number }): Promise<SupplierSummary[]> {
  const { rows } = await db.raw(`select ${supplierColumns} from suppliers s where s.id > ? order by s.id limit ?`, [options.afterId ?? 0, options.limit]);
  return rows.map(toSupplier);
}

export async function findSupplier(db: Db, id: number): Promise<SupplierSummary | undefined> {
  const { rows } = await db.raw(`select ${supplierColumns} from suppliers s where s.id = ?`, [id]);
  return rows[0] ? toSupplier(rows[0]) : undefined;
}

/** The items a supplier offers, with its terms, by SKU. */
export async function supplierCatalogue(db: Db, supplierId: number): Promise<SupplierCatalogueItem[]> {
  const { rows } = await db.raw(
    `select si.item_id, i.sku, i.description, si.supplier_sku, si.unit_cost::float8 as unit_cost, si.moq::float8 as moq,
            si.order_multiple::float8 as order_multiple, si.promised_lead_time_days, si.priority
       from supplier_items si join items i on i.id = si.item_id
      where si.supplier_id = ?
      order by i.sku`,
    [supplierId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    sku: row.sku,
    description: row.description,
    supplierSku: row.supplier_sku ?? null,
    unitCost: row.unit_cost,
    moq: row.moq,
    orderMultiple: row.order_multiple,
    promisedLeadTimeDays: row.promised_lead_time_days,
    priority: row.priority,
  })) as SupplierCatalogueItem[];
}

/** Every item the supplier offers or was ever ordered from it: the items whose receipts show its lead times. */
export async function itemIdsOfSupplier(db: Db, supplierId: number): Promise<number[]> {
  const { rows } = await db.raw(
    `select item_id from supplier_items where supplier_id = ?
     union
     select pol.item_id from purchase_order_lines pol join purchase_orders po on po.id = pol.purchase_order_id where po.supplier_id = ?
     order by 1`,
    [supplierId, supplierId],
  );
  return rows.map((row: { item_id: number }) => row.item_id);
}

/** SKUs of items by id (for items ordered from a supplier that no longer offers them). */
export async function skusOf(db: Db, itemIds: number[]): Promise<Map<number, string>> {
  if (itemIds.length === 0) return new Map();
  const { rows } = await db.raw(`select id, sku from items where id = any(?::int[])`, [itemIds]);
  return new Map(rows.map((row: { id: number; sku: string }) => [row.id, row.sku]));
}

import type { Db } from '../connection';

export interface SupplierItem {
  supplierId: number;
  supplierName: string;
  currency: string;
  minOrderValue: number;
  reviewPeriodDays: number;
  orderCost: number;
  itemId: number;
  supplierSku: string | null;
  unitCost: number;
  moq: number;
  orderMultiple: number;
  promisedLeadTimeDays: number;
  /** 1 = primary supplier. */
  priority: number;
  /** The most one order may hold; null: no cap. */
  maxOrderQuantity: number | null;
}

/** Every active supplier's terms for the given items, primary first. */
export async function supplierItemsFor(db: Db, itemIds: number[]): Promise<SupplierItem[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select s.id as supplier_id, s.name as supplier_name, s.currency, s.min_order_value::float8 as min_order_value,
            s.review_period_days, s.order_cost::float8 as order_cost,
            si.item_id, si.supplier_sku, si.unit_cost::float8 as unit_cost, si.moq::float8 as moq,
            si.order_multiple::float8 as order_multiple, si.promised_lead_time_days, si.priority,
            si.max_order_quantity::float8 as max_order_quantity
       from supplier_items si
       join suppliers s on s.id = si.supplier_id
      where s.active and si.item_id = any(?::int[])
      order by si.item_id, si.priority, s.id`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    currency: row.currency,
    minOrderValue: row.min_order_value,
    reviewPeriodDays: row.review_period_days,
    orderCost: row.order_cost,
    itemId: row.item_id,
    supplierSku: row.supplier_sku,
    unitCost: row.unit_cost,
    moq: row.moq,
    orderMultiple: row.order_multiple,
    promisedLeadTimeDays: row.promised_lead_time_days,
    priority: row.priority,
    maxOrderQuantity: row.max_order_quantity ?? null,
  })) as SupplierItem[];
}

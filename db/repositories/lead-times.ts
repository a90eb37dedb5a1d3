import type { Db } from '../connection';

export interface ReceiptLeadTime {
  supplierId: number;
  itemId: number;
  locationId: number;
  purchaseOrderLineId: number;
  orderDate: string;
  promisedDate: string | null;
  receivedDate: string;
  /** Days from order to promise, null when the order had no promised date. */
  promisedLeadTimeDays: number | null;
  /** Days from order to this receipt. */
  actualLeadTimeDays: number;
  quantity: number;
}

/**
 * Every receipt of the given items received on or after `since`, with the lead time promised and the one observed,
 * oldest first: the history that lead-time statistics per supplier and item learn from.
 */
export async function receiptLeadTimes(db: Db, itemIds: number[], options: { since?: string } = {}): Promise<ReceiptLeadTime[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select po.supplier_id, pol.item_id, po.location_id, pol.id as purchase_order_line_id,
            po.order_date, coalesce(pol.promised_date, po.promised_date) as promised_date, r.received_date,
            coalesce(pol.promised_date, po.promised_date) - po.order_date as promised_lead_time_days,
            r.received_date - po.order_date as actual_lead_time_days,
            r.quantity::float8 as quantity
       from receipts r
       join purchase_order_lines pol on pol.id = r.purchase_order_line_id
       join purchase_orders po on po.id = pol.purchase_order_id
      where pol.item_id = any(?::int[]) and r.received_date >= coalesce(?::date, '-infinity'::date)
      order by po.supplier_id, pol.item_id, r.received_date, r.id`,
    [itemIds, options.since ?? null],
  );
  return rows.map((row: Record<string, unknown>) => ({
    supplierId: row.supplier_id,
    itemId: row.item_id,
    locationId: row.location_id,
    purchaseOrderLineId: row.purchase_order_line_id,
    orderDate: row.order_date,
    promisedDate: row.promised_date,
    receivedDate: row.received_date,
    promisedLeadTimeDays: row.promised_lead_time_days,
    actualLeadTimeDays: row.actual_lead_time_days,
    quantity: row.quantity,
  })) as ReceiptLeadTime[];
}

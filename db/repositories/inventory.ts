import type { Db } from '../connection';

export interface OnHand {
  itemId: number;
  locationId: number;
  snapshotDate: string;
  quantity: number;
}

export interface OpenPurchaseQuantity {
  itemId: number;
  locationId: number;
  /** Ordered minus received over open orders' lines. */
  quantity: number;
  /** Earliest expected (else promised) date among those lines. */
  earliestExpectedDate: string | null;
}

export interface BackorderedQuantity {
  itemId: number;
  locationId: number;
  quantity: number;
}

/** The latest stock snapshot of each item at each location, among the given items. */
export async function latestOnHand(db: Db, itemIds: number[]): Promise<OnHand[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select distinct on (item_id, location_id) item_id, location_id, snapshot_date, quantity::float8 as quantity
       from on_hand_snapshots
      where item_id = any(?::int[])
      order by item_id, location_id, snapshot_date desc`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    snapshotDate: row.snapshot_date,
    quantity: row.quantity,
  })) as OnHand[];
}

/** Quantity still to arrive on open purchase orders, per item and location (cancelled and closed orders excluded). */
export async function openPurchaseQuantities(db: Db, itemIds: number[]): Promise<OpenPurchaseQuantity[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select pol.item_id, po.location_id,
            sum(pol.quantity_ordered - pol.quantity_received)::float8 as quantity,
            min(coalesce(po.expected_date, pol.promised_date, po.promised_date)) as earliest_expected_date
       from purchase_order_lines pol
       join purchase_orders po on po.id = pol.purchase_order_id
      where po.status = 'open' and pol.item_id = any(?::int[]) and pol.quantity_ordered > pol.quantity_received
      group by pol.item_id, po.location_id
      order by pol.item_id, po.location_id`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    quantity: row.quantity,
    earliestExpectedDate: row.earliest_expected_date,
  })) as OpenPurchaseQuantity[];
}

/** Quantity owed to customers on open sales orders, per item and location. */
export async function backorderedQuantities(db: Db, itemIds: number[]): Promise<BackorderedQuantity[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select sol.item_id, so.location_id, sum(sol.quantity_backordered)::float8 as quantity
       from sales_order_lines sol
       join sales_orders so on so.id = sol.sales_order_id
      where so.status = 'open' and sol.quantity_backordered > 0 and sol.item_id = any(?::int[])
      group by sol.item_id, so.location_id
      order by sol.item_id, so.location_id`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    quantity: row.quantity,
  })) as BackorderedQuantity[];
}

import type { Knex } from 'knex';
import type { BackorderLine } from '../../models/policy/backorder-allocation';
import type { ArrivingReceipt, ReceiptLineAllocation } from '../../models/policy/receipt-allocation';
import type { Db } from '../connection';

/** Receipts of the batch not yet allocated, in the order they are served: received first, then booked first. */
export async function unallocatedReceipts(db: Db, externalIds: string[]): Promise<ArrivingReceipt[]> {
  if (externalIds.length === 0) return [];
  const { rows } = await db.raw(
    `select r.id, pol.item_id, po.location_id, r.quantity::float8 as quantity
       from receipts r
       join purchase_order_lines pol on pol.id = r.purchase_order_line_id
       join purchase_orders po on po.id = pol.purchase_order_id
      where r.external_id = any(?::text[]) and r.allocated_at is null and r.quantity > 0
      order by r.received_date, r.id`,
    [externalIds],
  );
  return rows.map((row: Record<string, number>) => ({ receiptId: row.id, itemId: row.item_id, locationId: row.location_id, quantity: row.quantity }));
}

/**
 * Backordered lines of open sales orders at the receipts' SKU × locations, with what each still waits for: its
 * backordered quantity less what receipts allocated to it since the ERP last changed the line (once the ERP ships
 * from a receipt, it sends the line with a smaller backorder, and those allocations are spent).
 */
export async function linesWaitingFor(db: Db, receipts: ArrivingReceipt[]): Promise<BackorderLine[]> {
  if (receipts.length === 0) return [];
  const { rows } = await db.raw(
    `select sol.id as sales_order_line_id, sol.item_id, so.location_id, so.order_date,
            coalesce(sol.promised_date, so.promised_date) as promised_date,
            greatest(sol.quantity_backordered - coalesce((
              select sum(ra.quantity) from receipt_allocations ra
               where ra.sales_order_line_id = sol.id and ra.created_at > sol.updated_at), 0), 0)::float8 as quantity_waiting
       from sales_order_lines sol
       join sales_orders so on so.id = sol.sales_order_id
       join (select distinct * from unnest(?::int[], ?::int[]) as p(item_id, location_id)) p
         on p.item_id = sol.item_id and p.location_id = so.location_id
      where so.status = 'open' and sol.quantity_backordered > 0`,
    [receipts.map((receipt) => receipt.itemId), receipts.map((receipt) => receipt.locationId)],
  );
  return rows.map((row: Record<string, unknown>) => ({
    salesOrderLineId: row.sales_order_line_id as number,
    itemId: row.item_id as number,
    locationId: row.location_id as number,
    quantityBackordered: row.quantity_waiting as number,
    orderDate: row.order_date as string,
    promisedDate: (row.promised_date as string | null) ?? null,
  }));
}

/**
 * Stores the allocations and marks the receipts allocated (even those no line waited for): two statements. Both take
 * the database's now(), the clock sales_order_lines.updated_at is written by, which linesWaitingFor compares.
 */
export async function saveReceiptAllocations(db: Db, receiptIds: number[], allocations: ReceiptLineAllocation[]): Promise<void> {
  if (allocations.length > 0) {
    await db.raw(
      `insert into receipt_allocations (receipt_id, sales_order_line_id, sequence, quantity)
       select * from unnest(?::int[], ?::int[], ?::int[], ?::numeric[])`,
      [allocations.map((a) => a.receiptId), allocations.map((a) => a.salesOrderLineId), allocations.map((a) => a.sequence), allocations.map((a) => a.quantity)] as Knex.RawBinding[],
    );
  }
  await db.raw(`update receipts set allocated_at = now() where id = any(?::int[])`, [receiptIds]);
}

/** One line of a receipt's cross-dock list, with what the warehouse and the customer know it by. */
export interface ReceiptAllocationLine {
  sequence: number;
  salesOrderLineId: number;
  salesOrderLineReference: string;
  salesOrderReference: string;
  customerRef: string;
  promisedDate: string | null;
  orderDate: string;
  quantity: number;
}

export interface ReceiptAllocation {
  receiptId: number;
  receiptReference: string;
  purchaseOrderReference: string;
  purchaseOrderLineReference: string;
  sku: string;
  locationCode: string;
  receivedDate: string;
  quantity: number;
  /** Null until the receipt is allocated (a receipt imported before allocation existed). */
  allocatedAt: string | null;
  lines: ReceiptAllocationLine[];
}

const receiptColumns = `r.id, r.external_id, po.external_id as purchase_order_reference, pol.external_id as purchase_order_line_reference,
  i.sku, l.code as location_code, r.received_date, r.quantity::float8 as quantity, r.allocated_at`;
const receiptJoins = `from receipts r
  join purchase_order_lines pol on pol.id = r.purchase_order_line_id
  join purchase_orders po on po.id = pol.purchase_order_id
  join items i on i.id = pol.item_id
  join locations l on l.id = po.location_id`;

/** Receipts by their ERP number, with the lines allocated from each in shipping order: two queries. */
export async function findReceiptAllocations(db: Db, externalIds: string[]): Promise<ReceiptAllocation[]> {
  if (externalIds.length === 0) return [];
  const { rows: receipts } = await db.raw(`select ${receiptColumns} ${receiptJoins} where r.external_id = any(?::text[]) order by r.id`, [externalIds]);
  if (receipts.length === 0) return [];
  const { rows: lines } = await db.raw(
    `select ra.receipt_id, ra.sequence, ra.sales_order_line_id, sol.external_id as sales_order_line_reference,
            so.external_id as sales_order_reference, so.customer_ref, coalesce(sol.promised_date, so.promised_date) as promised_date,
            so.order_date, ra.quantity::float8 as quantity
       from receipt_allocations ra
       join sales_order_lines sol on sol.id = ra.sales_order_line_id
       join sales_orders so on so.id = sol.sales_order_id
      where ra.receipt_id = any(?::int[])
      order by ra.receipt_id, ra.sequence`,
    [receipts.map((row: { id: number }) => row.id)],
  );
  return receipts.map((row: Record<string, unknown>) => ({
    receiptId: row.id as number,
    receiptReference: row.external_id as string,
    purchaseOrderReference: row.purchase_order_reference as string,
    purchaseOrderLineReference: row.purchase_order_line_reference as string,
    sku: row.sku as string,
    locationCode: row.location_code as string,
    receivedDate: row.received_date as string,
    quantity: row.quantity as number,
    allocatedAt: row.allocated_at ? new Date(row.allocated_at as string).toISOString() : null,
    lines: lines
      .filter((line: { receipt_id: number }) => line.receipt_id === row.id)
      .map((line: Record<string, unknown>) => ({
        sequence: line.sequence as number,
        salesOrderLineId: line.sales_order_line_id as number,
        salesOrderLineReference: line.sales_order_line_reference as string,
        salesOrderReference: line.sales_order_reference as string,
        customerRef: line.customer_ref as string,
        promisedDate: (line.promised_date as string | null) ?? null,
        orderDate: line.order_date as string,
        quantity: line.quantity as number,
      })),
  }));
}

import type { Db } from '../connection';
import type { RecommendationLineSource } from './recommendations';

export type SuggestedPurchaseOrderStatus = 'pending' | 'exported' | 'acknowledged' | 'cancelled';

export interface SuggestedPurchaseOrderLine {
  id: number;
  recommendationId: number;
  itemId: number;
  sku: string;
  description: string;
  supplierSku: string | null;
  quantity: number;
  unitCost: number | null;
  lineValue: number | null;
  needByDate: string | null;
}

export interface SuggestedPurchaseOrder {
  id: number;
  supplierId: number;
  supplierName: string;
  currency: string;
  locationId: number;
  locationCode: string;
  status: SuggestedPurchaseOrderStatus;
  erpPoNumber: string | null;
  /** Earliest need-by date over the lines. */
  needByDate: string | null;
  total: number;
  lines: SuggestedPurchaseOrderLine[];
  createdAt: string;
  updatedAt: string;
  exportedAt: string | null;
  acknowledgedAt: string | null;
  /** updated_at to the microsecond, with the id: the keyset of the incremental pull. */
  changeKey: [string, number];
}

/**
 * The idempotency_key column (unique) does three jobs: 'pending:<supplier>:<location>' while a purchase order
 * collects approved lines, so that there is at most one open order per pair even under concurrent approvals;
 * 'ack:<Idempotency-Key>' once the ERP acknowledged it; 'cancelled:<id>' when its last line went away.
 */
const pendingKey = `'pending:' || p.supplier_id || ':' || p.location_id`;

/** An arbitrary constant naming the advisory lock of lockPurchaseOrderChanges. */
const PURCHASE_ORDER_CHANGES_LOCK = 7_311_004_211;

/**
 * Serialises every transaction that changes suggested orders (call it first, before any row lock, so that lock
 * order is the same everywhere). With updated_at taken from clock_timestamp() while holding it, change times
 * follow commit order: a pull that has seen a change at time T can never later find another change before T,
 * which the (updated_at, id) cursor of the incremental pull relies on. now() would be the transaction's start.
 */
export async function lockPurchaseOrderChanges(db: Db): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(?::bigint)', [PURCHASE_ORDER_CHANGES_LOCK]);
}

const timestamp = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/**
 * Puts purchase-order lines in step with recommendations that changed: approved ones get a line (quantity, cost
 * and need-by date as approved) on the pending order of their supplier × location, created when missing; others
 * lose their line, and a pending order left without lines is cancelled. Every order touched gets a new updated_at,
 * so the ERP's next pull sees it. Set-based: one statement per step for any number of recommendations.
 * The caller holds lockPurchaseOrderChanges.
 */
export async function syncPurchaseOrderLines(db: Db, recommendations: RecommendationLineSource[]): Promise<void> {
  const approved = recommendations.filter((r) => r.status === 'approved' && r.supplierId !== null && r.quantity > 0);
  const others = recommendations.filter((r) => !approved.includes(r)).map((r) => r.recommendationId);
  if (others.length > 0) {
    const { rows } = await db.raw(
      `delete from suggested_purchase_order_lines where recommendation_id = any(?::bigint[]) returning suggested_purchase_order_id`,
      [others],
    );
    const touched: number[] = [...new Set<number>(rows.map((row: Record<string, unknown>) => Number(row.suggested_purchase_order_id)))];
    if (touched.length > 0) {
      await db.raw(
        `update suggested_purchase_orders po
            set updated_at = clock_timestamp(),
                status = case when exists (select 1 from suggested_purchase_order_lines l where l.suggested_purchase_order_id = po.id)
                              then po.status else 'cancelled' end,
                idempotency_key = case when exists (select 1 from suggested_purchase_order_lines l where l.suggested_purchase_order_id = po.id)
                                       then po.idempotency_key else 'cancelled:' || po.id end
          where po.id = any(?::bigint[]) and po.status = 'pending'`,
        [touched],
      );
    }
  }
  if (approved.length === 0) return;
  const pairs = [...new Map(approved.map((r) => [`${r.supplierId}:${r.locationId}`, r])).values()];
  const { rows: orders } = await db.raw(
    `insert into suggested_purchase_orders (supplier_id, location_id, idempotency_key, updated_at)
     select p.supplier_id, p.location_id, ${pendingKey}, clock_timestamp()
       from unnest(?::int[], ?::int[]) as p(supplier_id, location_id)
     on conflict (idempotency_key) do update set updated_at = clock_timestamp()
     returning id, supplier_id, location_id`,
    [pairs.map((r) => r.supplierId as number), pairs.map((r) => r.locationId)],
  );
  const orderIdOf = new Map(orders.map((row: Record<string, unknown>) => [`${row.supplier_id}:${row.location_id}`, Number(row.id)]));
  await db.raw(
    `insert into suggested_purchase_order_lines (suggested_purchase_order_id, recommendation_id, item_id, quantity, unit_cost, need_by_date)
     select order_id, recommendation_id, item_id, quantity, unit_cost, need_by_date
       from jsonb_to_recordset(?::jsonb)
         as l(order_id bigint, recommendation_id bigint, item_id int, quantity numeric, unit_cost numeric, need_by_date date)
     on conflict (recommendation_id) do update
        set suggested_purchase_order_id = excluded.suggested_purchase_order_id, quantity = excluded.quantity,
            unit_cost = excluded.unit_cost, need_by_date = excluded.need_by_date`,
    [
      JSON.stringify(
        approved.map((r) => ({
          order_id: orderIdOf.get(`${r.supplierId}:${r.locationId}`),
          recommendation_id: r.recommendationId,
          item_id: r.itemId,
          quantity: r.quantity,
          unit_cost: r.unitCost,
          need_by_date: r.needByDate,
        })),
      ),
    ],
  );
}

const orderColumns = `po.id, po.supplier_id, s.name as supplier_name, s.currency, po.location_id, l.code as location_code,
  po.status, po.erp_po_number, po.created_at, po.updated_at, po.exported_at, po.acknowledged_at,
  to_char(po.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as change_key`;
const orderJoins = `from suggested_purchase_orders po
  join suppliers s on s.id = po.supplier_id
  join locations l on l.id = po.location_id`;

/** Attaches lines, totals and need-by dates to order rows, with one query for all their lines. */
async function withLines(db: Db, rows: Array<Record<string, unknown>>): Promise<SuggestedPurchaseOrder[]> {
  if (rows.length === 0) return [];
  const { rows: lineRows } = await db.raw(
    `select ln.id, ln.suggested_purchase_order_id, ln.recommendation_id, ln.item_id, i.sku, i.description, si.supplier_sku,
            ln.quantity::float8 as quantity, ln.unit_cost::float8 as unit_cost, (ln.quantity * ln.unit_cost)::float8 as line_value,
            ln.need_by_date
       from suggested_purchase_order_lines ln
       join suggested_purchase_orders po on po.id = ln.suggested_purchase_order_id
       join items i on i.id = ln.item_id
       left join supplier_items si on si.supplier_id = po.supplier_id and si.item_id = ln.item_id
      where ln.suggested_purchase_order_id = any(?::bigint[])
      order by ln.suggested_purchase_order_id, i.sku, ln.id`,
    [rows.map((row) => Number(row.id))],
  );
  const linesByOrder = new Map<number, SuggestedPurchaseOrderLine[]>();
  for (const row of lineRows as Array<Record<string, unknown>>) {
    const orderId = Number(row.suggested_purchase_order_id);
    const lines = linesByOrder.get(orderId) ?? [];
    lines.push({
      id: Number(row.id),
      recommendationId: Number(row.recommendation_id),
      itemId: row.item_id as number,
      sku: row.sku as string,
      description: row.description as string,
      supplierSku: (row.supplier_sku as string | null) ?? null,
      quantity: row.quantity as number,
      unitCost: (row.unit_cost as number | null) ?? null,
      lineValue: (row.line_value as number | null) ?? null,
      needByDate: (row.need_by_date as string | null) ?? null,
    });
    linesByOrder.set(orderId, lines);
  }
  return rows.map((row) => {
    const lines = linesByOrder.get(Number(row.id)) ?? [];
    const needByDates = lines.map((line) => line.needByDate).filter((date): date is string => date !== null).sort();
    return {
      id: Number(row.id),
      supplierId: row.supplier_id as number,
      supplierName: row.supplier_name as string,
      currency: (row.currency as string).trim(),
      locationId: row.location_id as number,
      locationCode: row.location_code as string,
      status: row.status as SuggestedPurchaseOrderStatus,
      erpPoNumber: (row.erp_po_number as string | null) ?? null,
      needByDate: needByDates[0] ?? null,
      // Summed in cents so that 0.1 + 0.2 totals 0.30.
      total: Math.round(lines.reduce((sum, line) => sum + (line.lineValue ?? 0) * 100, 0)) / 100,
      lines,
      createdAt: timestamp(row.created_at)!,
      updatedAt: timestamp(row.updated_at)!,
      exportedAt: timestamp(row.exported_at),
      acknowledgedAt: timestamp(row.acknowledged_at),
      changeKey: [row.change_key as string, Number(row.id)],
    };
  });
}

/** Orders changed after the keyset `after` (updated_at, id), oldest change first: the ERP's incremental pull. */
export async function listChangedPurchaseOrders(db: Db, options: { after?: [string, number]; limit: number }): Promise<SuggestedPurchaseOrder[]> {
  const { rows } = await db.raw(
    `select ${orderColumns} ${orderJoins}
      where ?::timestamptz is null or (po.updated_at, po.id) > (?::timestamptz, ?::bigint)
      order by po.updated_at, po.id
      limit ?`,
    [options.after?.[0] ?? null, options.after?.[0] ?? null, options.after?.[1] ?? null, options.limit],
  );
  return withLines(db, rows);
}

/** One order with its lines; `forUpdate` locks it (acknowledgement). */
export async function findPurchaseOrder(db: Db, id: number, options: { forUpdate?: boolean } = {}): Promise<SuggestedPurchaseOrder | undefined> {
  const { rows } = await db.raw(`select ${orderColumns} ${orderJoins} where po.id = ? ${options.forUpdate ? 'for update of po' : ''}`, [id]);
  return (await withLines(db, rows))[0];
}

/** The order an acknowledgement with this Idempotency-Key went to, if any. */
export async function findAcknowledgedByKey(db: Db, idempotencyKey: string): Promise<{ id: number; erpPoNumber: string } | undefined> {
  const { rows } = await db.raw(`select id, erp_po_number from suggested_purchase_orders where idempotency_key = ?`, [`ack:${idempotencyKey}`]);
  return rows[0] ? { id: Number(rows[0].id), erpPoNumber: rows[0].erp_po_number } : undefined;
}

/** Records the ERP's purchase-order number and the key of the acknowledgement on a pending order. */
export async function acknowledgePurchaseOrder(db: Db, id: number, input: { erpPoNumber: string; idempotencyKey: string }): Promise<void> {
  await db.raw(
    `update suggested_purchase_orders
        set status = 'acknowledged', erp_po_number = ?, idempotency_key = ?, exported_at = coalesce(exported_at, now()),
            acknowledged_at = now(), updated_at = clock_timestamp()
      where id = ? and status = 'pending'`,
    [input.erpPoNumber, `ack:${input.idempotencyKey}`, id],
  );
}

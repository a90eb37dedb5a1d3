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
  /** change_seq (the commit order of the last change, as text) with the id: the keyset of the incremental pull. */
  changeKey: [string, number];
}

/**
 * The idempotency_key column (unique) does three jobs: 'pending:<supplier>:<location>' while a purchase order
 * collects approved lines, so that there is at most one open order per pair even under concurrent approvals;
 * 'ack:<Idempotency-Key>' once the ERP acknowledged it; 'cancelled:<id>' when its last line went away.
 */
const pendingKey = `'pending:' || p.supplier_id || ':' || p.location_id`;

/**
 * Serialises the transactions that change the purchase order of one supplier × location: a buyer's decision, a bulk
 * approval, the ERP's acknowledgement. Call it first, before any row lock: a decision locks its recommendation and
 * then the order, an acknowledgement the order and then its recommendations, so without one lock taken first they
 * could deadlock. Decisions on other suppliers or locations go on in parallel (one global lock held them to ~33/s).
 * An unsourced recommendation (no supplier) has no order: it locks supplier 0 of its location.
 */
export async function lockSupplierLocation(db: Db, supplierId: number | null, locationId: number): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(?::int, ?::int)', [supplierId ?? 0, locationId]);
}

/** An arbitrary constant naming the advisory lock of stampPurchaseOrderChanges. */
const CHANGE_ORDER_LOCK = 7_311_004_211;

/**
 * Numbers the changes of these orders in commit order: the last statement of a transaction that changed them. The
 * lock is held from here to the commit, so a change numbered n commits before n + 1 is taken, and a pull that has
 * seen n can never later find a change below it: the (change_seq, id) cursor misses nothing. Holding it only for
 * this statement and the commit, not the whole decision, keeps decisions in parallel. It never waits for a row: the
 * transaction changed (and so locked) these orders already.
 */
export async function stampPurchaseOrderChanges(db: Db, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await db.raw('select pg_advisory_xact_lock(?::bigint)', [CHANGE_ORDER_LOCK]);
  await db.raw(`update suggested_purchase_orders set change_seq = nextval('suggested_purchase_order_changes') where id = any(?::bigint[])`, [
    [...new Set(orderIds)].sort((a, b) => a - b),
  ]);
}

const timestamp = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/**
 * Puts purchase-order lines in step with recommendations that changed: approved ones get a line (quantity, cost
 * and need-by date as approved) on the pending order of their supplier × location, created when missing; others
 * lose their line, and a pending order left without lines is cancelled. Every order touched gets a new updated_at,
 * so the ERP's next pull sees it once the caller stamps the returned order ids (stampPurchaseOrderChanges, last).
 * Set-based: one statement per step for any number of recommendations. The caller holds lockSupplierLocation of
 * every supplier × location concerned.
 */
export async function syncPurchaseOrderLines(db: Db, recommendations: RecommendationLineSource[]): Promise<number[]> {
  const approved = recommendations.filter((r) => r.status === 'approved' && r.supplierId !== null && r.quantity > 0);
  const others = recommendations.filter((r) => !approved.includes(r)).map((r) => r.recommendationId);
  const changed: number[] = [];
  if (others.length > 0) {
    const { rows } = await db.raw(
      `delete from suggested_purchase_order_lines where recommendation_id = any(?::bigint[]) returning suggested_purchase_order_id`,
      [others],
    );
    const touched: number[] = [...new Set<number>(rows.map((row: Record<string, unknown>) => Number(row.suggested_purchase_order_id)))];
    if (touched.length > 0) {
      const { rows: updated } = await db.raw(
        `update suggested_purchase_orders po
            set updated_at = clock_timestamp(),
                status = case when exists (select 1 from suggested_purchase_order_lines l where l.suggested_purchase_order_id = po.id)
                              then po.status else 'cancelled' end,
                idempotency_key = case when exists (select 1 from suggested_purchase_order_lines l where l.suggested_purchase_order_id = po.id)
                                       then po.idempotency_key else 'cancelled:' || po.id end
          where po.id = any(?::bigint[]) and po.status = 'pending'
          returning po.id`,
        [touched],
      );
      changed.push(...updated.map((row: Record<string, unknown>) => Number(row.id)));
    }
  }
  if (approved.length === 0) return changed;
  const pairs = [...new Map(approved.map((r) => [`${r.supplierId}:${r.locationId}`, r])).values()];
  const { rows: orders } = await db.raw(
    `insert into suggested_purchase_orders (supplier_id, location_id, idempotency_key, updated_at)
     select p.supplier_id, p.location_id, ${pendingKey}, clock_timestamp()
       from unnest(?::int[], ?::int[]) as p(supplier_id, location_id)
     on conflict (idempotency_key) do update set updated_at = clock_timestamp()
     returning id, supplier_id, location_id`,
    [pairs.map((r) => r.supplierId as number), pairs.map((r) => r.locationId)],
  );
  const orderIdOf = new Map<string, number>(orders.map((row: Record<string, unknown>) => [`${row.supplier_id}:${row.location_id}`, Number(row.id)]));
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
  return [...changed, ...orderIdOf.values()];
}

const orderColumns = `po.id, po.supplier_id, s.name as supplier_name, s.currency, po.location_id, l.code as location_code,
  po.status, po.erp_po_number, po.created_at, po.updated_at, po.exported_at, po.acknowledged_at,
  po.change_seq::text as change_key`;
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

/** Lines fetched per query of a pull: whole orders are batched up to this many lines (a larger order alone). */
const LINES_PER_BATCH = 5000;

/**
 * Orders changed after the keyset `after` (change_seq, id), in commit order: the ERP's incremental pull. Yields them
 * one by one with their lines, fetched for batches of whole orders, so that a pull of many lines is sent as it is
 * read and never held in memory at once. Each batch is its own statement: an order whose lines changed meanwhile
 * shows its new lines, and its acknowledgement then fails on the etag (412), as it would for a change after the pull.
 */
export async function streamChangedPurchaseOrders(
  db: Db,
  options: { after?: [string, number]; limit: number; linesPerBatch?: number },
): Promise<{ count: number; lastKey: [string, number] | null; orders: AsyncGenerator<SuggestedPurchaseOrder> }> {
  const { rows } = await db.raw(
    `select ${orderColumns},
            (select count(*)::int from suggested_purchase_order_lines ln where ln.suggested_purchase_order_id = po.id) as line_count
       ${orderJoins}
      where ?::bigint is null or (po.change_seq, po.id) > (?::bigint, ?::bigint)
      order by po.change_seq, po.id
      limit ?`,
    [options.after?.[0] ?? null, options.after?.[0] ?? null, options.after?.[1] ?? null, options.limit],
  );
  const headers = rows as Array<Record<string, unknown>>;
  const last = headers[headers.length - 1];
  async function* orders(): AsyncGenerator<SuggestedPurchaseOrder> {
    const linesPerBatch = options.linesPerBatch ?? LINES_PER_BATCH;
    let batch: Array<Record<string, unknown>> = [];
    let lines = 0;
    for (const header of headers) {
      if (batch.length > 0 && lines + (header.line_count as number) > linesPerBatch) {
        yield* await withLines(db, batch);
        batch = [];
        lines = 0;
      }
      batch.push(header);
      lines += header.line_count as number;
    }
    yield* await withLines(db, batch);
  }
  return { count: headers.length, lastKey: last ? [last.change_key as string, Number(last.id)] : null, orders: orders() };
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

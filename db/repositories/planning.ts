import { copyRows } from '../bulk';
import type { Db } from '../connection';
import { addDays, isoWeekday, lastSundayOnOrBefore } from '../dates';

/** Revenue of one active item over a window: units sold × its unit price. */
export interface ItemRevenue {
  itemId: number;
  sku: string;
  revenue: number;
}

/**
 * Sales × unit price of every active item over (afterDate, throughDate], zero for items without sales: the ABC basis.
 * Whole Monday-to-Sunday weeks of the window are read from weekly_sales, the days at either end from daily_sales.
 */
export async function activeItemRevenues(db: Db, window: { afterDate: string; throughDate: string }): Promise<ItemRevenue[]> {
  const firstDay = addDays(window.afterDate, 1);
  const firstWeekStart = addDays(firstDay, (8 - isoWeekday(firstDay)) % 7);
  const lastWeekEnd = lastSundayOnOrBefore(window.throughDate);
  // Without a whole week inside, every day comes from daily_sales: the two day ranges then meet and must not overlap.
  const hasWholeWeeks = firstWeekStart < lastWeekEnd;
  const headEnd = hasWholeWeeks ? addDays(firstWeekStart, -1) : window.throughDate;
  const tailStart = hasWholeWeeks ? addDays(lastWeekEnd, 1) : addDays(window.throughDate, 1);
  const { rows } = await db.raw(
    `select i.id as item_id, i.sku, coalesce(s.quantity, 0) * i.unit_price::float8 as revenue
       from items i
       left join (
         select item_id, sum(quantity)::float8 as quantity
           from (select item_id, quantity from weekly_sales where ? and week_start >= ?::date and week_start <= ?::date - 6
                 union all
                 select item_id, quantity from daily_sales where sales_date >= ?::date and sales_date <= ?::date
                 union all
                 select item_id, quantity from daily_sales where sales_date >= ?::date and sales_date <= ?::date) sold
          group by item_id
       ) s on s.item_id = i.id
      where i.active
      order by i.id`,
    [hasWholeWeeks, firstWeekStart, lastWeekEnd, firstDay, headEnd, tailStart, window.throughDate],
  );
  return rows.map((row: Record<string, unknown>) => ({ itemId: row.item_id, sku: row.sku, revenue: row.revenue })) as ItemRevenue[];
}

/** Ids of the active suppliers: lead times are learned one supplier at a time. */
export async function activeSupplierIds(db: Db): Promise<number[]> {
  const { rows } = await db.raw(`select id from suppliers where active order by id`);
  return rows.map((row: { id: number }) => row.id);
}

export interface SupplierReceipt {
  itemId: number;
  orderDate: string;
  /** The line's promise, else the order's; null when neither was given. */
  promisedDate: string | null;
  receivedDate: string;
}

export interface SupplierLeadTimeHistory {
  /** Receipts received on or after `since` (received on or after the order date), oldest first. */
  receipts: SupplierReceipt[];
  /** Lines of its open orders placed since `since` that nothing has been received against yet (when asked for). */
  openLines: Array<{ itemId: number; orderDate: string; promisedDate: string | null }>;
  /** The quoted lead time of every item the supplier offers. */
  promised: Array<{ itemId: number; promisedDays: number }>;
}

/**
 * Everything one supplier's lead times are learned from, in three queries: its receipts over every item it delivered
 * (the supplier-level prior needs the other items too), its orders still on the way (models/policy/lead-time.ts'
 * matureLeadTimeReceipts counts them) and the lead times it quotes.
 */
export async function supplierLeadTimeHistory(
  db: Db,
  supplierId: number,
  options: { since: string; openLines: boolean },
): Promise<SupplierLeadTimeHistory> {
  const receipts = await db.raw(
    `select pol.item_id, po.order_date, coalesce(pol.promised_date, po.promised_date) as promised_date, r.received_date
       from receipts r
       join purchase_order_lines pol on pol.id = r.purchase_order_line_id
       join purchase_orders po on po.id = pol.purchase_order_id
      where po.supplier_id = ? and r.received_date >= ?::date and r.received_date >= po.order_date
      order by pol.item_id, r.received_date, r.id`,
    [supplierId, options.since],
  );
  // A caller that weighs open orders itself (the backorder stage) does not read them here.
  const openLines = options.openLines
    ? await db.raw(
        `select pol.item_id, po.order_date, coalesce(pol.promised_date, po.promised_date) as promised_date
           from purchase_order_lines pol
           join purchase_orders po on po.id = pol.purchase_order_id
          where po.supplier_id = ? and po.status = 'open' and po.order_date >= ?::date
            and not exists (select 1 from receipts r where r.purchase_order_line_id = pol.id)
          order by pol.item_id, po.order_date, pol.id`,
        [supplierId, options.since],
      )
    : { rows: [] };
  const promised = await db.raw(
    `select item_id, promised_lead_time_days from supplier_items where supplier_id = ? order by item_id`,
    [supplierId],
  );
  return {
    receipts: receipts.rows.map((row: Record<string, unknown>) => ({
      itemId: row.item_id,
      orderDate: row.order_date,
      promisedDate: row.promised_date,
      receivedDate: row.received_date,
    })) as SupplierReceipt[],
    openLines: openLines.rows.map((row: Record<string, unknown>) => ({ itemId: row.item_id, orderDate: row.order_date, promisedDate: row.promised_date })) as SupplierLeadTimeHistory['openLines'],
    promised: promised.rows.map((row: Record<string, number>) => ({ itemId: row.item_id, promisedDays: row.promised_lead_time_days })),
  };
}

/** A buyer's last word on an SKU × location in an earlier run. */
export interface PreviousDecision {
  itemId: number;
  locationId: number;
  runId: number;
  status: 'proposed' | 'approved' | 'rejected' | 'exported';
  quantity: number;
  suggested: number;
  reasonCode: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

/**
 * The latest recommendation of a run before `runId` that a buyer acted on (approved, rejected, exported, or edited
 * the quantity of), per item × location, for the given items.
 */
export async function previousDecisions(db: Db, runId: number, itemIds: number[]): Promise<PreviousDecision[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select distinct on (item_id, location_id) item_id, location_id, run_id, status, quantity::float8 as quantity,
            suggested_quantity::float8 as suggested, reason_code, decided_by, decided_at
       from recommendations
      where run_id < ? and item_id = any(?::int[])
        and (status <> 'proposed' or quantity <> suggested_quantity or decided_at is not null)
      order by item_id, location_id, run_id desc, id desc`,
    [runId, itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    runId: Number(row.run_id),
    status: row.status,
    quantity: row.quantity,
    suggested: row.suggested,
    reasonCode: row.reason_code ?? null,
    decidedBy: row.decided_by ?? null,
    decidedAt: row.decided_at ? new Date(row.decided_at as string).toISOString() : null,
  })) as PreviousDecision[];
}

/** What a run's own decided lines of one SKU × location already order: what a sense run's top-up is net of. */
export interface DecidedPair {
  itemId: number;
  locationId: number;
  /** The pair's newest line a buyer acted on: a top-up tops up this one. */
  lastDecidedId: number;
  lastDecidedStatus: 'proposed' | 'approved' | 'rejected' | 'exported';
  /** Quantities of the pair's approved and exported lines in the run. */
  approved: number;
  exported: number;
  /**
   * Ordered on open or closed purchase orders of the pair dated on or after the as-of date its first exported line
   * was planned on: what of the exported lines the ERP's records already show (on order, or received).
   */
  orderedSince: number;
}

/**
 * The lines of run `runId` a buyer acted on (approved, rejected, exported, or edited), per item × location of the
 * given items, in one query: the sense run's re-plan tops them up instead of proposing their need again.
 */
export async function decidedLinesOfRun(db: Db, runId: number, itemIds: number[]): Promise<DecidedPair[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `with decided as (
       select item_id, location_id, id, status, quantity::float8 as quantity, (explanation ->> 'planDate')::date - 1 as planned_on
         from recommendations
        where run_id = ? and item_id = any(?::int[])
          and (status <> 'proposed' or quantity <> suggested_quantity or decided_at is not null)
     ), pairs as (
       select item_id, location_id,
              (array_agg(id order by id desc))[1] as last_id,
              (array_agg(status order by id desc))[1] as last_status,
              min(planned_on) filter (where status = 'exported') as first_exported_on,
              coalesce(sum(quantity) filter (where status = 'approved'), 0)::float8 as approved,
              coalesce(sum(quantity) filter (where status = 'exported'), 0)::float8 as exported
         from decided
        group by item_id, location_id
     )
     select p.item_id, p.location_id, p.last_id, p.last_status, p.approved, p.exported,
            coalesce(o.quantity, 0)::float8 as ordered_since
       from pairs p
       left join lateral (
         select sum(pol.quantity_ordered) as quantity
           from purchase_order_lines pol
           join purchase_orders po on po.id = pol.purchase_order_id
          where p.first_exported_on is not null and pol.item_id = p.item_id and po.location_id = p.location_id
            and po.status <> 'cancelled' and po.order_date >= p.first_exported_on
       ) o on true
      order by p.item_id, p.location_id`,
    [runId, itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id as number,
    locationId: row.location_id as number,
    lastDecidedId: Number(row.last_id),
    lastDecidedStatus: row.last_status as DecidedPair['lastDecidedStatus'],
    approved: row.approved as number,
    exported: row.exported as number,
    orderedSince: row.ordered_since as number,
  }));
}

export interface OpenPurchaseArrival {
  itemId: number;
  locationId: number;
  /** Expected date (else the line's, else the order's promised date); null when the ERP gave none. */
  expectedDate: string | null;
  /** Ordered minus received on the open lines due that day. */
  quantity: number;
}

/**
 * What open purchase orders still bring, per item × location × expected arrival date (cancelled and closed orders
 * excluded; the same lines and dates as inventory's openPurchaseQuantities), in one query for a set of items.
 */
export async function openPurchaseArrivals(db: Db, itemIds: number[]): Promise<OpenPurchaseArrival[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select pol.item_id, po.location_id,
            to_char(coalesce(po.expected_date, pol.promised_date, po.promised_date), 'YYYY-MM-DD') as expected_date,
            sum(pol.quantity_ordered - pol.quantity_received)::float8 as quantity
       from purchase_order_lines pol
       join purchase_orders po on po.id = pol.purchase_order_id
      where po.status = 'open' and pol.item_id = any(?::int[]) and pol.quantity_ordered > pol.quantity_received
      group by 1, 2, 3
      order by 1, 2, 3`,
    [itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    expectedDate: row.expected_date ?? null,
    quantity: row.quantity,
  })) as OpenPurchaseArrival[];
}

/** Quantity approved by buyers on earlier runs and not yet exported to the ERP, per item × location: it is on order. */
export async function approvedNotExportedQuantities(
  db: Db,
  runId: number,
  itemIds: number[],
): Promise<Array<{ itemId: number; locationId: number; quantity: number }>> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(
    `select item_id, location_id, sum(quantity)::float8 as quantity
       from recommendations
      where run_id < ? and status = 'approved' and item_id = any(?::int[])
      group by item_id, location_id
      order by item_id, location_id`,
    [runId, itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({ itemId: row.item_id, locationId: row.location_id, quantity: row.quantity })) as Array<{
    itemId: number;
    locationId: number;
    quantity: number;
  }>;
}

export interface PolicyRow {
  itemId: number;
  locationId: number;
  supplierId: number | null;
  serviceLevel: number;
  safetyStock: number;
  reorderPoint: number | null;
  orderUpTo: number;
  eoq: number | null;
  explanation: object;
}

export interface RecommendationRow {
  itemId: number;
  locationId: number;
  supplierId: number | null;
  quantity: number;
  unitCost: number | null;
  needByDate: string | null;
  projectedStockoutDate: string | null;
  urgency: 'critical' | 'high' | 'normal' | 'low';
  explanation: object;
  /** The run's decided line of the pair this one tops up (DecidedPair.lastDecidedId); null: the pair's own line. */
  topUpOf: number | null;
}

/**
 * Replaces a run's policies and proposals for a chunk of items in one transaction, so a rerun of the run writes the
 * same rows again. Recommendations of this run that a buyer already touched (status, quantity or decision changed)
 * are kept as they are, and the new proposal for that SKU × location is dropped in their favour; a top-up is written
 * only if the line it tops up is still the pair's newest and has no top-up yet (a buyer may have acted meanwhile).
 */
export async function replacePlanChunk(
  db: Db,
  runId: number,
  itemIds: number[],
  output: { policies: PolicyRow[]; recommendations: RecommendationRow[] },
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`delete from inventory_policies where run_id = ? and item_id = any(?::int[])`, [runId, itemIds]);
    await trx.raw(
      `delete from recommendations
        where run_id = ? and item_id = any(?::int[])
          and status = 'proposed' and quantity = suggested_quantity and decided_at is null`,
      [runId, itemIds],
    );
    // What is left of this run's recommendations a buyer has touched: kept, so not written again.
    const kept = (await trx.raw(`select id, item_id, location_id, top_up_of from recommendations where run_id = ? and item_id = any(?::int[])`, [runId, itemIds]))
      .rows as Array<{ id: string | number; item_id: number; location_id: number; top_up_of: string | number | null }>;
    const keptPairs = new Set(kept.map((row) => `${row.item_id}/${row.location_id}`));
    const toppedUp = new Set(kept.flatMap((row) => (row.top_up_of === null ? [] : [Number(row.top_up_of)])));
    const newest = new Map<string, number>();
    for (const row of kept) newest.set(`${row.item_id}/${row.location_id}`, Math.max(Number(row.id), newest.get(`${row.item_id}/${row.location_id}`) ?? 0));
    const writable = (r: RecommendationRow) =>
      r.topUpOf === null ? !keptPairs.has(`${r.itemId}/${r.locationId}`) : newest.get(`${r.itemId}/${r.locationId}`) === r.topUpOf && !toppedUp.has(r.topUpOf);
    await copyRows(
      trx,
      'inventory_policies',
      ['run_id', 'item_id', 'location_id', 'supplier_id', 'service_level', 'safety_stock', 'reorder_point', 'order_up_to', 'eoq', 'explanation'],
      output.policies.map((p) => [
        runId, p.itemId, p.locationId, p.supplierId, p.serviceLevel, p.safetyStock, finiteOrNull(p.reorderPoint), p.orderUpTo,
        finiteOrNull(p.eoq), p.explanation,
      ]),
    );
    await copyRows(
      trx,
      'recommendations',
      ['run_id', 'item_id', 'location_id', 'supplier_id', 'status', 'quantity', 'suggested_quantity', 'unit_cost', 'need_by_date',
        'projected_stockout_date', 'urgency', 'explanation', 'top_up_of'],
      output.recommendations
        .filter(writable)
        .map((r) => [
          runId, r.itemId, r.locationId, r.supplierId, 'proposed', r.quantity, r.quantity, finiteOrNull(r.unitCost), r.needByDate,
          r.projectedStockoutDate, r.urgency, r.explanation, r.topUpOf,
        ]),
    );
  });
}

/** An optional figure that could not be computed (an EOQ without costs, say) is stored as null, as JSON stored it before. */
const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);

export interface DraftPurchaseOrderLine {
  itemId: number;
  sku: string;
  quantity: number;
  unitCost: number;
  value: number;
  urgency: RecommendationRow['urgency'];
}

export interface PullForwardEntry {
  itemId: number;
  sku: string;
  quantity: number;
  unitCost: number;
  value: number;
  daysUntilReorder: number | null;
  cumulativeOrderValue: number;
  suggested: boolean;
}

export interface DraftPurchaseOrderRow {
  supplierId: number;
  locationId: number;
  currency: string;
  orderValue: number;
  minimumOrderValue: number | null;
  shortfall: number;
  lines: DraftPurchaseOrderLine[];
  pullForward: PullForwardEntry[];
}

/** A recommendation of a run that belongs on its draft purchase order, with its supplier's terms. */
export interface DraftLineSource {
  itemId: number;
  sku: string;
  locationId: number;
  supplierId: number;
  quantity: number;
  unitCost: number;
  urgency: RecommendationRow['urgency'];
  minimumOrderValue: number;
  currency: string;
}

/**
 * The lines of a run's draft purchase orders as they stand: its sourced recommendations not rejected or exported,
 * at their current quantity (a buyer's edit when there is one).
 */
export async function draftLinesForRun(db: Db, runId: number): Promise<DraftLineSource[]> {
  const { rows } = await db.raw(
    `select r.item_id, i.sku, r.location_id, r.supplier_id, r.quantity::float8 as quantity, coalesce(r.unit_cost, 0)::float8 as unit_cost,
            r.urgency, s.min_order_value::float8 as min_order_value, s.currency
       from recommendations r
       join items i on i.id = r.item_id
       join suppliers s on s.id = r.supplier_id
      where r.run_id = ? and r.status in ('proposed', 'approved') and r.quantity > 0
      order by r.supplier_id, r.location_id, r.item_id`,
    [runId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    sku: row.sku,
    locationId: row.location_id,
    supplierId: row.supplier_id,
    quantity: row.quantity,
    unitCost: row.unit_cost,
    urgency: row.urgency,
    minimumOrderValue: row.min_order_value,
    currency: row.currency,
  })) as DraftLineSource[];
}

/** Replaces every draft purchase order of a run in one transaction. */
export async function replaceDraftPurchaseOrders(db: Db, runId: number, orders: DraftPurchaseOrderRow[]): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`delete from draft_purchase_orders where run_id = ?`, [runId]);
    if (orders.length === 0) return;
    await trx.raw(
      `insert into draft_purchase_orders
         (run_id, supplier_id, location_id, currency, line_count, order_value, minimum_order_value, shortfall, lines, pull_forward)
       select ?, o.supplier_id, o.location_id, o.currency, jsonb_array_length(o.lines), o.order_value, o.minimum_order_value, o.shortfall,
              o.lines, o.pull_forward
         from jsonb_to_recordset(?::jsonb) as o(supplier_id int, location_id int, currency text, order_value float8,
                                                minimum_order_value float8, shortfall float8, lines jsonb, pull_forward jsonb)`,
      [
        runId,
        JSON.stringify(
          orders.map((o) => ({
            supplier_id: o.supplierId,
            location_id: o.locationId,
            currency: o.currency,
            order_value: o.orderValue,
            minimum_order_value: o.minimumOrderValue,
            shortfall: o.shortfall,
            lines: o.lines,
            pull_forward: o.pullForward,
          })),
        ),
      ],
    );
  });
}

/** The draft purchase orders of a run, by supplier then location. */
export async function draftPurchaseOrdersForRun(db: Db, runId: number): Promise<DraftPurchaseOrderRow[]> {
  const { rows } = await db.raw(
    `select supplier_id, location_id, currency, order_value, minimum_order_value, shortfall, lines, pull_forward
       from draft_purchase_orders where run_id = ? order by supplier_id, location_id`,
    [runId],
  );
  const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  return rows.map((row: Record<string, unknown>) => ({
    supplierId: row.supplier_id,
    locationId: row.location_id,
    currency: row.currency,
    orderValue: row.order_value,
    minimumOrderValue: row.minimum_order_value,
    shortfall: row.shortfall,
    lines: parse(row.lines),
    pullForward: parse(row.pull_forward),
  })) as DraftPurchaseOrderRow[];
}

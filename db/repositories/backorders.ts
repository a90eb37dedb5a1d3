import type { Knex } from 'knex';
import type { AllocatedPiece, CoverageStatus, LineAllocation, UncoveredReason } from '../../models/policy/backorder-allocation';
import type { Db } from '../connection';
import { copyRows } from '../bulk';

export type { CoverageStatus, UncoveredReason };

/** An open sales-order line with quantity backordered. */
export interface BackorderedLineRow {
  salesOrderLineId: number;
  salesOrderId: number;
  itemId: number;
  locationId: number;
  quantityBackordered: number;
  orderDate: string;
  /** The line's promise, else its order's. */
  promisedDate: string | null;
}

/** Every backordered line of every open sales order, by item, location and line id. */
export async function backorderedLines(db: Db): Promise<BackorderedLineRow[]> {
  const { rows } = await db.raw(
    `select sol.id as sales_order_line_id, so.id as sales_order_id, sol.item_id, so.location_id,
            sol.quantity_backordered::float8 as quantity_backordered, so.order_date,
            coalesce(sol.promised_date, so.promised_date) as promised_date
       from sales_order_lines sol
       join sales_orders so on so.id = sol.sales_order_id
      where so.status = 'open' and sol.quantity_backordered > 0
      order by sol.item_id, so.location_id, sol.id`,
  );
  return rows.map((row: Record<string, unknown>) => ({
    salesOrderLineId: row.sales_order_line_id,
    salesOrderId: row.sales_order_id,
    itemId: row.item_id,
    locationId: row.location_id,
    quantityBackordered: row.quantity_backordered,
    orderDate: row.order_date,
    promisedDate: row.promised_date ?? null,
  })) as BackorderedLineRow[];
}

export interface StockRow {
  itemId: number;
  locationId: number;
  /** The latest snapshot. */
  onHand: number;
  /** Ordered − shipped − backordered over open sales-order lines: stock set aside for lines that are not backordered. */
  committed: number;
}

export interface OpenPurchaseLineRow {
  purchaseOrderLineId: number;
  purchaseOrderReference: string;
  lineReference: string;
  supplierId: number;
  itemId: number;
  locationId: number;
  /** Ordered − received. */
  quantity: number;
  orderDate: string;
  /** The line's promise, else the order's. */
  promisedDate: string | null;
  expectedDate: string | null;
}

export interface RecommendationSupplyRow {
  /** Approved recommendations are pieces of supply; a proposal is only a quantity (its id changes when the run is replanned). */
  recommendationId: number;
  supplierId: number | null;
  itemId: number;
  locationId: number;
  quantity: number;
}

export interface BackorderSupply {
  stock: StockRow[];
  purchaseLines: OpenPurchaseLineRow[];
  /** Approved on this run or an earlier one, not yet exported to the ERP. */
  approved: RecommendationSupplyRow[];
  /** This run's proposals a buyer has not approved yet. */
  proposed: RecommendationSupplyRow[];
}

/** The item × location pairs with backorders: supply elsewhere is not read. */
const backorderedPairs = `select distinct sol.item_id, so.location_id
  from sales_order_lines sol join sales_orders so on so.id = sol.sales_order_id
  where so.status = 'open' and sol.quantity_backordered > 0`;

/**
 * Everything that can fill backorders, for every backordered item × location at once (one query per kind): stock
 * on hand and what of it is committed, open purchase-order lines, approved recommendations not exported yet (any run
 * up to `runId`), and the run's own proposals.
 */
export async function backorderSupply(db: Db, runId: number): Promise<BackorderSupply> {
  const stock = await db.raw(
    `with pairs as (${backorderedPairs}),
     on_hand as (
       select distinct on (s.item_id, s.location_id) s.item_id, s.location_id, s.quantity
         from on_hand_snapshots s join pairs p on p.item_id = s.item_id and p.location_id = s.location_id
        order by s.item_id, s.location_id, s.snapshot_date desc
     ),
     committed as (
       select sol.item_id, so.location_id,
              sum(greatest(sol.quantity_ordered - sol.quantity_shipped - sol.quantity_backordered, 0)) as quantity
         from sales_order_lines sol
         join sales_orders so on so.id = sol.sales_order_id
         join pairs p on p.item_id = sol.item_id and p.location_id = so.location_id
        where so.status = 'open'
        group by sol.item_id, so.location_id
     )
     select p.item_id, p.location_id, coalesce(h.quantity, 0)::float8 as on_hand, coalesce(c.quantity, 0)::float8 as committed
       from pairs p
       left join on_hand h on h.item_id = p.item_id and h.location_id = p.location_id
       left join committed c on c.item_id = p.item_id and c.location_id = p.location_id
      order by p.item_id, p.location_id`,
  );
  const purchaseLines = await db.raw(
    `with pairs as (${backorderedPairs})
     select pol.id as purchase_order_line_id, po.external_id as purchase_order_reference, pol.external_id as line_reference,
            po.supplier_id, pol.item_id, po.location_id, (pol.quantity_ordered - pol.quantity_received)::float8 as quantity,
            po.order_date, coalesce(pol.promised_date, po.promised_date) as promised_date, po.expected_date
       from purchase_order_lines pol
       join purchase_orders po on po.id = pol.purchase_order_id
       join pairs p on p.item_id = pol.item_id and p.location_id = po.location_id
      where po.status = 'open' and pol.quantity_ordered > pol.quantity_received
      order by pol.id`,
  );
  const recommendations = await db.raw(
    `with pairs as (${backorderedPairs})
     select r.id, r.status, r.supplier_id, r.item_id, r.location_id, r.quantity::float8 as quantity
       from recommendations r
       join pairs p on p.item_id = r.item_id and p.location_id = r.location_id
      where r.quantity > 0
        and ((r.status = 'approved' and r.run_id <= ?) or (r.status = 'proposed' and r.run_id = ?))
      order by r.id`,
    [runId, runId],
  );
  const recommendation = (row: Record<string, unknown>) => ({
    recommendationId: Number(row.id),
    supplierId: (row.supplier_id as number | null) ?? null,
    itemId: row.item_id as number,
    locationId: row.location_id as number,
    quantity: row.quantity as number,
  });
  return {
    stock: stock.rows.map((row: Record<string, unknown>) => ({
      itemId: row.item_id,
      locationId: row.location_id,
      onHand: row.on_hand,
      committed: row.committed,
    })) as StockRow[],
    purchaseLines: purchaseLines.rows.map((row: Record<string, unknown>) => ({
      purchaseOrderLineId: row.purchase_order_line_id,
      purchaseOrderReference: row.purchase_order_reference,
      lineReference: row.line_reference,
      supplierId: row.supplier_id,
      itemId: row.item_id,
      locationId: row.location_id,
      quantity: row.quantity,
      orderDate: row.order_date,
      promisedDate: row.promised_date ?? null,
      expectedDate: row.expected_date ?? null,
    })) as OpenPurchaseLineRow[],
    approved: recommendations.rows.filter((row: { status: string }) => row.status === 'approved').map(recommendation),
    proposed: recommendations.rows.filter((row: { status: string }) => row.status === 'proposed').map(recommendation),
  };
}

/** One piece of supply allocated to a line (the model's), with what buyers need to find it, as stored and shown. */
export interface AllocationPieceRow extends AllocatedPiece {
  /** The ERP's purchase-order and line numbers ('PO-1 / POL-3'); null for stock and recommendations. */
  reference: string | null;
  supplierId: number | null;
  /** on-hand: in stock; promised: promise + lateness; expected: the ERP's expected date; lead-time: order date + learned lead time. */
  basis: 'on-hand' | 'promised' | 'expected' | 'lead-time';
  /** The supplier's promise for a purchase-order line, when it has one. */
  promisedDate: string | null;
  /** The supplier's learned mean lateness applied; null where none is known. */
  latenessDays: number | null;
}

/** The model's allocation of one line, with its sales order and the stored pieces. */
export interface BackorderAllocationRow extends Omit<LineAllocation, 'pieces'> {
  salesOrderId: number;
  pieces: AllocationPieceRow[];
}

/** Replaces a run's backorder allocations in one transaction: one delete, one COPY. */
export async function replaceBackorderAllocations(db: Db, runId: number, rows: BackorderAllocationRow[]): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`delete from backorder_allocations where run_id = ?`, [runId]);
    await copyRows(
      trx,
      'backorder_allocations',
      ['run_id', 'sales_order_line_id', 'sales_order_id', 'item_id', 'location_id', 'priority_rank', 'priority_date', 'quantity_backordered',
        'quantity_allocated', 'quantity_uncovered', 'status', 'eta', 'eta_late_case', 'uncovered_reason', 'pieces', 'quantity_awaiting_approval'],
      rows.map((row) => [
        runId, row.salesOrderLineId, row.salesOrderId, row.itemId, row.locationId, row.priorityRank, row.priorityDate, row.quantityBackordered,
        row.quantityAllocated, row.quantityUncovered, row.status, row.eta, row.etaLateCase, row.uncoveredReason, row.pieces, row.quantityAwaitingApproval,
      ]),
    );
  });
}

/** A line's allocation as buyers see it: the sales order, the customer, the SKU and location, the ERP's own ETA. */
export interface BackorderAllocation extends Omit<BackorderAllocationRow, 'pieces'> {
  runId: number;
  salesOrderLineReference: string;
  salesOrderReference: string;
  customerRef: string;
  sku: string;
  description: string;
  locationCode: string;
  orderDate: string;
  promisedDate: string | null;
  /** The run's recommendation for this SKU × location, whatever its status now; null when the run proposed none. */
  recommendationId: number | null;
  /** The ETA the ERP sent on the line, if any: shown beside replen's, never overwritten. */
  erpEta: string | null;
}

export interface BackorderAllocationDetail extends BackorderAllocation {
  pieces: AllocationPieceRow[];
}

export interface BackorderFilters {
  runId: number;
  sku?: string;
  locationId?: number;
  customerRef?: string;
  salesOrder?: string;
  status?: CoverageStatus;
  /** Only lines whose promise changed after this instant (backorder_promise_changes). */
  changedSince?: string;
}

const columns = `a.run_id, a.sales_order_line_id, sol.external_id as sales_order_line_reference, a.sales_order_id,
  so.external_id as sales_order_reference, so.customer_ref, a.item_id, i.sku, i.description, a.location_id, l.code as location_code,
  so.order_date, coalesce(sol.promised_date, so.promised_date) as promised_date, a.priority_rank, a.priority_date,
  a.quantity_backordered::float8 as quantity_backordered, a.quantity_allocated::float8 as quantity_allocated,
  a.quantity_uncovered::float8 as quantity_uncovered, a.status, a.eta, a.eta_late_case, a.uncovered_reason,
  a.quantity_awaiting_approval::float8 as quantity_awaiting_approval, r.id as recommendation_id, sol.eta as erp_eta`;

const joins = `from backorder_allocations a
  join sales_order_lines sol on sol.id = a.sales_order_line_id
  join sales_orders so on so.id = a.sales_order_id
  join items i on i.id = a.item_id
  join locations l on l.id = a.location_id
  left join recommendations r on r.run_id = a.run_id and r.item_id = a.item_id and r.location_id = a.location_id and r.top_up_of is null`;

/** The sort of the listing: earliest ETA first, lines without one last, then the line id. */
const sortKey = `coalesce(a.eta, 'infinity'::date)`;

function toAllocation(row: Record<string, unknown>): BackorderAllocation {
  return {
    runId: Number(row.run_id),
    salesOrderLineId: row.sales_order_line_id as number,
    salesOrderLineReference: row.sales_order_line_reference as string,
    salesOrderId: row.sales_order_id as number,
    salesOrderReference: row.sales_order_reference as string,
    customerRef: row.customer_ref as string,
    itemId: row.item_id as number,
    sku: row.sku as string,
    description: row.description as string,
    locationId: row.location_id as number,
    locationCode: row.location_code as string,
    orderDate: row.order_date as string,
    promisedDate: (row.promised_date as string | null) ?? null,
    priorityRank: row.priority_rank as number,
    priorityDate: row.priority_date as string,
    quantityBackordered: row.quantity_backordered as number,
    quantityAllocated: row.quantity_allocated as number,
    quantityUncovered: row.quantity_uncovered as number,
    status: row.status as CoverageStatus,
    eta: (row.eta as string | null) ?? null,
    etaLateCase: (row.eta_late_case as string | null) ?? null,
    uncoveredReason: (row.uncovered_reason as UncoveredReason | null) ?? null,
    quantityAwaitingApproval: row.quantity_awaiting_approval as number,
    recommendationId: row.recommendation_id === null || row.recommendation_id === undefined ? null : Number(row.recommendation_id),
    erpEta: (row.erp_eta as string | null) ?? null,
  };
}

/**
 * One page of a run's allocations, filtered, earliest ETA first (no ETA last), after the row whose sort key is
 * `after` ([eta or 'infinity', line id] of the last row of the previous page).
 */
export async function listBackorderAllocations(
  db: Db,
  options: { filters: BackorderFilters; after?: [string, number]; limit: number },
): Promise<Array<{ allocation: BackorderAllocation; sortKey: [string, number] }>> {
  const { filters } = options;
  const conditions = ['a.run_id = ?'];
  const bindings: Knex.RawBinding[] = [filters.runId];
  const filterColumns: Array<[Knex.RawBinding | undefined, string]> = [
    [filters.sku, 'i.sku'],
    [filters.locationId, 'a.location_id'],
    [filters.customerRef, 'so.customer_ref'],
    [filters.salesOrder, 'so.external_id'],
    [filters.status, 'a.status'],
  ];
  for (const [value, column] of filterColumns) {
    if (value === undefined) continue;
    conditions.push(`${column} = ?`);
    bindings.push(value);
  }
  if (filters.changedSince !== undefined) {
    conditions.push(`exists (select 1 from backorder_promise_changes c where c.sales_order_line_id = a.sales_order_line_id and c.created_at > ?::timestamptz)`);
    bindings.push(filters.changedSince);
  }
  if (options.after) {
    conditions.push(`(${sortKey}, a.sales_order_line_id) > (?::date, ?::int)`);
    bindings.push(...options.after);
  }
  const { rows } = await db.raw(
    `select ${columns}, ${sortKey}::text as sort_key
       ${joins}
      where ${conditions.join(' and ')}
      order by ${sortKey}, a.sales_order_line_id
      limit ?`,
    [...bindings, options.limit],
  );
  return rows.map((row: Record<string, unknown>) => ({
    allocation: toAllocation(row),
    sortKey: [row.sort_key as string, row.sales_order_line_id as number] as [string, number],
  }));
}

/** One line's allocation in a run, with the pieces of supply behind its ETA. */
export async function findBackorderAllocation(db: Db, runId: number, salesOrderLineId: number): Promise<BackorderAllocationDetail | undefined> {
  const { rows } = await db.raw(
    `select ${columns}, a.pieces ${joins} where a.run_id = ? and a.sales_order_line_id = ?`,
    [runId, salesOrderLineId],
  );
  if (!rows[0]) return undefined;
  const pieces = rows[0].pieces;
  return { ...toAllocation(rows[0]), pieces: (typeof pieces === 'string' ? JSON.parse(pieces) : pieces) as AllocationPieceRow[] };
}

/** A run's backorders of one item, per location: how many lines, how many dated, what is undated, the latest ETA. */
export interface ItemBackorderSummary {
  locationId: number;
  lines: number;
  coveredLines: number;
  quantityUncovered: number;
  /** The latest ETA among the covered lines; null when none is covered. */
  latestEta: string | null;
}

/** A customer's backorders in a run, for "when does my order ship": lines, units, covered lines, earliest and latest ETA. */
export interface CustomerBackorderTotals {
  customerRef: string;
  lines: number;
  units: number;
  coveredLines: number;
  unitsUncovered: number;
  earliestEta: string | null;
  /** The latest ETA of the covered lines; when some line is not covered, the order is not dated by it alone. */
  latestEta: string | null;
  latestEtaLateCase: string | null;
}

export async function customerBackorderTotals(db: Db, runId: number, customerRef: string): Promise<CustomerBackorderTotals> {
  const { rows } = await db.raw(
    `select count(*)::int as lines, coalesce(sum(a.quantity_backordered), 0)::float8 as units,
            (count(*) filter (where a.status = 'covered'))::int as covered_lines, coalesce(sum(a.quantity_uncovered), 0)::float8 as units_uncovered,
            min(a.eta) as earliest_eta, max(a.eta) as latest_eta, max(a.eta_late_case) as latest_eta_late_case
       from backorder_allocations a join sales_orders so on so.id = a.sales_order_id
      where a.run_id = ? and so.customer_ref = ?`,
    [runId, customerRef],
  );
  const row = rows[0];
  return {
    customerRef,
    lines: row.lines,
    units: row.units,
    coveredLines: row.covered_lines,
    unitsUncovered: row.units_uncovered,
    earliestEta: row.earliest_eta ?? null,
    latestEta: row.latest_eta ?? null,
    latestEtaLateCase: row.latest_eta_late_case ?? null,
  };
}

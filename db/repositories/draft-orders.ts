import type { Knex } from 'knex';
import type { PullForwardCandidate } from '../../models/policy/purchase-orders';
import type { Db } from '../connection';
import type { DraftLineSource } from './planning';
import type { RecommendationStatus } from './recommendations';

/** A line of a run's draft purchase order as it stands (a buyer's edit included), with what the page shows of it. */
export interface DraftOrderLine extends DraftLineSource {
  recommendationId: number;
  version: number;
  status: RecommendationStatus;
  description: string;
  supplierSku: string | null;
  suggestedQuantity: number;
  moq: number | null;
  projectedStockoutDate: string | null;
  supplierName: string;
  locationCode: string;
}

export interface DraftOrderFilter {
  supplierId?: number;
  locationId?: number;
}

function filterSql(filter: DraftOrderFilter, alias: string): { sql: string; bindings: Knex.RawBinding[] } {
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  if (filter.supplierId !== undefined) {
    parts.push(`${alias}.supplier_id = ?`);
    bindings.push(filter.supplierId);
  }
  if (filter.locationId !== undefined) {
    parts.push(`${alias}.location_id = ?`);
    bindings.push(filter.locationId);
  }
  return { sql: parts.map((part) => ` and ${part}`).join(''), bindings };
}

/**
 * The lines of a run's draft purchase orders as they stand, as draftLinesForRun has them (sourced, not rejected or
 * exported, quantity above 0), optionally of one supplier and location, by supplier, location and SKU.
 */
export async function draftOrderLines(db: Db, runId: number, filter: DraftOrderFilter = {}): Promise<DraftOrderLine[]> {
  const where = filterSql(filter, 'r');
  const { rows } = await db.raw(
    `select r.id, r.version, r.status, r.item_id, i.sku, i.description, si.supplier_sku, r.location_id, l.code as location_code,
            r.supplier_id, s.name as supplier_name, r.quantity::float8 as quantity, r.suggested_quantity::float8 as suggested_quantity,
            coalesce(r.unit_cost, 0)::float8 as unit_cost, si.moq::float8 as moq, r.urgency, r.projected_stockout_date,
            s.min_order_value::float8 as min_order_value, s.currency
       from recommendations r
       join items i on i.id = r.item_id
       join suppliers s on s.id = r.supplier_id
       join locations l on l.id = r.location_id
       left join supplier_items si on si.supplier_id = r.supplier_id and si.item_id = r.item_id
      where r.run_id = ? and r.status in ('proposed', 'approved') and r.quantity > 0${where.sql}
      order by r.supplier_id, r.location_id, i.sku`,
    [runId, ...where.bindings],
  );
  return rows.map((row: Record<string, unknown>) => ({
    recommendationId: Number(row.id),
    version: row.version as number,
    status: row.status as RecommendationStatus,
    itemId: row.item_id as number,
    sku: row.sku as string,
    description: row.description as string,
    supplierSku: (row.supplier_sku as string | null) ?? null,
    locationId: row.location_id as number,
    locationCode: row.location_code as string,
    supplierId: row.supplier_id as number,
    supplierName: row.supplier_name as string,
    quantity: row.quantity as number,
    suggestedQuantity: row.suggested_quantity as number,
    unitCost: row.unit_cost as number,
    moq: (row.moq as number | null) ?? null,
    urgency: row.urgency as DraftLineSource['urgency'],
    projectedStockoutDate: (row.projected_stockout_date as string | null) ?? null,
    minimumOrderValue: row.min_order_value as number,
    currency: (row.currency as string).trim(),
  }));
}

/**
 * The items the plan stage offered to pull forward into each short draft order of a run (its snapshot of them), as
 * the candidates draftPurchaseOrders ranks: item and location ids as strings, as the plan stage passes them.
 */
export async function pullForwardCandidates(db: Db, runId: number, filter: DraftOrderFilter = {}): Promise<{ candidates: PullForwardCandidate[]; skus: Map<number, string> }> {
  const where = filterSql(filter, 'd');
  const { rows } = await db.raw(
    `select d.supplier_id, d.location_id, p."itemId" as item_id, p.sku, p.quantity, p."unitCost" as unit_cost, p."daysUntilReorder" as days_until_reorder
       from draft_purchase_orders d
       cross join lateral jsonb_to_recordset(d.pull_forward) as p("itemId" int, sku text, quantity float8, "unitCost" float8, "daysUntilReorder" float8)
      where d.run_id = ?${where.sql}`,
    [runId, ...where.bindings],
  );
  const skus = new Map<number, string>();
  const candidates = rows.map((row: Record<string, unknown>) => {
    skus.set(row.item_id as number, row.sku as string);
    return {
      sku: String(row.item_id),
      locationId: String(row.location_id),
      supplierId: String(row.supplier_id),
      quantity: row.quantity as number,
      unitCost: row.unit_cost as number,
      daysUntilReorder: (row.days_until_reorder as number | null) ?? null,
    };
  });
  return { candidates, skus };
}

import type { Db } from '../connection';

/** What the replay (src/services/replay) reads back of a run, by SKU: the policy, the forecast's class, the ETAs given. */

/** The location the replay stocks its SKUs at; created once. */
export async function ensureLocation(db: Db, code: string): Promise<void> {
  await db.raw(`insert into locations (external_id, code, name) values (?, ?, ?) on conflict do nothing`, [code, code, code]);
}

export interface RunItemLevel {
  sku: string;
  orderUpTo: number;
  demandClass: string | null;
}

/** Each item's order-up-to level in a run, with the class of its forecast. */
export async function runItemLevels(db: Db, runId: number): Promise<RunItemLevel[]> {
  const { rows } = await db.raw(
    `select i.sku, p.order_up_to::float8 as order_up_to, f.demand_class
       from inventory_policies p
       join items i on i.id = p.item_id
       left join forecast_fits f on f.run_id = p.run_id and f.item_id = p.item_id and f.location_id = p.location_id
      where p.run_id = ?`,
    [runId],
  );
  return rows.map((row: Record<string, unknown>) => ({ sku: row.sku as string, orderUpTo: row.order_up_to as number, demandClass: (row.demand_class as string | null) ?? null }));
}

/** The late-case ETA the backorder stage of a run gave each covered backordered line, by the line's external id. */
export async function runBackorderEtas(db: Db, runId: number): Promise<Array<{ lineExternalId: string; etaLateCase: string }>> {
  const { rows } = await db.raw(
    `select sol.external_id, a.eta_late_case
       from backorder_allocations a
       join sales_order_lines sol on sol.id = a.sales_order_line_id
      where a.run_id = ? and a.status = 'covered' and a.eta_late_case is not null`,
    [runId],
  );
  return rows.map((row: Record<string, unknown>) => ({ lineExternalId: row.external_id as string, etaLateCase: row.eta_late_case as string }));
}

/** The SKUs a run (a sense run) recorded or refreshed an exception for, with the exception's kind. */
export async function runExceptionSkus(db: Db, runId: number): Promise<Array<{ sku: string; kind: string }>> {
  const { rows } = await db.raw(
    `select distinct i.sku, e.kind from demand_exceptions e join items i on i.id = e.item_id where e.run_id = ?`,
    [runId],
  );
  return rows.map((row: { sku: string; kind: string }) => ({ sku: row.sku, kind: row.kind }));
}

/**
 * The proposed lines of run `runId` planned for `planDate` (explanation.planDate): what a sense run as of the day
 * before re-planned in it, with their versions, for the replay's buyer to approve.
 */
export async function proposalsPlannedFor(db: Db, runId: number, planDate: string): Promise<Array<{ id: number; version: number }>> {
  const { rows } = await db.raw(
    `select id, version from recommendations where run_id = ? and status = 'proposed' and quantity > 0 and explanation ->> 'planDate' = ? order by id`,
    [runId, planDate],
  );
  return rows.map((row: { id: string | number; version: number }) => ({ id: Number(row.id), version: row.version }));
}

import type { Db } from '../connection';

export interface PlanError {
  itemId: number;
  locationId: number;
  reason: string;
}

/** The stage that could not handle the item × location: its forecast threw, or its plan. */
export type PlanErrorStage = 'forecast' | 'plan';

export interface ListedPlanError extends PlanError {
  sku: string;
  locationCode: string;
  stage: PlanErrorStage;
}

/** Replaces one stage's errors of a run's chunk of items with `errors` (a retried chunk rewrites its own). */
export async function replacePlanErrors(db: Db, runId: number, itemIds: number[], errors: PlanError[], stage: PlanErrorStage = 'plan'): Promise<void> {
  await db.raw(`delete from plan_errors where run_id = ? and item_id = any(?::int[]) and stage = ?`, [runId, itemIds, stage]);
  if (errors.length === 0) return;
  await db.raw(
    `insert into plan_errors (run_id, item_id, location_id, reason, stage)
     select ?, e.item_id, e.location_id, e.reason, ? from jsonb_to_recordset(?::jsonb) as e(item_id int, location_id int, reason text)`,
    [runId, stage, JSON.stringify(errors.map((error) => ({ item_id: error.itemId, location_id: error.locationId, reason: error.reason })))],
  );
}

/** The first `limit` plan errors of a run, by SKU and location code. */
export async function planErrorsOfRun(db: Db, runId: number, limit: number): Promise<ListedPlanError[]> {
  const { rows } = await db.raw(
    `select e.item_id, i.sku, e.location_id, l.code as location_code, e.reason, e.stage
       from plan_errors e join items i on i.id = e.item_id join locations l on l.id = e.location_id
      where e.run_id = ? order by i.sku, l.code limit ?`,
    [runId, limit],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: Number(row.item_id),
    sku: row.sku as string,
    locationId: Number(row.location_id),
    locationCode: row.location_code as string,
    reason: row.reason as string,
    stage: row.stage as PlanErrorStage,
  }));
}

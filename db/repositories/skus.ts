import type { Db } from '../connection';

export interface SkuSummary {
  itemId: number;
  sku: string;
  description: string;
  unitOfMeasure: string;
  unitCost: number;
  unitPrice: number;
  abcClassOverride: string | null;
  serviceLevelOverride: number | null;
  active: boolean;
}

export interface ForecastPeriod {
  step: number;
  periodStart: string;
  mean: number;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
}

export interface LocationForecast {
  locationId: number;
  method: string;
  demandClass: string;
  errorSd: number | null;
  accuracy: Record<string, number | null>;
  params: Record<string, unknown>;
  periods: ForecastPeriod[];
}

export interface LocationPolicy {
  locationId: number;
  supplierId: number | null;
  serviceLevel: number;
  safetyStock: number;
  reorderPoint: number | null;
  orderUpTo: number;
  eoq: number | null;
  explanation: Record<string, unknown>;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

const skuColumns = `id, sku, description, unit_of_measure, unit_cost::float8 as unit_cost, unit_price::float8 as unit_price,
  abc_class_override, service_level_override::float8 as service_level_override, active`;

function toSku(row: Record<string, unknown>): SkuSummary {
  return {
    itemId: row.id as number,
    sku: row.sku as string,
    description: row.description as string,
    unitOfMeasure: row.unit_of_measure as string,
    unitCost: row.unit_cost as number,
    unitPrice: row.unit_price as number,
    abcClassOverride: (row.abc_class_override as string | null) ?? null,
    serviceLevelOverride: (row.service_level_override as number | null) ?? null,
    active: row.active as boolean,
  };
}

/** Items in SKU order after `afterSku` (keyset), optionally those whose SKU starts with `search` (any case). */
export async function listSkus(db: Db, options: { search?: string; afterSku?: string; limit: number }): Promise<SkuSummary[]> {
  const { rows } = await db.raw(
    `select ${skuColumns} from items
      where (?::text is null or sku > ?::text) and (?::text is null or starts_with(lower(sku), lower(?::text)))
      order by sku limit ?`,
    [options.afterSku ?? null, options.afterSku ?? null, options.search ?? null, options.search ?? null, options.limit],
  );
  return rows.map(toSku);
}

export async function findSku(db: Db, sku: string): Promise<SkuSummary | undefined> {
  const { rows } = await db.raw(`select ${skuColumns} from items where sku = ?`, [sku]);
  return rows[0] ? toSku(rows[0]) : undefined;
}

/** Codes of locations by id. */
export async function locationCodes(db: Db, locationIds: number[]): Promise<Map<number, string>> {
  if (locationIds.length === 0) return new Map();
  const { rows } = await db.raw(`select id, code from locations where id = any(?::int[])`, [locationIds]);
  return new Map(rows.map((row: { id: number; code: string }) => [row.id, row.code]));
}

/** The last day with sales of any item: the end of history when no run names one. */
export async function lastSalesDate(db: Db): Promise<string | null> {
  const { rows } = await db.raw(`select max(sales_date) as last from daily_sales`);
  return rows[0]?.last ?? null;
}

/** A run's forecast of one item at each location, with intervals and the fit's accuracy. */
export async function itemForecasts(db: Db, runId: number, itemId: number): Promise<LocationForecast[]> {
  const { rows } = await db.raw(
    `select ff.location_id, ff.method, ff.demand_class, ff.error_sd, ff.accuracy, ff.params,
            coalesce(jsonb_agg(jsonb_build_object('step', f.step, 'periodStart', f.period_start, 'mean', f.mean,
              'lo80', f.lo_80, 'hi80', f.hi_80, 'lo95', f.lo_95, 'hi95', f.hi_95) order by f.step)
              filter (where f.step is not null), '[]'::jsonb) as periods
       from forecast_fits ff
       left join forecasts f on f.run_id = ff.run_id and f.item_id = ff.item_id and f.location_id = ff.location_id
      where ff.run_id = ? and ff.item_id = ?
      group by ff.location_id, ff.method, ff.demand_class, ff.error_sd, ff.accuracy, ff.params
      order by ff.location_id`,
    [runId, itemId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    locationId: row.location_id as number,
    method: row.method as string,
    demandClass: row.demand_class as string,
    errorSd: (row.error_sd as number | null) ?? null,
    accuracy: json(row.accuracy),
    params: json(row.params),
    periods: json(row.periods),
  }));
}

/** A run's inventory policy of one item at each location. */
export async function itemPolicies(db: Db, runId: number, itemId: number): Promise<LocationPolicy[]> {
  const { rows } = await db.raw(
    `select location_id, supplier_id, service_level, safety_stock, reorder_point, order_up_to, eoq, explanation
       from inventory_policies where run_id = ? and item_id = ? order by location_id`,
    [runId, itemId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    locationId: row.location_id as number,
    supplierId: (row.supplier_id as number | null) ?? null,
    serviceLevel: row.service_level as number,
    safetyStock: row.safety_stock as number,
    reorderPoint: row.reorder_point as number | null,
    orderUpTo: row.order_up_to as number,
    eoq: (row.eoq as number | null) ?? null,
    explanation: json(row.explanation),
  }));
}

/** A run's recommendation of one item at each location (id, status, quantity, urgency), to link to. */
export async function itemRecommendations(
  db: Db,
  runId: number,
  itemId: number,
): Promise<Array<{ id: number; locationId: number; status: string; quantity: number; urgency: string; projectedStockoutDate: string | null }>> {
  const { rows } = await db.raw(
    `select id, location_id, status, quantity::float8 as quantity, urgency, projected_stockout_date
       from recommendations where run_id = ? and item_id = ? order by location_id`,
    [runId, itemId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    locationId: row.location_id as number,
    status: row.status as string,
    quantity: row.quantity as number,
    urgency: row.urgency as string,
    projectedStockoutDate: (row.projected_stockout_date as string | null) ?? null,
  }));
}

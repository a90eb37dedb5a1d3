import type { Db } from '../connection';
import type { ItemBackorderSummary } from './backorders';
import { itemCondition, prefixPattern } from './search';

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

/** A run's forecast of an item at a location, with intervals and the fit's accuracy. */
export interface LocationForecast {
  method: string;
  demandClass: string;
  errorSd: number | null;
  accuracy: Record<string, number | null>;
  params: Record<string, unknown>;
  periods: ForecastPeriod[];
}

/** A run's inventory policy of an item at a location. */
export interface LocationPolicy {
  supplierId: number | null;
  serviceLevel: number;
  safetyStock: number;
  reorderPoint: number | null;
  orderUpTo: number;
  eoq: number | null;
  explanation: Record<string, unknown>;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

const skuColumns = `i.id, i.sku, i.description, i.unit_of_measure, i.unit_cost::float8 as unit_cost, i.unit_price::float8 as unit_price,
  i.abc_class_override, i.service_level_override::float8 as service_level_override, i.active`;

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

/**
 * Items in SKU order after `afterSku` (keyset), optionally those whose SKU starts with `search` (any case) and those
 * whose SKU, description or supplier SKU contains `q` (any case).
 */
export async function listSkus(db: Db, options: { search?: string; q?: string; afterSku?: string; limit: number }): Promise<SkuSummary[]> {
  const contains = options.q === undefined ? null : await itemCondition(db, 'i.id', options.q);
  // The SKU prefix as a LIKE range on the index items_sku_lower_prefix (migration 080).
  const startsWith = options.search === undefined ? null : prefixPattern(options.search);
  const { rows } = await db.raw(
    `select ${skuColumns} from items i
      where (?::text is null or i.sku > ?::text) ${startsWith === null ? '' : 'and lower(i.sku) like lower(?)'}
        ${contains ? `and ${contains.sql}` : ''}
      order by i.sku limit ?`,
    [options.afterSku ?? null, options.afterSku ?? null, ...(startsWith === null ? [] : [startsWith]), ...(contains?.bindings ?? []), options.limit],
  );
  return rows.map(toSku);
}

/** A run's recommendation of an item at one location (id, status, quantity, urgency), to link to. */
export interface SkuRecommendation {
  id: number;
  locationId: number;
  status: string;
  quantity: number;
  urgency: string;
  projectedStockoutDate: string | null;
}

/** What is known of one item at one location: a run's forecast, policy, recommendation, backorder allocation, and stock. */
export interface SkuAtLocation {
  locationId: number;
  locationCode: string;
  forecast: LocationForecast | null;
  policy: LocationPolicy | null;
  recommendation: SkuRecommendation | null;
  backorders: Omit<ItemBackorderSummary, 'locationId'> | null;
  /** The latest on-hand snapshot; null without one. */
  onHand: { quantity: number; snapshotDate: string } | null;
  /** Open purchase-order lines still to arrive (cancelled and closed orders excluded); null without any. */
  onOrder: { quantity: number; earliestExpectedDate: string | null } | null;
  /** The same per expected date (lines without one left out), earliest first. */
  arrivals: Array<{ date: string; quantity: number }>;
  /** Quantity owed to customers on open sales orders. */
  backordered: number | null;
}

/** One SKU as GET /skus/:sku shows it, but for its weekly history (which needs the run's as-of date first). */
export interface SkuDetailParts {
  /** Undefined when no item has this SKU. */
  sku: SkuSummary | undefined;
  /** The requested run, else the latest succeeded run of `runKind`; null when there is none or the requested one does not exist. */
  runId: number | null;
  /** The run's as-of date, else the last day with sales of any item. */
  asOfDate: string | null;
  /** Every location of the table (a handful), in id order, so that the caller can add those its weekly history names. */
  locations: SkuAtLocation[];
}

/**
 * Everything GET /skus/:sku shows of one item but its weekly history, in one statement: the item, the run, and per
 * location the run's forecast with its periods, policy, recommendation and backorder allocation, the latest on hand,
 * what is on order and when it arrives, and what is backordered. Each part is a JSON array from its own subquery:
 * small subplans, where a join of the parts by location took 1.7 ms to plan, five times its execution.
 */
export async function findSkuDetail(db: Db, sku: string, options: { runId?: number; runKind: string }): Promise<SkuDetailParts> {
  const { rows } = await db.raw(
    `with item as (
       select ${skuColumns} from items i where i.sku = :sku
     ), run as (
       select id, as_of_date from forecast_runs
        where id = coalesce(:runId::bigint, (select id from forecast_runs where kind = :runKind and status = 'succeeded' order by id desc limit 1))
     ), open_line as (
       select po.location_id, coalesce(po.expected_date, pol.promised_date, po.promised_date) as expected_date,
              pol.quantity_ordered - pol.quantity_received as quantity
         from purchase_order_lines pol
         join purchase_orders po on po.id = pol.purchase_order_id
        where po.status = 'open' and pol.item_id = (select id from item) and pol.quantity_ordered > pol.quantity_received
     )
     select item.*, run.id as run_id, coalesce(run.as_of_date, (select max(sales_date) from daily_sales)) as as_of_date,
       (select json_agg(json_build_array(id, code) order by id) from locations) as locations,
       (select json_agg(json_build_array(ff.location_id, ff.method, ff.demand_class, ff.error_sd, ff.accuracy, ff.params,
                 (select coalesce(jsonb_agg(jsonb_build_object('step', f.step, 'periodStart', f.period_start, 'mean', f.mean,
                           'lo80', f.lo_80, 'hi80', f.hi_80, 'lo95', f.lo_95, 'hi95', f.hi_95) order by f.step), '[]'::jsonb)
                    from forecasts f
                   where f.run_id = ff.run_id and f.item_id = ff.item_id and f.location_id = ff.location_id)))
          from forecast_fits ff where ff.run_id = run.id and ff.item_id = item.id) as forecasts,
       (select json_agg(json_build_array(location_id, supplier_id, service_level, safety_stock, reorder_point, order_up_to, eoq, explanation))
          from inventory_policies where run_id = run.id and item_id = item.id) as policies,
       (select json_agg(json_build_array(location_id, id, status, quantity::float8, urgency, projected_stockout_date))
          from recommendations where run_id = run.id and item_id = item.id and top_up_of is null) as recommendations,
       (select json_agg(json_build_array(location_id, lines, covered_lines, quantity_uncovered, latest_eta))
          from (select location_id, count(*) as lines, count(*) filter (where status = 'covered') as covered_lines,
                       sum(quantity_uncovered)::float8 as quantity_uncovered, max(eta) as latest_eta
                  from backorder_allocations
                 where run_id = run.id and item_id = item.id
                 group by location_id) allocated) as backorders,
       (select json_agg(json_build_array(location_id, quantity, snapshot_date))
          from (select distinct on (location_id) location_id, quantity::float8 as quantity, snapshot_date
                  from on_hand_snapshots
                 where item_id = item.id
                 order by location_id, snapshot_date desc) latest) as on_hand,
       (select json_agg(json_build_array(location_id, quantity, earliest_expected_date))
          from (select location_id, sum(quantity)::float8 as quantity, min(expected_date) as earliest_expected_date
                  from open_line group by location_id) ordered) as on_order,
       (select json_agg(json_build_array(location_id, expected_date, quantity) order by expected_date)
          from (select location_id, expected_date, sum(quantity)::float8 as quantity
                  from open_line where expected_date is not null group by location_id, expected_date) dated) as arrivals,
       (select json_agg(json_build_array(location_id, quantity))
          from (select so.location_id, sum(sol.quantity_backordered)::float8 as quantity
                  from sales_order_lines sol
                  join sales_orders so on so.id = sol.sales_order_id
                 where so.status = 'open' and sol.quantity_backordered > 0 and sol.item_id = item.id
                 group by so.location_id) owed) as backordered
       from (select 1) as one
       left join item on true
       left join run on true`,
    { sku, runId: options.runId ?? null, runKind: options.runKind },
  );
  const parts = rows[0] as Record<string, unknown>;
  // Each part as a map by location, the first element of each of its tuples.
  const byLocation = (part: string) => {
    const tuples = (json(parts[part]) ?? []) as unknown[][];
    const map = new Map<number, unknown[]>();
    for (const tuple of tuples) map.set(tuple[0] as number, tuple);
    return map;
  };
  const [forecasts, policies, recommendations, backorders, onHand, onOrder, backordered] = [
    'forecasts', 'policies', 'recommendations', 'backorders', 'on_hand', 'on_order', 'backordered',
  ].map(byLocation);
  const arrivals = (json(parts.arrivals) ?? []) as Array<[number, string, number]>;
  const locations = (json(parts.locations) ?? []) as Array<[number, string]>;
  const atLocations = locations.map(([locationId, locationCode]): SkuAtLocation => {
    const forecast = forecasts.get(locationId);
    const policy = policies.get(locationId);
    const recommendation = recommendations.get(locationId);
    const backorder = backorders.get(locationId);
    const stock = onHand.get(locationId);
    const ordered = onOrder.get(locationId);
    return {
      locationId,
      locationCode,
      forecast: forecast
        ? {
            method: forecast[1] as string,
            demandClass: forecast[2] as string,
            errorSd: forecast[3] as number | null,
            accuracy: forecast[4] as Record<string, number | null>,
            params: forecast[5] as Record<string, unknown>,
            periods: forecast[6] as ForecastPeriod[],
          }
        : null,
      policy: policy
        ? {
            supplierId: policy[1] as number | null,
            serviceLevel: policy[2] as number,
            safetyStock: policy[3] as number,
            reorderPoint: policy[4] as number | null,
            orderUpTo: policy[5] as number,
            eoq: policy[6] as number | null,
            explanation: policy[7] as Record<string, unknown>,
          }
        : null,
      recommendation: recommendation
        ? {
            id: recommendation[1] as number,
            locationId,
            status: recommendation[2] as string,
            quantity: recommendation[3] as number,
            urgency: recommendation[4] as string,
            projectedStockoutDate: recommendation[5] as string | null,
          }
        : null,
      backorders: backorder
        ? { lines: backorder[1] as number, coveredLines: backorder[2] as number, quantityUncovered: backorder[3] as number, latestEta: backorder[4] as string | null }
        : null,
      onHand: stock ? { quantity: stock[1] as number, snapshotDate: stock[2] as string } : null,
      onOrder: ordered ? { quantity: ordered[1] as number, earliestExpectedDate: ordered[2] as string | null } : null,
      arrivals: arrivals.filter((arrival) => arrival[0] === locationId).map(([, date, quantity]) => ({ date, quantity })),
      backordered: (backordered.get(locationId)?.[1] as number | undefined) ?? null,
    };
  });
  return {
    sku: parts.id === null ? undefined : toSku(parts),
    runId: parts.run_id === null ? null : Number(parts.run_id),
    asOfDate: (parts.as_of_date as string | null) ?? null,
    locations: atLocations,
  };
}

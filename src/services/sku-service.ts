import type { Knex } from 'knex';
import { itemBackorderSummaries, type ItemBackorderSummary } from '../../db/repositories/backorders';
import { backorderedQuantities, latestOnHand, openPurchaseQuantities } from '../../db/repositories/inventory';
import { openPurchaseArrivals } from '../../db/repositories/planning';
import { findRun, latestSucceededRunId } from '../../db/repositories/runs';
import { weeklySales } from '../../db/repositories/sales';
import {
  findSku,
  itemForecasts,
  itemPolicies,
  itemRecommendations,
  lastSalesDate,
  listSkus,
  locationCodes,
  type LocationForecast,
  type LocationPolicy,
  type SkuSummary,
} from '../../db/repositories/skus';
import { projectStockout, type StockoutProjection } from '../../models/policy/order-quantity';
import { NotFoundError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';

const DAYS_PER_WEEK = 7;

export interface SkuLocation {
  locationId: number;
  locationCode: string;
  /** Units sold per week (weeks ending on `weekEnds`), and days out of stock in each. */
  history: { quantities: number[]; outOfStockDays: number[] };
  forecast: Omit<LocationForecast, 'locationId'> | null;
  policy: Omit<LocationPolicy, 'locationId'> | null;
  onHand: number;
  onHandDate: string | null;
  onOrder: number;
  onOrderEarliestExpectedDate: string | null;
  backordered: number;
  /** The run's backorder allocation here (GET /backorders?sku= lists the lines); null without backordered lines. */
  backorders: Omit<ItemBackorderSummary, 'locationId'> | null;
  /**
   * On hand (at least 0) less backorders run down by the forecast, topped up by open purchase-order lines on their
   * expected dates (lines without one are left out): the planner's projection, so the page and the recommendation agree.
   */
  projectedStockout: StockoutProjection | null;
  recommendation: Awaited<ReturnType<typeof itemRecommendations>>[number] | null;
}

export interface SkuDetail extends SkuSummary {
  runId: number | null;
  asOfDate: string | null;
  weekEnds: string[];
  locations: SkuLocation[];
}

export interface SkuService {
  list(options: { search?: string; afterSku?: string; limit: number }): Promise<SkuSummary[]>;
  /** Everything known about one SKU at each location it is stocked or planned at, from one run (default: the latest succeeded). */
  get(sku: string, options: { runId?: number; historyWeeks: number }): Promise<SkuDetail>;
}

export function createSkuService(db: Knex): SkuService {
  return {
    list: (options) => listSkus(db, options),

    async get(skuText, { runId: requestedRunId, historyWeeks }) {
      // The SKU and the run are independent: read them together (one round trip less per request).
      const runOf = async () => {
        const runId = requestedRunId ?? (await latestSucceededRunId(db, PIPELINE_RUN_KIND)) ?? null;
        return { runId, run: runId === null ? undefined : await findRun(db, runId) };
      };
      const [sku, { runId, run }] = await Promise.all([findSku(db, skuText), runOf()]);
      if (!sku) throw new NotFoundError(`SKU ${skuText}`);
      if (runId !== null && !run) throw new NotFoundError(`run ${runId}`);
      const asOfDate = run?.asOfDate ?? (await lastSalesDate(db));
      const itemIds = [sku.itemId];
      const [sales, forecasts, policies, recommendations, onHand, onOrder, backordered, backorders, arrivals] = await Promise.all([
        asOfDate ? weeklySales(db, itemIds, { endDate: asOfDate, weeks: historyWeeks }) : Promise.resolve({ weekEnds: [], series: [] }),
        runId === null ? [] : itemForecasts(db, runId, sku.itemId),
        runId === null ? [] : itemPolicies(db, runId, sku.itemId),
        runId === null ? [] : itemRecommendations(db, runId, sku.itemId),
        latestOnHand(db, itemIds),
        openPurchaseQuantities(db, itemIds),
        backorderedQuantities(db, itemIds),
        runId === null ? [] : itemBackorderSummaries(db, runId, sku.itemId),
        openPurchaseArrivals(db, itemIds),
      ]);
      const byLocation = <T extends { locationId: number }>(rows: T[]) => new Map(rows.map((row) => [row.locationId, row]));
      const series = byLocation(sales.series);
      const forecastOf = byLocation(forecasts);
      const policyOf = byLocation(policies);
      const recommendationOf = byLocation(recommendations);
      const onHandOf = byLocation(onHand);
      const onOrderOf = byLocation(onOrder);
      const backorderedOf = byLocation(backordered);
      const backordersOf = byLocation(backorders);
      const locationIds = [...new Set([...series.keys(), ...forecastOf.keys(), ...policyOf.keys(), ...onHandOf.keys(), ...onOrderOf.keys()])].sort(
        (a, b) => a - b,
      );
      const codes = await locationCodes(db, locationIds);
      const zeros = () => new Array<number>(sales.weekEnds.length).fill(0);
      return {
        ...sku,
        runId,
        asOfDate,
        weekEnds: sales.weekEnds,
        locations: locationIds.map((locationId) => {
          const forecast = forecastOf.get(locationId);
          // As the plan stage: negative on hand and negative forecast periods count as zero.
          const available = Math.max(0, onHandOf.get(locationId)?.quantity ?? 0) - (backorderedOf.get(locationId)?.quantity ?? 0);
          const receipts = arrivals.flatMap((arrival) =>
            arrival.locationId === locationId && arrival.expectedDate !== null ? [{ date: arrival.expectedDate, quantity: arrival.quantity }] : [],
          );
          const history = series.get(locationId);
          const policy = policyOf.get(locationId);
          return {
            locationId,
            locationCode: codes.get(locationId)!,
            history: { quantities: history?.quantities ?? zeros(), outOfStockDays: history?.outOfStockDays ?? zeros() },
            forecast: forecast ? (({ locationId: _, ...rest }) => rest)(forecast) : null,
            policy: policy ? (({ locationId: _, ...rest }) => rest)(policy) : null,
            onHand: onHandOf.get(locationId)?.quantity ?? 0,
            onHandDate: onHandOf.get(locationId)?.snapshotDate ?? null,
            onOrder: onOrderOf.get(locationId)?.quantity ?? 0,
            onOrderEarliestExpectedDate: onOrderOf.get(locationId)?.earliestExpectedDate ?? null,
            backordered: backorderedOf.get(locationId)?.quantity ?? 0,
            backorders: backordersOf.has(locationId) ? (({ locationId: _, ...rest }) => rest)(backordersOf.get(locationId)!) : null,
            projectedStockout:
              forecast && forecast.periods.length > 0
                ? projectStockout(
                    available,
                    forecast.periods.map((period) => Math.max(0, period.mean)),
                    forecast.periods[0].periodStart,
                    DAYS_PER_WEEK,
                    receipts,
                  )
                : null,
            recommendation: recommendationOf.get(locationId) ?? null,
          };
        }),
      };
    },
  };
}

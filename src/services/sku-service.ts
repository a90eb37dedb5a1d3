import type { Knex } from 'knex';
import type { ItemBackorderSummary } from '../../db/repositories/backorders';
import { weeklySales } from '../../db/repositories/sales';
import {
  findSkuDetail,
  listSkus,
  type LocationForecast,
  type LocationPolicy,
  type SkuRecommendation,
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
  forecast: LocationForecast | null;
  policy: LocationPolicy | null;
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
  recommendation: SkuRecommendation | null;
}

export interface SkuDetail extends SkuSummary {
  runId: number | null;
  asOfDate: string | null;
  weekEnds: string[];
  locations: SkuLocation[];
}

export interface SkuService {
  list(options: { search?: string; q?: string; afterSku?: string; limit: number }): Promise<SkuSummary[]>;
  /** Everything known about one SKU at each location it is stocked or planned at, from one run (default: the latest succeeded). */
  get(sku: string, options: { runId?: number; historyWeeks: number }): Promise<SkuDetail>;
}

export function createSkuService(db: Knex): SkuService {
  return {
    list: (options) => listSkus(db, options),

    async get(skuText, { runId: requestedRunId, historyWeeks }) {
      // Two round trips: everything but the weekly history, then the history, which ends at the run's as-of date.
      const { sku, runId, asOfDate, locations: atLocations } = await findSkuDetail(db, skuText, { runId: requestedRunId, runKind: PIPELINE_RUN_KIND });
      if (!sku) throw new NotFoundError(`SKU ${skuText}`);
      if (requestedRunId !== undefined && runId === null) throw new NotFoundError(`run ${requestedRunId}`);
      const sales = asOfDate ? await weeklySales(db, [sku.itemId], { endDate: asOfDate, weeks: historyWeeks }) : { weekEnds: [], series: [] };
      const series = new Map(sales.series.map((row) => [row.locationId, row]));
      // Where the item has history, stock, a forecast, a policy or an order: a recommendation or backorders alone do not list a location.
      const shown = atLocations.filter(
        (location) => series.has(location.locationId) || location.forecast || location.policy || location.onHand || location.onOrder,
      );
      const zeros = () => new Array<number>(sales.weekEnds.length).fill(0);
      return {
        ...sku,
        runId,
        asOfDate,
        weekEnds: sales.weekEnds,
        locations: shown.map((location) => {
          const { forecast } = location;
          // As the plan stage: negative on hand and negative forecast periods count as zero.
          const available = Math.max(0, location.onHand?.quantity ?? 0) - (location.backordered ?? 0);
          const history = series.get(location.locationId);
          return {
            locationId: location.locationId,
            locationCode: location.locationCode,
            history: { quantities: history?.quantities ?? zeros(), outOfStockDays: history?.outOfStockDays ?? zeros() },
            forecast,
            policy: location.policy,
            onHand: location.onHand?.quantity ?? 0,
            onHandDate: location.onHand?.snapshotDate ?? null,
            onOrder: location.onOrder?.quantity ?? 0,
            onOrderEarliestExpectedDate: location.onOrder?.earliestExpectedDate ?? null,
            backordered: location.backordered ?? 0,
            backorders: location.backorders,
            projectedStockout:
              forecast && forecast.periods.length > 0
                ? projectStockout(
                    available,
                    forecast.periods.map((period) => Math.max(0, period.mean)),
                    forecast.periods[0].periodStart,
                    DAYS_PER_WEEK,
                    location.arrivals,
                  )
                : null,
            recommendation: location.recommendation,
          };
        }),
      };
    },
  };
}

import type { Knex } from 'knex';
import { listActiveItemLocations } from '../../db/repositories/items';
import { replaceChunkForecasts, type ForecastFitRow, type ForecastRow } from '../../db/repositories/forecasts';
import { weeklySales } from '../../db/repositories/sales';
import { addDays } from '../../db/dates';
import { autoForecast } from '../../models/forecast/auto';
import { uncensorDemand } from '../../models/forecast/censored';
import { mase } from '../../models/forecast/accuracy';
import { ITEMS_BETWEEN_YIELDS, yieldToEventLoop } from './event-loop';
import type { ChunkStage } from './pipeline-service';

const WEEKLY_SEASON = 52;
const LEVELS = [80, 95];

/**
 * The forecast stage for one chunk of items: one query for the chunk's weekly sales, one model choice per
 * item × location, one transaction that replaces the chunk's rows for the run.
 */
export function createForecastStage(deps: { db: Knex; horizonWeeks: number; historyWeeks: number }): ChunkStage {
  const { db } = deps;
  return async (runId, asOfDate, range) => {
    const chunk = await listActiveItemLocations(db, {
      afterItemId: range.firstItemId - 1,
      throughItemId: range.lastItemId,
      limit: range.lastItemId - range.firstItemId + 1,
    });
    const itemIds = [...new Set(chunk.pairs.map((pair) => pair.itemId))];
    const sales = await weeklySales(db, itemIds, { endDate: asOfDate, weeks: deps.historyWeeks });
    const firstPeriodStart = addDays(sales.weekEnds[sales.weekEnds.length - 1], 1);

    const forecasts: ForecastRow[] = [];
    const fits: ForecastFitRow[] = [];
    for (const [index, series] of sales.series.entries()) {
      if (index % ITEMS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
      const demand = sinceFirstSale(uncensorDemand(series.quantities, series.outOfStockDays, 7));
      const result = autoForecast(demand, { seasonLength: WEEKLY_SEASON, horizon: deps.horizonWeeks, levels: LEVELS });
      result.mean.forEach((mean, step) => {
        forecasts.push({
          itemId: series.itemId,
          locationId: series.locationId,
          method: result.method,
          demandClass: result.demandClass,
          periodStart: addDays(firstPeriodStart, 7 * step),
          step: step + 1,
          mean,
          lo80: result.lower[0][step],
          hi80: result.upper[0][step],
          lo95: result.lower[1][step],
          hi95: result.upper[1][step],
        });
      });
      fits.push({
        itemId: series.itemId,
        locationId: series.locationId,
        method: result.method,
        demandClass: result.demandClass,
        accuracy: { inSampleMase: finiteOrNull(inSampleMase(demand, result.fitted)) },
        errorSd: finiteOrNull(result.residualSd),
        params: { selection: result.selection, candidates: result.candidates, historyWeeks: demand.length },
      });
    }
    await replaceChunkForecasts(db, runId, itemIds, { forecasts, fits });
    return { forecastedSeries: sales.series.length };
  };
}

/** History starts at an item's first sale: the zeros before it are weeks it was not sold yet, not weeks without demand. */
function sinceFirstSale(demand: number[]): number[] {
  const first = demand.findIndex((value) => value > 0);
  return first <= 0 ? demand : demand.slice(first);
}

function inSampleMase(actual: number[], fitted: number[]): number {
  const pairs = actual.map((value, index) => [value, fitted[index]]).filter(([value, fit]) => Number.isFinite(value) && Number.isFinite(fit));
  if (pairs.length < 3) return Number.NaN;
  const observed = pairs.map(([value]) => value);
  return mase(observed, pairs.map(([, fit]) => fit), observed, 1);
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

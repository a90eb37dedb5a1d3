import type { Db } from '../connection';
import { copyRows } from '../bulk';

export interface ForecastRow {
  itemId: number;
  locationId: number;
  method: string;
  demandClass: string;
  periodStart: string;
  step: number;
  mean: number;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
}

export interface ForecastFitRow {
  itemId: number;
  locationId: number;
  method: string;
  demandClass: string;
  accuracy: Record<string, number | null>;
  errorSd: number | null;
  params: Record<string, unknown>;
}

/**
 * Replaces a run's forecasts and fits for a set of items in one transaction: a retried or duplicated chunk
 * deletes what an earlier attempt wrote, so a run never holds two forecasts for one SKU.
 */
export async function replaceChunkForecasts(
  db: Db,
  runId: number,
  itemIds: number[],
  output: { forecasts: ForecastRow[]; fits: ForecastFitRow[] },
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`delete from forecasts where run_id = ? and item_id = any(?::int[])`, [runId, itemIds]);
    await trx.raw(`delete from forecast_fits where run_id = ? and item_id = any(?::int[])`, [runId, itemIds]);
    await copyRows(
      trx,
      'forecasts',
      ['run_id', 'item_id', 'location_id', 'method', 'demand_class', 'period_start', 'step', 'mean', 'lo_80', 'hi_80', 'lo_95', 'hi_95'],
      output.forecasts.map((row) => [
        runId,
        row.itemId,
        row.locationId,
        row.method,
        row.demandClass,
        row.periodStart,
        row.step,
        row.mean,
        row.lo80,
        row.hi80,
        row.lo95,
        row.hi95,
      ]),
    );
    await copyRows(
      trx,
      'forecast_fits',
      ['run_id', 'item_id', 'location_id', 'method', 'demand_class', 'accuracy', 'error_sd', 'params'],
      output.fits.map((fit) => [runId, fit.itemId, fit.locationId, fit.method, fit.demandClass, fit.accuracy, fit.errorSd, fit.params]),
    );
  });
}

export interface ItemForecast {
  itemId: number;
  locationId: number;
  method: string;
  demandClass: string;
  errorSd: number | null;
  /** Mean demand per period, step 1 first. */
  mean: number[];
  periodStarts: string[];
}

/** The forecasts of a run for a set of items, one entry per item × location, in one query. */
export async function forecastsForItems(db: Db, runId: number, itemIds: number[]): Promise<ItemForecast[]> {
  const { rows } = await db.raw(
    `select f.item_id, f.location_id, ff.method, ff.demand_class, ff.error_sd,
            array_agg(f.mean order by f.step)::float8[] as mean,
            array_agg(f.period_start order by f.step)::date[] as period_starts
       from forecasts f
       join forecast_fits ff on ff.run_id = f.run_id and ff.item_id = f.item_id and ff.location_id = f.location_id
      where f.run_id = ? and f.item_id = any(?::int[])
      group by f.item_id, f.location_id, ff.method, ff.demand_class, ff.error_sd
      order by f.item_id, f.location_id`,
    [runId, itemIds],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    method: row.method,
    demandClass: row.demand_class,
    errorSd: row.error_sd,
    mean: row.mean,
    periodStarts: row.period_starts,
  })) as ItemForecast[];
}

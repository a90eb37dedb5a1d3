import type { Db } from '../connection';
import { copyRows } from '../bulk';
import type { PinnedModel } from '../../models/forecast/auto';
import type { ProtectionErrorSummary } from '../../models/forecast/protection-errors';

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
  /** Summary of the forecast's errors over 1 … H periods (summariseProtectionErrors); null without an ETS fit. */
  protectionErrors: ProtectionErrorSummary | null;
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
      ['run_id', 'item_id', 'location_id', 'method', 'demand_class', 'accuracy', 'error_sd', 'protection_error_scale', 'protection_error_horizons', 'protection_errors', 'params'],
      output.fits.map((fit) => [
        runId,
        fit.itemId,
        fit.locationId,
        fit.method,
        fit.demandClass,
        fit.accuracy,
        fit.errorSd,
        fit.protectionErrors?.scale ?? null,
        fit.protectionErrors ? arrayLiteral(fit.protectionErrors.horizons) : null,
        fit.protectionErrors ? arrayLiteral(fit.protectionErrors.rows) : null,
        fit.params,
      ]),
    );
  });
}

/** A PostgreSQL array literal of numbers, nested for rows: {{1,2},{3,4}}. */
function arrayLiteral(values: number[] | number[][]): string {
  return `{${values.map((value) => (Array.isArray(value) ? arrayLiteral(value) : String(value))).join(',')}}`;
}

export interface ItemForecast {
  itemId: number;
  locationId: number;
  method: string;
  demandClass: string;
  errorSd: number | null;
  protectionErrors: ProtectionErrorSummary | null;
  /** Mean demand per period, step 1 first. */
  mean: number[];
  periodStarts: string[];
}

/** The forecasts of a run for a set of items, one entry per item × location, in one query. */
export async function forecastsForItems(db: Db, runId: number, itemIds: number[]): Promise<ItemForecast[]> {
  const { rows } = await db.raw(
    // The horizon is aggregated per series first, then joined to its one fit row: grouping by the fit's arrays is slow.
    `select f.item_id, f.location_id, ff.method, ff.demand_class, ff.error_sd, ff.protection_error_scale, ff.protection_error_horizons::int[],
            -- real → numeric keeps the stored 4 significant digits (2.366, not 2.365999937) for float8.
            ff.protection_errors::numeric[]::float8[] as protection_errors, f.mean, f.period_starts
       from (select item_id, location_id, array_agg(mean order by step)::float8[] as mean, array_agg(period_start order by step)::date[] as period_starts
               from forecasts where run_id = ? and item_id = any(?::int[])
              group by item_id, location_id) f
       join forecast_fits ff on ff.run_id = ? and ff.item_id = f.item_id and ff.location_id = f.location_id
      order by f.item_id, f.location_id`,
    [runId, itemIds, runId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    method: row.method,
    demandClass: row.demand_class,
    errorSd: row.error_sd,
    protectionErrors: row.protection_error_scale
      ? { scale: row.protection_error_scale, horizons: row.protection_error_horizons, rows: row.protection_errors }
      : null,
    mean: row.mean,
    periodStarts: row.period_starts,
  })) as ItemForecast[];
}

/** forecast_fits.params.selection: how a model was chosen, on which as-of date, and what a refit keeps until the next choice. */
export interface ModelSelection {
  kind: 'class' | 'holdout' | 'fixed' | 'pinned';
  /** As-of date of the run that chose (a refit carries it over); null when unknown. */
  selectedOn: string | null;
  pin?: PinnedModel;
}

/**
 * The model selections of the latest succeeded pipeline run before `runId` for a set of items (primary-key
 * lookups in one query): what the forecast stage may refit instead of choosing again. Fits written before
 * selections were stored (params.selection a plain word) are left out.
 */
export async function lastModelSelections(
  db: Db,
  runId: number,
  itemIds: number[],
): Promise<Array<{ itemId: number; locationId: number; selection: ModelSelection }>> {
  const { rows } = await db.raw(
    `select item_id, location_id, params -> 'selection' as selection
       from forecast_fits
      where run_id = (select max(id) from forecast_runs where kind = 'pipeline' and status = 'succeeded' and id < ?)
        and item_id = any(?::int[])
        and jsonb_typeof(params -> 'selection') = 'object'`,
    [runId, itemIds],
  );
  return rows.map((row: { item_id: number; location_id: number; selection: ModelSelection }) => ({
    itemId: row.item_id,
    locationId: row.location_id,
    selection: row.selection,
  }));
}

/** One series' error summary and forecast mean, for pooling the tail of a demand class (models/policy/pooled-tail.ts). */
export interface ClassErrorSummary {
  demandClass: string;
  protectionErrors: ProtectionErrorSummary;
  mean: number[];
}

/**
 * The error summaries and forecast means of a run's series that have a summary, at most `perClass` per demand class
 * (the lowest item ids: the same sample on a rerun), in one query.
 */
export async function classErrorSummaries(db: Db, runId: number, perClass: number): Promise<ClassErrorSummary[]> {
  const { rows } = await db.raw(
    `select ff.demand_class, ff.protection_error_scale, ff.protection_error_horizons::int[] as horizons,
            ff.protection_errors::numeric[]::float8[] as protection_errors, f.mean
       from (select run_id, item_id, location_id, demand_class, protection_error_scale, protection_error_horizons, protection_errors,
                    row_number() over (partition by demand_class order by item_id, location_id) as rank
               from forecast_fits
              where run_id = ? and protection_error_scale is not null) ff
       join lateral (select array_agg(mean order by step)::float8[] as mean
                       from forecasts f where f.run_id = ff.run_id and f.item_id = ff.item_id and f.location_id = ff.location_id) f on true
      where ff.rank <= ? and f.mean is not null`,
    [runId, perClass],
  );
  return rows.map((row: Record<string, unknown>) => ({
    demandClass: row.demand_class,
    protectionErrors: { scale: row.protection_error_scale, horizons: row.horizons, rows: row.protection_errors },
    mean: row.mean,
  })) as ClassErrorSummary[];
}

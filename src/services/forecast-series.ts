import type { ForecastFitRow, ForecastRow, ModelSelection } from '../../db/repositories/forecasts';
import type { WeeklySeries } from '../../db/repositories/sales';
import { addDays } from '../../db/dates';
import { cleanedForecast, type CleanedForecast } from '../../models/forecast/cleaned-forecast';
import { estimateCensoredDemand } from '../../models/forecast/censored';
import { mase } from '../../models/forecast/accuracy';
import { summariseProtectionErrors } from '../../models/forecast/protection-errors';

const WEEKLY_SEASON = 52;
const LEVELS = [80, 95];

export interface SeriesForecastOptions {
  horizonWeeks: number;
  /** The Monday after the last week of history: the start of forecast step 1. */
  firstPeriodStart: string;
  /** Last day of history: the date a new model selection is stamped with (ModelSelection.selectedOn). */
  asOfDate?: string;
  /** Earlier selections to refit instead of choosing again, by selectionKey (the forecast stage passes the recent ones). */
  pinned?: Map<string, ModelSelection>;
  /** Periods per season; default 52, the weekly year (the backtest passes its data's, e.g. 12 for monthly). */
  seasonLength?: number;
}

export const selectionKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

export interface SeriesForecastRows {
  forecasts: ForecastRow[];
  fits: ForecastFitRow[];
}

/**
 * The CPU-heavy part of the forecast stage, free of I/O so that a worker thread can run it: one automatic model
 * choice per weekly series, as the rows the forecast repository writes.
 */
export function forecastSeries(list: WeeklySeries[], options: SeriesForecastOptions): SeriesForecastRows {
  const rows: SeriesForecastRows = { forecasts: [], fits: [] };
  for (const series of list) appendSeriesForecast(rows, series, options);
  return rows;
}

/** Forecasts one series and appends its horizon rows and its fit row. */
export function appendSeriesForecast(rows: SeriesForecastRows, series: WeeklySeries, options: SeriesForecastOptions): void {
  const demand = weeklyDemand(series);
  const earlier = options.pinned?.get(selectionKey(series.itemId, series.locationId));
  const result = cleanedForecast(demand, { seasonLength: options.seasonLength ?? WEEKLY_SEASON, horizon: options.horizonWeeks, levels: LEVELS, pinned: earlier?.pin });
  const weekStart = (index: number) => addDays(options.firstPeriodStart, -7 * (demand.length - index));
  const selection: ModelSelection = {
    kind: result.selection,
    // A refit keeps the date of the selection it refits, so that selections still happen every FORECAST_RESELECT_DAYS.
    selectedOn: result.selection === 'pinned' ? earlier!.selectedOn : (options.asOfDate ?? null),
    ...(result.pin && { pin: result.pin }),
  };
  result.mean.forEach((mean, step) => {
    rows.forecasts.push({
      itemId: series.itemId,
      locationId: series.locationId,
      method: result.method,
      demandClass: result.demandClass,
      periodStart: addDays(options.firstPeriodStart, 7 * step),
      step: step + 1,
      mean,
      lo80: result.lower[0][step],
      hi80: result.upper[0][step],
      lo95: result.lower[1][step],
      hi95: result.upper[1][step],
    });
  });
  rows.fits.push({
    itemId: series.itemId,
    locationId: series.locationId,
    method: result.method,
    demandClass: result.demandClass,
    accuracy: { inSampleMase: finiteOrNull(inSampleMase(demand, result.fitted)) },
    errorSd: finiteOrNull(result.residualSd),
    // The ETS component's errors over 1 … horizon weeks against the demand as it was: the planner's safety stock over lead time + review.
    protectionErrors: result.ets ? summariseProtectionErrors(result.ets.values, result.ets.fit, options.horizonWeeks, etsDemandAsItWas(result)) : null,
    params: {
      selection,
      candidates: result.candidates,
      historyWeeks: demand.length,
      // The weeks replaced before fitting (outliers), kept beside the stored history they flag.
      cleaned: result.cleaned.map(({ index, value, replacement }) => ({ weekStart: weekStart(index), demand: value, replacement })),
      levelShiftFrom: result.levelShiftAt === null ? null : weekStart(result.levelShiftAt),
    },
  });
}

/**
 * The values the ETS component saw with the outliers put back: what the forecast will be measured against, since an
 * unannounced promotion replaced for the fit will happen again. The component may have seen seasonally adjusted
 * values: an outlier's excess is put back in proportion (multiplicative adjustment) or as it was (additive, none).
 */
function etsDemandAsItWas(result: CleanedForecast): number[] {
  const { values } = result.ets!;
  if (result.cleaned.length === 0) return values;
  const proportional = result.method.includes('on multiplicative seasonally adjusted data');
  const restored = [...values];
  for (const { index, value, replacement } of result.cleaned) {
    if (!Number.isFinite(value) || index >= restored.length) continue;
    restored[index] = proportional && replacement > 0 ? (restored[index] * value) / replacement : restored[index] + value - replacement;
  }
  return restored;
}

/**
 * The demand a series' models see: sales plus the demand of the time out of stock (estimateCensoredDemand; a week out
 * of stock on every day without a sale is NaN),
 * from the first sale on: the zeros before it are weeks the item was not sold yet, not weeks without demand.
 */
export function weeklyDemand(series: Pick<WeeklySeries, 'quantities' | 'outOfStockDays' | 'soldOutDays'>): number[] {
  const demand = estimateCensoredDemand({ sales: series.quantities, outOfStockDays: series.outOfStockDays, soldOutDays: series.soldOutDays, daysPerPeriod: 7 });
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

import type { ForecastFitRow, ForecastRow, ModelSelection } from '../../db/repositories/forecasts';
import type { PlanError } from '../../db/repositories/plan-errors';
import type { WeeklySeries } from '../../db/repositories/sales';
import { addDays, dayNumber } from '../../db/dates';
import { cleanedForecast, type CleanedForecast } from '../../models/forecast/cleaned-forecast';
import { type EventSpan, eventAdjustment } from '../../models/forecast/events';
import { dyingSignal, NEW_ITEM_PERIODS, newItemBasis } from '../../models/forecast/lifecycle';
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
  /** Events of each series that fall in its history or horizon, by selectionKey (the forecast stage reads them). */
  events?: Map<string, SeriesEvents>;
  /** What a new item may be forecast from (its like item's or its category's weekly demand there), by selectionKey. */
  references?: Map<string, SeriesReference>;
}

/** A reference for a new item: weekly demand aligned with the history window (NaN before it started selling). */
export interface SeriesReference {
  basis: 'like-sku' | 'category';
  /** The like item's SKU, or the category. */
  name: string;
  demand: number[];
}

/** How an item's lifecycle changed its forecast: forecast_fits.params.lifecycle. */
export type Lifecycle =
  | { status: 'new'; basis: 'like-sku' | 'category'; reference: string; scale: number; ownWeeks: number }
  | { status: 'dying'; weeksSinceLastSale: number; usualIntervalWeeks: number; longestIntervalWeeks: number; lastSaleWeek: string };

/** The events on one item × location (its own, its category's, at its location or all), as day numbers. */
export interface SeriesEvents {
  spans: EventSpan[];
  /** The uplift measured on the item's category per kind, for a kind the item has no past event of. */
  categoryUplifts: Record<string, number | null>;
}

export const selectionKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

export interface SeriesForecastRows {
  forecasts: ForecastRow[];
  fits: ForecastFitRow[];
  /** The series whose forecast threw (forecastSeries): the stage records them as the run's errors and goes on without them. */
  errors?: PlanError[];
}

/**
 * The CPU-heavy part of the forecast stage, free of I/O so that a worker thread can run it: one automatic model
 * choice per weekly series, as the rows the forecast repository writes.
 */
export function forecastSeries(list: WeeklySeries[], options: SeriesForecastOptions): SeriesForecastRows {
  const rows: SeriesForecastRows = { forecasts: [], fits: [], errors: [] };
  for (const series of list) appendSeriesForecastOrError(rows, series, options);
  return rows;
}

/**
 * appendSeriesForecast, except that a series whose forecast throws, or gives a number that is not finite (a pinned
 * multiplicative model refitted on sales that jumped to a billion a day, which the import accepts), leaves no rows
 * and is listed in `rows.errors` with the reason: one bad SKU never fails a run's chunk.
 */
export function appendSeriesForecastOrError(rows: SeriesForecastRows, series: WeeklySeries, options: SeriesForecastOptions): void {
  const [forecasts, fits] = [rows.forecasts.length, rows.fits.length];
  try {
    appendSeriesForecast(rows, series, options);
    for (const row of rows.forecasts.slice(forecasts)) {
      const values = { mean: row.mean, lo80: row.lo80, hi80: row.hi80, lo95: row.lo95, hi95: row.hi95 };
      const unusable = Object.entries(values).find(([, value]) => value !== null && !Number.isFinite(value));
      if (unusable) throw new Error(`${row.method}: the forecast's ${unusable[0]} at step ${row.step} is ${unusable[1]}`);
    }
  } catch (error) {
    rows.forecasts.length = forecasts;
    rows.fits.length = fits;
    (rows.errors ??= []).push({ itemId: series.itemId, locationId: series.locationId, reason: `forecast failed: ${(error as Error).message}` });
  }
}

/**
 * Forecasts one series and appends its horizon rows and its fit row. A new item (fewer than NEW_ITEM_PERIODS weeks
 * since its first sale, or none yet with a like SKU) with a usable reference is fitted on the reference scaled to its
 * own weeks and classed 'new'; a dying one (dyingSignal) is forecast at zero and classed 'dying', so that it is not
 * reordered on its old rate.
 */
export function appendSeriesForecast(rows: SeriesForecastRows, series: WeeklySeries, options: SeriesForecastOptions): void {
  const demand = weeklyDemand(series);
  const key = selectionKey(series.itemId, series.locationId);
  const own = demand.some((value) => value > 0) ? demand : [];
  const reference = options.references?.get(key);
  const newBasis =
    reference && own.length < NEW_ITEM_PERIODS && (own.length > 0 || reference.basis === 'like-sku') ? newItemBasis(reference.demand, own) : null;
  const history = newBasis ? newBasis.series : demand;
  const dying = newBasis ? null : dyingSignal(demand);
  const earlier = newBasis ? undefined : options.pinned?.get(key);
  const events = options.events?.get(key);
  const adjustment = events
    ? eventAdjustment({
        history,
        historyFirstDay: dayNumber(options.firstPeriodStart) - 7 * history.length,
        horizon: options.horizonWeeks,
        daysPerPeriod: 7,
        spans: events.spans,
        categoryUplifts: events.categoryUplifts,
      })
    : undefined;
  const fitted = cleanedForecast(history, {
    seasonLength: options.seasonLength ?? WEEKLY_SEASON,
    horizon: options.horizonWeeks,
    levels: LEVELS,
    pinned: earlier?.pin,
    explained: adjustment?.explained,
  });
  // Future events lift the mean and its bounds alike: the same spread around a higher level. A dying item: none.
  const lift = (values: number[]) => values.map((value, step) => (dying ? 0 : value * (adjustment?.factors[step] ?? 1)));
  const result = {
    ...fitted,
    mean: lift(fitted.mean),
    lower: fitted.lower.map(lift),
    upper: fitted.upper.map(lift),
    demandClass: newBasis ? ('new' as const) : dying ? ('dying' as const) : fitted.demandClass,
    residualSd: dying ? 0 : fitted.residualSd,
    ets: dying ? undefined : fitted.ets,
  };
  const weekStart = (index: number) => addDays(options.firstPeriodStart, -7 * (history.length - index));
  const lifecycle: Lifecycle | null = newBasis
    ? { status: 'new', basis: reference!.basis, reference: reference!.name, scale: newBasis.scale, ownWeeks: own.length }
    : dying
      ? {
          status: 'dying',
          weeksSinceLastSale: dying.periodsSinceLastSale,
          usualIntervalWeeks: dying.usualInterval,
          longestIntervalWeeks: dying.longestInterval,
          lastSaleWeek: weekStart(demand.length - 1 - dying.periodsSinceLastSale),
        }
      : null;
  const selection: ModelSelection = {
    kind: result.selection,
    // A refit keeps the date of the selection it refits, so that selections still happen every FORECAST_RESELECT_DAYS.
    selectedOn: result.selection === 'pinned' ? earlier!.selectedOn : (options.asOfDate ?? null),
    // A new item's model was chosen on its reference: its own history chooses again once it takes over.
    ...(result.pin && !newBasis && { pin: result.pin }),
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
    accuracy: { inSampleMase: finiteOrNull(inSampleMase(history, result.fitted)) },
    errorSd: finiteOrNull(result.residualSd),
    // The ETS component's errors over 1 … horizon weeks against the demand as it was: the planner's safety stock over lead time + review.
    protectionErrors: result.ets ? summariseProtectionErrors(result.ets.values, result.ets.fit, options.horizonWeeks, etsDemandAsItWas(result)) : null,
    params: {
      selection,
      candidates: result.candidates,
      historyWeeks: history.length,
      // The weeks replaced before fitting (outliers), kept beside the stored history they flag.
      cleaned: result.cleaned.map(({ index, value, replacement }) => ({ weekStart: weekStart(index), demand: value, replacement })),
      levelShiftFrom: result.levelShiftAt === null ? null : weekStart(result.levelShiftAt),
      // The future events that lifted the forecast: their kind, the uplift used and where it came from, the weeks lifted.
      ...(adjustment &&
        adjustment.applied.length > 0 && {
          events: adjustment.applied.map(({ kind, uplift, source, periods }) => ({
            kind,
            uplift,
            upliftSource: source,
            weeks: periods.map((step) => addDays(options.firstPeriodStart, 7 * step)),
          })),
        }),
      ...(lifecycle && { lifecycle }),
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

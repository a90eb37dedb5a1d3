import type { Knex } from 'knex';
import { activeItemsInRange } from '../../db/repositories/items';
import { lastModelSelections, type ModelSelection, replaceChunkForecasts } from '../../db/repositories/forecasts';
import { replacePlanErrors } from '../../db/repositories/plan-errors';
import { completeChunk } from '../../db/repositories/runs';
import { weeklySales, type WeeklySeries } from '../../db/repositories/sales';
import { addDays, dayNumber } from '../../db/dates';
import { ITEMS_BETWEEN_YIELDS, yieldToEventLoop } from './event-loop';
import { appendSeriesForecastOrError, selectionKey, type SeriesForecastOptions, type SeriesForecastRows } from './forecast-series';
import type { ChunkStage } from './pipeline-service';
import type { FoundException } from '../../db/repositories/exceptions';
import { recordExceptionsWithEvents, writeExceptionEvents } from './exception-events';
import { chunkSeriesEvents } from './forecast-events';
import { chunkReferences } from './forecast-references';
import { latestOnHand, openPurchaseQuantities } from '../../db/repositories/inventory';
import type { Lifecycle } from './forecast-series';

/** Outlier weeks this recent are shown to buyers as exceptions (older ones are kept in the fit only). */
const RECENT_CLEANED_WEEKS = 13;

/** Runs forecastSeries somewhere other than this thread (jobs/model-pool.ts: a pool of worker threads). */
export interface SeriesForecaster {
  forecast(list: WeeklySeries[], options: SeriesForecastOptions): Promise<SeriesForecastRows>;
}

/**
 * The forecast stage for one chunk of items: one query for the chunk's weekly sales, one model choice per
 * item × location, one transaction that replaces the chunk's rows for the run. With a forecaster the model work
 * runs off this thread, so BullMQ lock renewal and HTTP requests are never held up; without one it runs here,
 * yielding to the event loop every few items. A model chosen less than `reselectDays` before the as-of date (by
 * the last succeeded run) is refitted rather than chosen again (autoForecast's `pinned`): cheaper, and
 * bench/accuracy.ts shows no loss from refitting a choice one period old.
 */
export function createForecastStage(deps: {
  db: Knex;
  horizonWeeks: number;
  historyWeeks: number;
  reselectDays: number;
  forecaster?: SeriesForecaster;
  /** The clock exception.opened events are stamped with. Default: the system clock. */
  now?: () => Date;
}): ChunkStage {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  return async (runId, asOfDate, range) => {
    const items = await activeItemsInRange(db, range);
    const itemIds = items.map((item) => item.itemId);
    const sales = await weeklySales(db, itemIds, { endDate: asOfDate, weeks: deps.historyWeeks });
    const firstPeriodStart = addDays(sales.weekEnds[sales.weekEnds.length - 1], 1);
    const options: SeriesForecastOptions = {
      horizonWeeks: deps.horizonWeeks,
      firstPeriodStart,
      asOfDate,
      pinned: await recentSelections(db, runId, itemIds, asOfDate, deps.reselectDays),
      events: await chunkSeriesEvents(db, sales.series, {
        historyStart: addDays(sales.weekEnds[0], -6),
        firstPeriodStart,
        horizonWeeks: deps.horizonWeeks,
        asOfDate,
        historyWeeks: deps.historyWeeks,
      }),
      references: await chunkReferences(db, sales.series, { asOfDate, historyWeeks: deps.historyWeeks }),
    };
    const rows = deps.forecaster ? await deps.forecaster.forecast(sales.series, options) : await forecastHere(sales.series, options);
    const errors = rows.errors ?? [];
    const counts = { forecastedSeries: sales.series.length - errors.length, forecastErrors: errors.length };
    const lifecycle = await lifecycleExceptions(db, rows, new Map(items.map((item) => [item.itemId, item.unitCost])));
    await db.transaction(async (trx) => {
      await replaceChunkForecasts(trx, runId, itemIds, rows);
      // A series whose model threw is listed with the run's plan errors (GET /runs/:id) and left out of the plan.
      await replacePlanErrors(trx, runId, itemIds, errors, 'forecast');
      await writeExceptionEvents(trx, runId, itemIds, errors, now(), 'forecast');
      const found = [...recentCleanedWeeks(rows, addDays(options.firstPeriodStart, -7 * RECENT_CLEANED_WEEKS)), ...lifecycle];
      await recordExceptionsWithEvents(trx, { runId, kinds: ['outlier-cleaned', 'new', 'dying'], itemIds }, found, now());
      await completeChunk(trx, runId, range.firstItemId, counts);
    });
    return counts;
  };
}

/** An exception per week cleaned as an outlier since `since`, with the demand seen and the value fitted instead. */
function recentCleanedWeeks(rows: SeriesForecastRows, since: string): FoundException[] {
  return rows.fits.flatMap((fit) =>
    ((fit.params.cleaned ?? []) as Array<{ weekStart: string; demand: number; replacement: number }>)
      .filter((week) => week.weekStart >= since)
      .map((week) => ({
        itemId: fit.itemId,
        locationId: fit.locationId,
        kind: 'outlier-cleaned' as const,
        subject: week.weekStart,
        details: { weekStart: week.weekStart, demand: week.demand, replacement: Number(week.replacement.toFixed(2)) },
        action: `the week's demand was fitted as ${Number(week.replacement.toFixed(1))} instead of ${week.demand}: kept out of the forecast and the safety stock`,
      })),
  );
}

/**
 * A `new` exception per item × location forecast from a reference, a `dying` one per item × location whose sales
 * stopped, with its stock on hand and on order: at risk of becoming excess, since it is no longer reordered.
 */
async function lifecycleExceptions(db: Knex, rows: SeriesForecastRows, unitCosts: Map<number, number>): Promise<FoundException[]> {
  const marked = rows.fits.flatMap((fit) => {
    const lifecycle = fit.params.lifecycle as Lifecycle | undefined;
    return lifecycle ? [{ itemId: fit.itemId, locationId: fit.locationId, lifecycle }] : [];
  });
  const dyingItems = [...new Set(marked.filter((one) => one.lifecycle.status === 'dying').map((one) => one.itemId))];
  const pair = (row: { itemId: number; locationId: number }) => `${row.itemId}:${row.locationId}`;
  const onHand = new Map((await latestOnHand(db, dyingItems)).map((row) => [pair(row), row.quantity]));
  const onOrder = new Map((await openPurchaseQuantities(db, dyingItems)).map((row) => [pair(row), row.quantity]));
  return marked.map(({ itemId, locationId, lifecycle }): FoundException => {
    if (lifecycle.status === 'new') {
      const from = lifecycle.basis === 'like-sku' ? `like item ${lifecycle.reference}` : `the profile of category ${lifecycle.reference}`;
      const scaled = lifecycle.ownWeeks > 0 ? ` scaled ×${Number(lifecycle.scale.toFixed(2))} to its first ${lifecycle.ownWeeks} week${lifecycle.ownWeeks === 1 ? '' : 's'}` : '';
      return { itemId, locationId, kind: 'new', details: { ...lifecycle }, action: `forecast from ${from}${scaled}, until 8 weeks of its own sales take over` };
    }
    const stock = Math.max(0, onHand.get(pair({ itemId, locationId })) ?? 0);
    const ordered = onOrder.get(pair({ itemId, locationId })) ?? 0;
    const atRiskValue = Number(((stock + ordered) * (unitCosts.get(itemId) ?? 0)).toFixed(2));
    return {
      itemId,
      locationId,
      kind: 'dying',
      details: { ...lifecycle, onHand: stock, onOrder: ordered, atRiskUnits: stock + ordered, atRiskValue },
      action: `no sale for ${lifecycle.weeksSinceLastSale} weeks (usually every ${Number(lifecycle.usualIntervalWeeks.toFixed(1))}): forecast at zero and not reordered; ${stock} on hand and ${ordered} on order at risk of becoming excess`,
    };
  });
}

async function forecastHere(list: WeeklySeries[], options: SeriesForecastOptions): Promise<SeriesForecastRows> {
  const rows: SeriesForecastRows = { forecasts: [], fits: [], errors: [] };
  for (const [index, series] of list.entries()) {
    if (index % ITEMS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
    appendSeriesForecastOrError(rows, series, options);
  }
  return rows;
}

/** The last run's selections made fewer than `reselectDays` days before `asOfDate` (and not after it), by selectionKey. */
async function recentSelections(db: Knex, runId: number, itemIds: number[], asOfDate: string, reselectDays: number): Promise<Map<string, ModelSelection>> {
  const recent = new Map<string, ModelSelection>();
  if (reselectDays === 0) return recent;
  for (const { itemId, locationId, selection } of await lastModelSelections(db, runId, itemIds)) {
    if (!selection.pin || !selection.selectedOn) continue;
    const age = dayNumber(asOfDate) - dayNumber(selection.selectedOn);
    if (age >= 0 && age < reselectDays) recent.set(selectionKey(itemId, locationId), selection);
  }
  return recent;
}

import type { Knex } from 'knex';
import { addDays, dayNumber } from '../../db/dates';
import { classErrorSummaries, forecastsForItems } from '../../db/repositories/forecasts';
import { backorderedQuantities, latestOnHand, openPurchaseQuantities } from '../../db/repositories/inventory';
import { activeItemIdRanges, activeItemsInRange, type ActiveItem, type ItemIdRange } from '../../db/repositories/items';
import {
  activeItemRevenues,
  approvedNotExportedQuantities,
  decidedLinesOfRun,
  draftLinesForRun,
  openPurchaseArrivals,
  previousDecisions,
  replaceDraftPurchaseOrders,
  replacePlanChunk,
  type DecidedPair,
} from '../../db/repositories/planning';
import { replacePlanErrors } from '../../db/repositories/plan-errors';
import { recordExceptionsWithEvents, writeExceptionEvents } from './exception-events';
import { weeklySales } from '../../db/repositories/sales';
import { supplierItemsFor } from '../../db/repositories/suppliers';
import { abcClassify } from '../../models/policy/classification';
import type { PooledTail } from '../../models/policy/pooled-tail';
import { classPooledTails as poolClasses } from './planning/pooled-tails';
import type { AbcClass, ServiceMeasure } from '../../models/policy/safety-stock';
import type { Logger } from '../logger';
import type { RunStage } from './pipeline-service';
import { buildDraftPurchaseOrders } from './planning/draft-orders';
import { yieldToEventLoop } from './event-loop';
import { samplingHistory } from './planning/planning-demand';
import { learnRunLeadTimes } from './planning/lead-times';
import { PLAN_EXCEPTION_KINDS } from './planning/plan-exceptions';
import { overridesInForce } from '../../db/repositories/overrides';
import { findRun } from '../../db/repositories/runs';
import { chunkContext, pairKey, planPairs, type ChunkInputs, type ChunkPlan, type ForecastAdjustment, type PairContext } from './planning/plan-pairs';

export type { ForecastAdjustment } from './planning/plan-pairs';

/** Series per class the pooled error tail is averaged over: enough for its mean, few enough to read in one query. */
const POOLED_TAIL_SAMPLE = 2000;

export interface PlanStageDeps {
  db: Knex;
  /** Target service level per ABC class (SERVICE_LEVEL_A/B/C). */
  serviceLevels: Record<AbcClass, number>;
  /** What each class's target measures (SERVICE_MEASURE_A/B/C). Default: cycle service for every class. */
  serviceMeasures?: Record<AbcClass, ServiceMeasure>;
  /** Weeks of sales history behind the forecasts (HISTORY_WEEKS): the history sampled items are drawn from and slow movers are told by. */
  historyWeeks: number;
  /** Items per chunk: one query per chunk per kind of data, one transaction per chunk. Default 500. */
  chunkSize?: number;
  /** Receipts from this many days before the as-of date teach lead times. Default 730. */
  leadTimeHistoryDays?: number;
  /**
   * Simulated protection intervals per item buffered from samples (buffersFromSamples). Default 2000: the 98% quantile
   * then rests on the 40 largest totals (standard error of its level ≈ 0.3 percentage points), and sampling stays most
   * of the stage's time.
   */
  demandSampleCount?: number;
  /** Yearly holding cost as a share of unit cost, for the EOQ shown beside the policy. Default 0.25. */
  holdingCostRatePerYear?: number;
  /** Lead time planned for an item without any supplier, so that its need is still sized. Default 14. */
  unsourcedLeadTimeDays?: number;
  logger?: Logger;
  /** Where chunks are planned (a pool of worker threads); without one, on this thread, one chunk at a time. */
  planner?: ChunkPlanner;
  /** "Today" for the events the stage writes (exception.opened). Default: the system clock. */
  now?: () => Date;
}

/** The clock of a stage given none. */
const systemNow = () => new Date();

/** Plans a chunk's pairs off the stage's thread (jobs/model-pool.ts: worker threads), `parallelism` chunks at once. */
export interface ChunkPlanner {
  planChunk(data: ChunkInputs, asOfDate: string, context: PairContext): Promise<ChunkPlan>;
  parallelism: number;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * The planning stage of a run: applies the inventory policy (models/policy, planItem) to every item × location the
 * run forecast, and writes inventory_policies, recommendations (status 'proposed') and draft_purchase_orders for the run.
 *
 * Once per run: ABC classes by the last 52 weeks' revenue and planning lead times per supplier × item (learnLeadTimes).
 * Then per chunk of items: one query per kind of data, planItem per pair, one transaction replacing the chunk's rows.
 * Last: the run's recommendations, as they stand, grouped into draft purchase orders per supplier × location.
 *
 * Buyers' earlier decisions are kept, never overwritten: quantities approved on earlier runs and not yet exported count
 * as on order (so the same need is not proposed twice), and each new recommendation carries in its explanation the
 * latest earlier recommendation a buyer acted on (`previousDecision`). Rerunning the same run rewrites its own rows,
 * except recommendations of this run a buyer has already touched.
 */
export function createPlanStage(deps: PlanStageDeps): RunStage {
  const { db } = deps;
  const chunkSize = deps.chunkSize ?? 500;
  const settings = stageSettings(deps);
  const now = deps.now ?? systemNow;

  return async (runId, asOfDate) => {
    const context: PairContext = {
      ...settings,
      abcClasses: await classifyByRevenue(db, asOfDate),
      leadTimes: await learnRunLeadTimes(db, { since: addDays(asOfDate, -(deps.leadTimeHistoryDays ?? 730)), asOfDate }),
      pooledTails: await classPooledTails(db, runId),
    };
    const ranges = await activeItemIdRanges(db, chunkSize);
    const planner = deps.planner;
    const plan = (data: ChunkInputs) =>
      planner ? planner.planChunk(data, asOfDate, chunkContext(context, data)) : planPairs(data, asOfDate, context, yieldToEventLoop);
    const counts = { plannedItems: 0, recommendations: 0, criticalRecommendations: 0, unsourcedRecommendations: 0, previousDecisionsShown: 0, planErrors: 0 };
    const pullForwards: ChunkPlan['pullForwards'][] = [];

    // One lane more than chunks planned at once, so the next chunk's reads run while the others are planned; each
    // chunk is written in its own transactions, one write at a time.
    let nextChunk = 0;
    let failure: { error: unknown } | undefined;
    let writing: Promise<unknown> = Promise.resolve();
    const lane = async () => {
      while (!failure && nextChunk < ranges.length) {
        const index = nextChunk++;
        try {
          const data = await readChunk(db, runId, asOfDate, ranges[index], deps.historyWeeks);
          const chunk = await plan(data);
          const write = writing.then(() => writeChunk(db, runId, data.itemIds, chunk, now()));
          writing = write.catch(() => undefined);
          for (const [key, value] of Object.entries(await write) as Array<[keyof typeof counts, number]>) counts[key] += value;
          logPlanErrors(deps.logger, runId, chunk.planErrors);
          pullForwards[index] = chunk.pullForwards;
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: (planner?.parallelism ?? 1) + 1 }, lane));
    if (failure) throw failure.error;

    // In chunk order, whichever lane planned them: the draft orders rank their candidates in a stable order.
    const candidates = pullForwards.flat();
    const orders = buildDraftPurchaseOrders(
      await draftLinesForRun(db, runId),
      candidates.map((entry) => entry.candidate),
      new Map(candidates.map((entry) => [entry.itemId, entry.sku])),
    );
    await replaceDraftPurchaseOrders(db, runId, orders);
    return {
      ...counts,
      draftPurchaseOrders: orders.length,
      draftPurchaseOrdersBelowMinimum: orders.filter((order) => order.shortfall > 0).length,
    };
  };
}

/** The settings every pair is planned with (PairContext's, without the run's learned figures). */
function stageSettings(deps: PlanStageDeps) {
  return {
    serviceLevels: deps.serviceLevels,
    serviceMeasures: deps.serviceMeasures ?? { A: 'cycle', B: 'cycle', C: 'cycle' },
    demandSampleCount: deps.demandSampleCount ?? 2000,
    holdingCostRatePerYear: deps.holdingCostRatePerYear ?? 0.25,
    unsourcedLeadTimeDays: deps.unsourcedLeadTimeDays ?? 14,
  };
}

/** Re-plans some items of a run now, as of `asOfDate`, with their forecasts adjusted: the sense run's re-plan. */
export type Replanner = (
  runId: number,
  asOfDate: string,
  adjustments: Map<number, Map<number, ForecastAdjustment>>,
) => Promise<{ replannedItems: number; recommendations: number; criticalRecommendations: number }>;

/**
 * The plan stage's own steps (readChunk, planPairs, writeChunk) for a few items of a run: their policies, recommendations and
 * exceptions are rewritten in the run (recommendations a buyer already touched are kept, as on a rerun; where the
 * kept line is approved or exported and the need has grown, a top-up line orders the extra, linked to it by
 * top_up_of); the draft purchase orders are left to the next run. `adjustments` is by item id, then location id.
 */
export function createReplanner(deps: PlanStageDeps): Replanner {
  const { db } = deps;
  const now = deps.now ?? systemNow;
  return async (runId, asOfDate, adjustments) => {
    const itemIds = [...adjustments.keys()];
    if (itemIds.length === 0) return { replannedItems: 0, recommendations: 0, criticalRecommendations: 0 };
    const run = await findRun(db, runId);
    if (!run?.asOfDate) throw new Error(`run ${runId} has no as-of date to re-plan from`);
    const abcClasses = await classifyByRevenue(db, asOfDate);
    const leadTimes = await learnRunLeadTimes(db, { since: addDays(asOfDate, -(deps.leadTimeHistoryDays ?? 730)), asOfDate });
    const range = { firstItemId: Math.min(...itemIds), lastItemId: Math.max(...itemIds) };
    const data = await readChunk(db, runId, asOfDate, range, deps.historyWeeks, new Set(itemIds));
    const byPair = new Map<string, ForecastAdjustment>();
    for (const [itemId, locations] of adjustments) for (const [locationId, adjustment] of locations) byPair.set(pairKey(itemId, locationId), adjustment);
    // The item's other locations are planned again too (the chunk's rows are replaced per item), at their own forecast.
    const context: PairContext = {
      ...stageSettings(deps),
      abcClasses,
      leadTimes,
      pooledTails: await classPooledTails(db, runId),
      adjustments: byPair,
      daysIntoReview: Math.max(0, dayNumber(asOfDate) - dayNumber(run.asOfDate)),
    };
    const planned = await planPairs(data, asOfDate, context, yieldToEventLoop);
    const chunk = await writeChunk(db, runId, data.itemIds, planned, now());
    logPlanErrors(deps.logger, runId, planned.planErrors);
    return { replannedItems: chunk.plannedItems, recommendations: chunk.recommendations, criticalRecommendations: chunk.criticalRecommendations };
  };
}

/** The pooled error tail of each demand class of the run (planning/pooled-tails.ts), from up to POOLED_TAIL_SAMPLE of its series. */
async function classPooledTails(db: Knex, runId: number): Promise<Map<string, PooledTail>> {
  const rows = await classErrorSummaries(db, runId, POOLED_TAIL_SAMPLE);
  return poolClasses(rows.map((row) => ({ demandClass: row.demandClass, summary: row.protectionErrors, forecastMean: row.mean })));
}

/** ABC class of every active item by revenue over the 52 weeks up to the as-of date (sales × unit price). */
async function classifyByRevenue(db: Knex, asOfDate: string): Promise<Map<number, AbcClass>> {
  const revenues = await activeItemRevenues(db, { afterDate: addDays(asOfDate, -52 * 7), throughDate: asOfDate });
  const itemIdOf = new Map(revenues.map((row) => [row.sku, row.itemId]));
  return new Map(abcClassify(revenues.map(({ sku, revenue }) => ({ sku, revenue }))).map((row) => [itemIdOf.get(row.sku)!, row.abcClass]));
}

/** Everything a chunk is planned from (ChunkInputs) for one range of items: one query per kind, run side by side. */
async function readChunk(db: Knex, runId: number, asOfDate: string, range: Pick<ItemIdRange, 'firstItemId' | 'lastItemId'>, historyWeeks: number, only?: Set<number>): Promise<ChunkInputs> {
  const items = (await activeItemsInRange(db, range)).filter((item) => !only || only.has(item.itemId));
  const itemIds = items.map((item) => item.itemId);
  const [forecasts, onHand, open, arrivals, backordered, approved, decisions, decided, offers, sales] = await Promise.all([
    forecastsForItems(db, runId, itemIds),
    latestOnHand(db, itemIds),
    openPurchaseQuantities(db, itemIds),
    openPurchaseArrivals(db, itemIds),
    backorderedQuantities(db, itemIds),
    approvedNotExportedQuantities(db, runId, itemIds),
    previousDecisions(db, runId, itemIds),
    decidedLinesOfRun(db, runId, itemIds),
    supplierItemsFor(db, itemIds),
    // Every item's: whether it is buffered from samples depends on its history too (slow movers), not on its class alone.
    weeklySales(db, itemIds, { endDate: asOfDate, weeks: historyWeeks }),
  ]);
  // Buyers' forecast overrides in force on the plan date (issue 12 item 4; src/services/planning/forecast-overrides.ts).
  const overrides = groupBy(await overridesInForce(db, itemIds, addDays(asOfDate, 1)), (row) => pairKey(row.itemId, row.locationId));
  return {
    itemIds,
    items: new Map<number, ActiveItem>(items.map((item) => [item.itemId, item])),
    forecasts,
    onHand: new Map(onHand.map((row) => [pairKey(row.itemId, row.locationId), row.quantity])),
    open: new Map(open.map((row) => [pairKey(row.itemId, row.locationId), row])),
    arrivals: groupBy(arrivals, (row) => pairKey(row.itemId, row.locationId)),
    backordered: new Map(backordered.map((row) => [pairKey(row.itemId, row.locationId), row.quantity])),
    approved: new Map(approved.map((row) => [pairKey(row.itemId, row.locationId), row.quantity])),
    decisions: new Map(decisions.map((row) => [pairKey(row.itemId, row.locationId), row])),
    decided: new Map<string, DecidedPair>(decided.map((row) => [pairKey(row.itemId, row.locationId), row])),
    offersByItem: groupBy(offers, (row) => String(row.itemId)),
    histories: new Map(sales.series.map((series) => [pairKey(series.itemId, series.locationId), samplingHistory(series)])),
    overrides,
  };
}

/** Replaces a chunk's rows for the run: policies and recommendations, then its errors and exceptions with their events. */
async function writeChunk(db: Knex, runId: number, itemIds: number[], plan: ChunkPlan, now: Date) {
  const { policies, recommendations, planErrors, exceptions } = plan;
  await replacePlanChunk(db, runId, itemIds, { policies, recommendations });
  // The errors, the exceptions and the exception.opened events they open commit together.
  await db.transaction(async (trx) => {
    await replacePlanErrors(trx, runId, itemIds, planErrors);
    await writeExceptionEvents(trx, runId, itemIds, planErrors, now);
    await recordExceptionsWithEvents(trx, { runId, kinds: PLAN_EXCEPTION_KINDS, itemIds }, exceptions, now);
  });
  return {
    plannedItems: policies.length,
    recommendations: recommendations.length,
    criticalRecommendations: recommendations.filter((r) => r.urgency === 'critical').length,
    unsourcedRecommendations: recommendations.filter((r) => r.supplierId === null).length,
    previousDecisionsShown: plan.previousDecisionsShown,
    planErrors: planErrors.length,
  };
}

function logPlanErrors(logger: Logger | undefined, runId: number, planErrors: ChunkPlan['planErrors']): void {
  for (const { itemId, locationId, reason } of planErrors) logger?.warn({ runId, itemId, locationId, err: reason }, 'item not planned');
}

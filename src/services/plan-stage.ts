import type { Knex } from 'knex';
import { addDays } from '../../db/dates';
import { classErrorSummaries, forecastsForItems, type ItemForecast } from '../../db/repositories/forecasts';
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
  type OpenPurchaseArrival,
  type PolicyRow,
  type PreviousDecision,
  type RecommendationRow,
} from '../../db/repositories/planning';
import { type PlanError, replacePlanErrors } from '../../db/repositories/plan-errors';
import { recordExceptionsWithEvents, writeExceptionEvents } from './exception-events';
import { weeklySales } from '../../db/repositories/sales';
import { supplierItemsFor, type SupplierItem as SupplierTermsRow } from '../../db/repositories/suppliers';
import { abcClassify } from '../../models/policy/classification';
import type { LeadTimeStats } from '../../models/policy/lead-time';
import { planItem, type PlanItemInput } from '../../models/policy/plan';
import type { PooledTail } from '../../models/policy/pooled-tail';
import { classPooledTails as poolClasses, withPooledTail } from './planning/pooled-tails';
import type { PullForwardCandidate } from '../../models/policy/purchase-orders';
import type { AbcClass, ServiceMeasure } from '../../models/policy/safety-stock';
import type { SupplierItem } from '../../models/policy/supplier-choice';
import type { Logger } from '../logger';
import type { RunStage } from './pipeline-service';
import { buildDraftPurchaseOrders } from './planning/draft-orders';
import { ITEMS_BETWEEN_YIELDS, yieldToEventLoop } from './event-loop';
import { planningDemand, samplingHistory, samplingSeed } from './planning/planning-demand';
import { learnRunLeadTimes, leadTimeKey } from './planning/lead-times';
import { assertStorable } from './planning/storable';
import { urgencyOf } from './planning/urgency';
import type { FoundException } from '../../db/repositories/exceptions';
import { PLAN_EXCEPTION_KINDS, planExceptions } from './planning/plan-exceptions';
import { overridesInForce } from '../../db/repositories/overrides';
import { overriddenForecast } from './planning/forecast-overrides';
import { replanFactors } from '../../models/forecast/sensing';
import { canTopUp, decidedNotOnOrder, reviewLeft, topUpReason } from './planning/top-up';
import { findRun } from '../../db/repositories/runs';
import { dayNumber } from '../../db/dates';

/** Forecasts are weekly. */
const PERIOD_DAYS = 7;
/** Review period of an item nobody supplies (the suppliers table's default). */
const DEFAULT_REVIEW_PERIOD_DAYS = 7;
/** Lead-time spread assumed where only a promise is known: a quarter of it (learnLeadTimes' default). */
const PROMISED_SPREAD_FRACTION = 0.25;
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
  /** "Today" for the events the stage writes (exception.opened). Default: the system clock. */
  now?: () => Date;
}

/** What a buyer sees of an earlier decision on the same SKU × location. */
type PreviousDecisionShown = Omit<PreviousDecision, 'itemId' | 'locationId'>;

/** Gathered over the chunks for the draft purchase orders: items not due yet that could fill a supplier's minimum. */
interface DraftState {
  candidates: PullForwardCandidate[];
  skus: Map<number, string>;
}

const pairKey = (itemId: number, locationId: number) => `${itemId}/${locationId}`;

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

  return async (runId, asOfDate) => {
    const abcClasses = await classifyByRevenue(db, asOfDate);
    const leadTimes = await learnRunLeadTimes(db, { since: addDays(asOfDate, -(deps.leadTimeHistoryDays ?? 730)), asOfDate });
    const pooledTails = await classPooledTails(db, runId);
    const drafts: DraftState = { candidates: [], skus: new Map() };
    const counts = { plannedItems: 0, recommendations: 0, criticalRecommendations: 0, unsourcedRecommendations: 0, previousDecisionsShown: 0, planErrors: 0 };

    // The next chunk's reads run while this one is planned and written.
    const ranges = await activeItemIdRanges(db, chunkSize);
    const read = (index: number) => {
      if (index >= ranges.length) return undefined;
      const reading = readChunk(db, runId, asOfDate, ranges[index], deps.historyWeeks);
      // Awaited below as usual; handled here too so that if an earlier chunk fails first, this read's failure is not unhandled.
      reading.catch(() => undefined);
      return reading;
    };
    let next = read(0);
    for (let index = 0; next; index++) {
      const data = await next;
      next = read(index + 1);
      const chunk = await planChunk(db, runId, asOfDate, data, { ...settings, abcClasses, leadTimes, pooledTails, drafts, logger: deps.logger });
      for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] += chunk[key];
    }

    const orders = buildDraftPurchaseOrders(await draftLinesForRun(db, runId), drafts.candidates, drafts.skus);
    await replaceDraftPurchaseOrders(db, runId, orders);
    return {
      ...counts,
      draftPurchaseOrders: orders.length,
      draftPurchaseOrdersBelowMinimum: orders.filter((order) => order.shortfall > 0).length,
    };
  };
}

function stageSettings(deps: PlanStageDeps) {
  return {
    serviceLevels: deps.serviceLevels,
    serviceMeasures: deps.serviceMeasures ?? { A: 'cycle', B: 'cycle', C: 'cycle' },
    historyWeeks: deps.historyWeeks,
    demandSampleCount: deps.demandSampleCount ?? 2000,
    holdingCostRatePerYear: deps.holdingCostRatePerYear ?? 0.25,
    unsourcedLeadTimeDays: deps.unsourcedLeadTimeDays ?? 14,
    now: deps.now ?? (() => new Date()),
  };
}

/** What a sense run found on a pair (models/forecast/sensing.ts): the re-plan raises or lowers the near weeks by it. */
export interface ForecastAdjustment {
  /** The sensed change's days and its units beyond the forecast's quantile over them (replanFactors). */
  sensed: { days: number; excess: number };
  /** The first of the sensed days. */
  since: string;
  /** What the sense run saw, for the explanation. */
  reason: string;
}

/**
 * Weeks a sensed change is carried into: a change seen on one day over about a lead time (what stock on hand must
 * serve until an order placed now lands), one seen over a week or more over a lead time and a review (what that
 * order must serve too). The nightly forecast takes over from there.
 */
function sensedWeeks(adjustment: ForecastAdjustment, leadTimeDays: number, reviewPeriodDays: number): number {
  return (adjustment.sensed.days === 1 ? leadTimeDays : leadTimeDays + reviewPeriodDays) / PERIOD_DAYS;
}

/** The forecast with its first weeks planned at the sensed factors (replanFactors), and the note saying so; undefined when nothing changes. */
function sensedForecast(forecast: ItemForecast, adjustment: ForecastAdjustment, weeks: number): { forecast: ItemForecast; note: string } | undefined {
  const factors = replanFactors(adjustment.sensed, forecast.mean[0] ?? 0, weeks);
  if (!factors) return undefined;
  const shown = factors.map((factor) => Number(factor.toFixed(2))).join(', ');
  return {
    forecast: { ...forecast, mean: forecast.mean.map((mean, step) => (step < factors.length ? mean * factors[step] : mean)) },
    note: `${adjustment.reason}; the next ${factors.length} weeks planned at ${shown}x the forecast`,
  };
}

/** Re-plans some items of a run now, as of `asOfDate`, with their forecasts adjusted: the sense run's re-plan. */
export type Replanner = (
  runId: number,
  asOfDate: string,
  adjustments: Map<number, Map<number, ForecastAdjustment>>,
) => Promise<{ replannedItems: number; recommendations: number; criticalRecommendations: number }>;

/**
 * The plan stage's own steps (readChunk, planChunk) for a few items of a run: their policies, recommendations and
 * exceptions are rewritten in the run (recommendations a buyer already touched are kept, as on a rerun; where the
 * kept line is approved or exported and the need has grown, a top-up line orders the extra, linked to it by
 * top_up_of); the draft purchase orders are left to the next run. `adjustments` is by item id, then location id.
 */
export function createReplanner(deps: PlanStageDeps): Replanner {
  const { db } = deps;
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
    const chunk = await planChunk(db, runId, asOfDate, data, {
      ...stageSettings(deps),
      abcClasses,
      leadTimes,
      pooledTails: await classPooledTails(db, runId),
      drafts: { candidates: [], skus: new Map() },
      logger: deps.logger,
      adjustments: byPair,
      daysIntoReview: Math.max(0, dayNumber(asOfDate) - dayNumber(run.asOfDate)),
    });
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

interface ChunkContext {
  serviceLevels: Record<AbcClass, number>;
  serviceMeasures: Record<AbcClass, ServiceMeasure>;
  historyWeeks: number;
  demandSampleCount: number;
  holdingCostRatePerYear: number;
  unsourcedLeadTimeDays: number;
  abcClasses: Map<number, AbcClass>;
  leadTimes: Map<string, LeadTimeStats>;
  /** Each demand class's pooled error tail (classPooledTails). */
  pooledTails: Map<string, PooledTail>;
  drafts: DraftState;
  logger?: Logger;
  /** The clock exception.opened events are stamped with. */
  now: () => Date;
  /** Forecasts to plan at other than their own level (demand sensing), by item × location (pairKey). */
  adjustments?: Map<string, ForecastAdjustment>;
  /**
   * Days from the run's plan date to this plan's (a sense run's re-plan of the run; 0 in the plan stage): the next
   * regular order goes out a review period after the run's, so a re-plan covers only until that order lands.
   */
  daysIntoReview?: number;
}

/** Everything planChunk reads for one range of items: one query per kind, run side by side. */
async function readChunk(db: Knex, runId: number, asOfDate: string, range: Pick<ItemIdRange, 'firstItemId' | 'lastItemId'>, historyWeeks: number, only?: Set<number>) {
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

type ChunkData = Awaited<ReturnType<typeof readChunk>>;

async function planChunk(db: Knex, runId: number, asOfDate: string, data: ChunkData, context: ChunkContext) {
  const { itemIds, items, forecasts, onHand, open, arrivals, backordered, approved, decisions, decided, offersByItem, histories, overrides } = data;
  const policies: PolicyRow[] = [];
  const recommendations: RecommendationRow[] = [];
  const planErrors: PlanError[] = [];
  const exceptions: FoundException[] = [];
  let previousDecisionsShown = 0;
  const planDate = addDays(asOfDate, 1);

  for (const [index, forecast] of forecasts.entries()) {
    if (index % ITEMS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
    const item = items.get(forecast.itemId);
    if (!item) continue;
    const key = pairKey(forecast.itemId, forecast.locationId);
    const offers = offersByItem.get(String(forecast.itemId)) ?? [];
    const adjustment = context.adjustments?.get(key);
    try {
      // One separate step: a buyer's override replaces the (sensed) statistical forecast of the weeks it covers.
      const pooled = { ...forecast, protectionErrors: withPooledTail(forecast.protectionErrors, forecast.mean, forecast.demandClass, context.pooledTails) };
      const sourcing = sourcingOf(offers, context);
      const sensed = adjustment && sensedForecast(pooled, adjustment, sensedWeeks(adjustment, sourcing.leadTime.meanDays, sourcing.reviewPeriodDays));
      const overridden = overriddenForecast(sensed?.forecast ?? pooled, overrides.get(key));
      const planned = planPair({
        forecast: overridden.forecast,
        sensing: sensed && adjustment && { note: sensed.note, since: adjustment.since, excess: adjustment.sensed.excess, reason: adjustment.reason },
        override: overridden.note,
        item,
        offers,
        sourcing,
        planDate,
        context,
        onHand: onHand.get(key) ?? 0,
        openOrder: open.get(key),
        arrivals: arrivals.get(key) ?? [],
        backordered: backordered.get(key) ?? 0,
        approvedNotExported: approved.get(key) ?? 0,
        previousDecision: decisions.get(key),
        decided: decided.get(key),
        history: histories.get(key),
      });
      assertStorable(planned.policy, planned.recommendation);
      policies.push(planned.policy);
      if (planned.recommendation) recommendations.push(planned.recommendation);
      if (planned.recommendation && decisions.has(key)) previousDecisionsShown += 1;
      exceptions.push(...planned.exceptions);
      if (planned.pullForward) {
        context.drafts.candidates.push(planned.pullForward);
        context.drafts.skus.set(item.itemId, item.sku);
      }
    } catch (error) {
      planErrors.push({ itemId: forecast.itemId, locationId: forecast.locationId, reason: (error as Error).message });
      context.logger?.warn({ runId, itemId: forecast.itemId, locationId: forecast.locationId, err: (error as Error).message }, 'item not planned');
    }
  }

  await replacePlanChunk(db, runId, itemIds, { policies, recommendations });
  // The errors, the exceptions and the exception.opened events they open commit together.
  await db.transaction(async (trx) => {
    await replacePlanErrors(trx, runId, itemIds, planErrors);
    await writeExceptionEvents(trx, runId, itemIds, planErrors, context.now());
    await recordExceptionsWithEvents(trx, { runId, kinds: PLAN_EXCEPTION_KINDS, itemIds }, exceptions, context.now());
  });
  return {
    plannedItems: policies.length,
    recommendations: recommendations.length,
    criticalRecommendations: recommendations.filter((r) => r.urgency === 'critical').length,
    unsourcedRecommendations: recommendations.filter((r) => r.supplierId === null).length,
    previousDecisionsShown,
    planErrors: planErrors.length,
  };
}

interface PairInput {
  forecast: ItemForecast;
  item: ActiveItem;
  offers: SupplierTermsRow[];
  planDate: string;
  context: ChunkContext;
  onHand: number;
  openOrder: { quantity: number; earliestExpectedDate: string | null } | undefined;
  /** The open order's lines by expected date. */
  arrivals: OpenPurchaseArrival[];
  backordered: number;
  approvedNotExported: number;
  previousDecision: PreviousDecision | undefined;
  /** This run's lines of the pair a buyer already acted on: a need beyond them becomes a top-up line. */
  decided: DecidedPair | undefined;
  history: number[] | undefined;
  /** The primary supplier's terms as planned (sourcingOf). */
  sourcing: Sourcing;
  /** Why the forecast was adjusted before planning (demand sensing), for the explanation and a top-up's reason. */
  sensing?: { note: string; since: string; excess: number; reason: string };
  /** The buyer's overrides the forecast was planned with, for the explanation. */
  override?: string;
}

type Sourcing = ReturnType<typeof sourcingOf>;

/** The suppliers' terms as planned (learned lead times where known), the primary's lead time and review period. */
function sourcingOf(offers: SupplierTermsRow[], context: ChunkContext) {
  const supplierItems: SupplierItem[] = offers.map((offer) => {
    const learned = context.leadTimes.get(leadTimeKey(offer.supplierId, offer.itemId));
    return {
      supplierId: String(offer.supplierId),
      unitCost: offer.unitCost,
      moq: offer.moq,
      orderMultiple: offer.orderMultiple,
      maxOrderQuantity: offer.maxOrderQuantity ?? undefined,
      leadTimeDays: learned?.plannedMeanDays ?? offer.promisedLeadTimeDays,
      leadTimeStdDevDays: learned?.plannedStdDevDays ?? PROMISED_SPREAD_FRACTION * offer.promisedLeadTimeDays,
      priority: offer.priority,
    };
  });
  // supplierItemsFor lists the primary (lowest priority number) first, as chooseSupplier ranks them.
  const primary = offers[0];
  const leadTime = supplierItems[0]
    ? { meanDays: supplierItems[0].leadTimeDays, stdDevDays: supplierItems[0].leadTimeStdDevDays ?? 0 }
    : { meanDays: context.unsourcedLeadTimeDays, stdDevDays: PROMISED_SPREAD_FRACTION * context.unsourcedLeadTimeDays };
  const reviewPeriodDays = primary?.reviewPeriodDays ?? DEFAULT_REVIEW_PERIOD_DAYS;
  const daysIntoReview = context.daysIntoReview ?? 0;
  return {
    supplierItems,
    primary,
    leadTime,
    // Between reviews, the regular orders' period is what is left of it: an order now serves demand until the next
    // regular order lands, not a whole review more (that order does); so a re-plan finds only what changed since.
    reviewPeriodDays: reviewLeft(reviewPeriodDays, daysIntoReview),
    reviewNote:
      daysIntoReview > 0 && reviewPeriodDays > 0
        ? `re-planned ${daysIntoReview} days into the review period of ${reviewPeriodDays} days: covers demand until the next regular order lands (review period ${reviewLeft(reviewPeriodDays, daysIntoReview)} days)`
        : undefined,
  };
}

/** Plans one item × location: builds planItem's input from the chunk's data and turns its result into rows. */
function planPair(input: PairInput): {
  policy: PolicyRow;
  recommendation: RecommendationRow | null;
  pullForward: PullForwardCandidate | null;
  exceptions: FoundException[];
} {
  const { forecast, item, offers, context } = input;
  const notes: string[] = [input.sensing?.note, input.override].filter((note): note is string => note !== undefined);

  const abcClass = item.abcClassOverride ?? context.abcClasses.get(item.itemId) ?? 'C';
  const serviceLevel = item.serviceLevelOverride ?? context.serviceLevels[abcClass];

  const { supplierItems, primary, leadTime, reviewPeriodDays, reviewNote } = input.sourcing;
  if (!primary) notes.push(`no supplier: planned at a lead time of ${context.unsourcedLeadTimeDays} days`);
  if (reviewNote) notes.push(reviewNote);

  const demand = planningDemand({
    forecast,
    history: input.history,
    leadTime,
    reviewPeriodDays,
    periodDays: PERIOD_DAYS,
    sampleCount: context.demandSampleCount,
    seed: samplingSeed(item.itemId, forecast.locationId),
  });
  notes.push(...demand.notes);

  if (input.onHand < 0) notes.push(`on hand ${input.onHand} taken as 0`);
  // This run's decided lines the records do not show as on order yet: a need beyond them is a top-up.
  const decidedOnOrder = input.decided ? decidedNotOnOrder(input.decided) : 0;
  const onOrder = (input.openOrder?.quantity ?? 0) + input.approvedNotExported + decidedOnOrder;
  const scheduledReceipts = input.arrivals.flatMap((arrival) => (arrival.expectedDate === null ? [] : [{ date: arrival.expectedDate, quantity: arrival.quantity }]));
  const undated = input.arrivals.reduce((sum, arrival) => sum + (arrival.expectedDate === null ? arrival.quantity : 0), 0);
  if (undated > 0) notes.push(`${undated} on open orders without an expected date: on order, but left out of the stock-out projection`);
  if (input.approvedNotExported > 0) notes.push(`${input.approvedNotExported} approved on earlier runs and not yet exported counted as on order`);
  if (decidedOnOrder > 0) notes.push(`${decidedOnOrder} on this run's decided lines, on no purchase order yet, counted as on order`);

  const costs =
    primary && primary.orderCost > 0 && primary.unitCost > 0
      ? { orderingCost: primary.orderCost, holdingCostPerUnitPerYear: primary.unitCost * context.holdingCostRatePerYear }
      : undefined;

  const planInput: PlanItemInput = {
    sku: String(item.itemId),
    locationId: String(forecast.locationId),
    startDate: input.planDate,
    periodDays: PERIOD_DAYS,
    forecastMean: demand.forecastMean,
    forecastStdDev: demand.forecastStdDev,
    protectionErrors: demand.protectionErrors,
    demandSamples: demand.demandSamples,
    cycleDemandSamples: demand.cycleDemandSamples,
    demandClass: demand.demandClass,
    demandHistory: demand.demandHistory,
    leadTime,
    reviewPeriodDays,
    service: { measure: context.serviceMeasures[abcClass], level: serviceLevel },
    stock: { onHand: Math.max(0, input.onHand), onOrder, backordered: input.backordered, allocated: 0 },
    scheduledReceipts,
    supplierItems,
    costs,
  };
  const result = planItem(planInput);

  const decision = input.previousDecision;
  const previousDecision: PreviousDecisionShown | null = decision
    ? { runId: decision.runId, status: decision.status, quantity: decision.quantity, suggested: decision.suggested, reasonCode: decision.reasonCode, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt }
    : null;
  const explanation = {
    ...result.explanation,
    notes: [...result.explanation.notes, ...notes],
    policyKind: result.policy.kind,
    planDate: input.planDate,
    abcClass,
    abcClassSource: item.abcClassOverride ? 'item-override' : 'revenue-52-weeks',
    serviceLevelSource: item.serviceLevelOverride !== null ? 'item-override' : `class-${abcClass}`,
    forecastMethod: forecast.method,
    demandClass: forecast.demandClass,
    forecastStdDevSource: demand.forecastStdDevSource,
    leadTimes: offers.map((offer) => {
      const learned = context.leadTimes.get(leadTimeKey(offer.supplierId, offer.itemId));
      return {
        supplierId: offer.supplierId,
        promisedDays: offer.promisedLeadTimeDays,
        plannedMeanDays: learned?.plannedMeanDays ?? offer.promisedLeadTimeDays,
        plannedStdDevDays: learned?.plannedStdDevDays ?? PROMISED_SPREAD_FRACTION * offer.promisedLeadTimeDays,
        source: learned?.source ?? 'promised',
        receiptCount: learned?.observed.receiptCount ?? 0,
        meanLatenessDays: learned?.observed.meanLatenessDays ?? null,
      };
    }),
    openPurchaseQuantity: input.openOrder?.quantity ?? 0,
    openPurchaseEarliestExpectedDate: input.openOrder?.earliestExpectedDate ?? null,
    approvedNotExportedQuantity: input.approvedNotExported,
    previousDecision,
  };

  const recommendation = result.recommendation;
  const chosenSupplierId = recommendation?.supplierId ?? result.pullForward?.supplierId ?? (primary ? String(primary.supplierId) : null);
  const policy: PolicyRow = {
    itemId: item.itemId,
    locationId: forecast.locationId,
    supplierId: chosenSupplierId === null ? null : Number(chosenSupplierId),
    serviceLevel,
    safetyStock: result.policy.safetyStock,
    reorderPoint: result.policy.reorderPoint,
    orderUpTo: result.policy.orderUpTo,
    eoq: result.explanation.economicOrderQuantity,
    explanation: { ...explanation, pullForward: result.pullForward },
  };
  const orderedFrom = recommendation && offers.find((offer) => String(offer.supplierId) === recommendation.supplierId);
  const exceptions = planExceptions({
    itemId: item.itemId,
    locationId: forecast.locationId,
    forecastMean: demand.forecastMean,
    leadTimeDays: result.explanation.leadTimeMeanDays,
    history: input.history,
    order: recommendation ? { quantity: recommendation.quantity, unitCost: recommendation.unitCost, currency: orderedFrom?.currency ?? null } : null,
  });
  if (!recommendation) return { policy, recommendation: null, pullForward: result.pullForward, exceptions };
  // Only an approved or exported line is topped up; a line the buyer rejected or is editing stands, and the line
  // planned here without a top-up link is not written beside it (replacePlanChunk).
  const decided = input.decided && canTopUp(input.decided) ? input.decided : undefined;
  const topUp = decided ? { of: decided.lastDecidedId, reason: topUpReason(decided, input.sensing), countedAsOnOrder: decidedOnOrder } : null;

  const urgency = urgencyOf(result.explanation.daysOfCover, result.explanation.leadTimeMeanDays, reviewPeriodDays);
  return {
    policy,
    pullForward: null,
    exceptions,
    recommendation: {
      itemId: item.itemId,
      locationId: forecast.locationId,
      supplierId: recommendation.supplierId === null ? null : Number(recommendation.supplierId),
      quantity: recommendation.quantity,
      unitCost: recommendation.unitCost,
      // The goods are needed by the projected stock-out; with none in sight, by the arrival of a normal order.
      needByDate: recommendation.projectedStockoutDate ?? recommendation.expectedArrivalDate,
      projectedStockoutDate: recommendation.projectedStockoutDate,
      urgency,
      explanation: {
        ...explanation,
        ...(topUp && { notes: [...explanation.notes, topUp.reason], topUp }),
        urgency,
        reasonCode: recommendation.reasonCode,
        reason: recommendation.reason,
      },
      topUpOf: topUp?.of ?? null,
    },
  };
}

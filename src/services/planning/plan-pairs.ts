import { addDays } from '../../../db/dates';
import type { ItemForecast } from '../../../db/repositories/forecasts';
import type { ActiveItem } from '../../../db/repositories/items';
import type { DecidedPair, OpenPurchaseArrival, PolicyRow, PreviousDecision, RecommendationRow } from '../../../db/repositories/planning';
import type { PlanError } from '../../../db/repositories/plan-errors';
import type { FoundException } from '../../../db/repositories/exceptions';
import type { SupplierItem as SupplierTermsRow } from '../../../db/repositories/suppliers';
import type { LeadTimeStats } from '../../../models/policy/lead-time';
import { planItem, type PlanItemInput } from '../../../models/policy/plan';
import type { PooledTail } from '../../../models/policy/pooled-tail';
import type { PullForwardCandidate } from '../../../models/policy/purchase-orders';
import type { AbcClass, ServiceMeasure } from '../../../models/policy/safety-stock';
import type { SupplierItem } from '../../../models/policy/supplier-choice';
import { replanFactors } from '../../../models/forecast/sensing';
import { withPooledTail } from './pooled-tails';
import { planningDemand, samplingSeed } from './planning-demand';
import { leadTimeKey } from './lead-times';
import { assertStorable } from './storable';
import { urgencyOf } from './urgency';
import { planExceptions } from './plan-exceptions';
import { overriddenForecast } from './forecast-overrides';
import { canTopUp, decidedNotOnOrder, reviewLeft, topUpReason } from './top-up';
import type { ForecastOverride } from '../../../db/repositories/overrides';
import { ITEMS_BETWEEN_YIELDS } from '../event-loop';

/**
 * The plan stage's work on one chunk of items once its data is read: planItem (models/policy/plan.ts) per
 * item × location, and the rows to write. No database, logger or clock: it runs where the stage puts it, on the
 * stage's own thread or on a worker thread of the model pool (jobs/model-pool.ts), with the same result.
 */

/** Forecasts are weekly. */
const PERIOD_DAYS = 7;
/** Review period of an item nobody supplies (the suppliers table's default). */
const DEFAULT_REVIEW_PERIOD_DAYS = 7;
/** Lead-time spread assumed where only a promise is known: a quarter of it (learnLeadTimes' default). */
const PROMISED_SPREAD_FRACTION = 0.25;

/** What a buyer sees of an earlier decision on the same SKU × location. */
type PreviousDecisionShown = Omit<PreviousDecision, 'itemId' | 'locationId'>;

export const pairKey = (itemId: number, locationId: number) => `${itemId}/${locationId}`;

/** Everything one chunk's pairs are planned from: its rows by pair (pairKey) or item, as readChunk reads them. */
export interface ChunkInputs {
  itemIds: number[];
  items: Map<number, ActiveItem>;
  forecasts: ItemForecast[];
  onHand: Map<string, number>;
  open: Map<string, { quantity: number; earliestExpectedDate: string | null }>;
  arrivals: Map<string, OpenPurchaseArrival[]>;
  backordered: Map<string, number>;
  approved: Map<string, number>;
  decisions: Map<string, PreviousDecision>;
  decided: Map<string, DecidedPair>;
  offersByItem: Map<string, SupplierTermsRow[]>;
  histories: Map<string, number[]>;
  overrides: Map<string, ForecastOverride[]>;
}

/** The run's settings and learned figures a chunk is planned with (the run-wide maps cut to the chunk: chunkContext). */
export interface PairContext {
  serviceLevels: Record<AbcClass, number>;
  serviceMeasures: Record<AbcClass, ServiceMeasure>;
  demandSampleCount: number;
  holdingCostRatePerYear: number;
  unsourcedLeadTimeDays: number;
  abcClasses: Map<number, AbcClass>;
  leadTimes: Map<string, LeadTimeStats>;
  /** Each demand class's pooled error tail (classPooledTails). */
  pooledTails: Map<string, PooledTail>;
  /** Forecasts to plan at other than their own level (demand sensing), by item × location (pairKey). */
  adjustments?: Map<string, ForecastAdjustment>;
  /**
   * Days from the run's plan date to this plan's (a sense run's re-plan of the run; 0 in the plan stage): the next
   * regular order goes out a review period after the run's, so a re-plan covers only until that order lands.
   */
  daysIntoReview?: number;
}

/** The run-wide maps of `context` cut to the items and suppliers of one chunk: what a worker thread is sent. */
export function chunkContext(context: PairContext, data: Pick<ChunkInputs, 'itemIds' | 'offersByItem'>): PairContext {
  const abcClasses = new Map<number, AbcClass>();
  const leadTimes = new Map<string, LeadTimeStats>();
  for (const itemId of data.itemIds) {
    const abcClass = context.abcClasses.get(itemId);
    if (abcClass) abcClasses.set(itemId, abcClass);
    for (const offer of data.offersByItem.get(String(itemId)) ?? []) {
      const key = leadTimeKey(offer.supplierId, offer.itemId);
      const learned = context.leadTimes.get(key);
      if (learned) leadTimes.set(key, learned);
    }
  }
  return { ...context, abcClasses, leadTimes };
}

/** One chunk planned: the rows to write, the pull-forward candidates for the draft orders, and what failed. */
export interface ChunkPlan {
  policies: PolicyRow[];
  recommendations: RecommendationRow[];
  planErrors: PlanError[];
  exceptions: FoundException[];
  pullForwards: Array<{ candidate: PullForwardCandidate; itemId: number; sku: string }>;
  previousDecisionsShown: number;
}

/**
 * Plans every forecast pair of a chunk; a pair that throws is a plan error, never the chunk's failure. `pause` is
 * awaited every few pairs (the stage's own thread yields to its event loop there; a worker thread needs not).
 */
export async function planPairs(data: ChunkInputs, asOfDate: string, context: PairContext, pause?: () => Promise<void>): Promise<ChunkPlan> {
  const { items, forecasts, onHand, open, arrivals, backordered, approved, decisions, decided, offersByItem, histories, overrides } = data;
  const plan: ChunkPlan = { policies: [], recommendations: [], planErrors: [], exceptions: [], pullForwards: [], previousDecisionsShown: 0 };
  const planDate = addDays(asOfDate, 1);

  for (const [index, forecast] of forecasts.entries()) {
    if (pause && index % ITEMS_BETWEEN_YIELDS === 0) await pause();
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
      plan.policies.push(planned.policy);
      if (planned.recommendation) plan.recommendations.push(planned.recommendation);
      if (planned.recommendation && decisions.has(key)) plan.previousDecisionsShown += 1;
      plan.exceptions.push(...planned.exceptions);
      if (planned.pullForward) plan.pullForwards.push({ candidate: planned.pullForward, itemId: item.itemId, sku: item.sku });
    } catch (error) {
      plan.planErrors.push({ itemId: forecast.itemId, locationId: forecast.locationId, reason: (error as Error).message });
    }
  }
  return plan;
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

interface PairInput {
  forecast: ItemForecast;
  item: ActiveItem;
  offers: SupplierTermsRow[];
  planDate: string;
  context: PairContext;
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
function sourcingOf(offers: SupplierTermsRow[], context: PairContext) {
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

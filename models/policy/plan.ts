import { addDays } from './dates';
import { demandOverHorizon, economicOrderQuantity, inventoryPosition, orderUpToLevel, reorderPoint, type StockPosition } from './levels';
import {
  daysOfCover,
  netRequirement,
  netRequirementAtReorderPoint,
  type OrderConstraints,
  type OrderQuantitySteps,
  projectStockout,
  roundOrderQuantity,
  type ScheduledReceipt,
} from './order-quantity';
import type { PullForwardCandidate } from './purchase-orders';
import type { DemandClass } from '../forecast/classify';
import { protectionErrorsAt, type ProtectionErrorSummary } from '../forecast/protection-errors';
import { normalLoss } from '../stats/normal';
import {
  demandStdDevOverProtection,
  largestFillRateFactor,
  safetyFactorForCycleService,
  safetyFactorForFillRate,
  safetyStockFromProtectionErrors,
  safetyStockFromSamples,
  sampleQuantile,
  type ServiceMeasure,
} from './safety-stock';
import { cycleServicePoints, nearestWholeUnitLevel, protectionDemandProbabilities, sampleCdf, type ProtectionDemandRecord } from './protection-demand';
import { sampleBufferReason, slowMoverUnits } from './sample-buffer';
import { chooseSupplier, type SupplierChoice, type SupplierItem, type SupplierReasonCode } from './supplier-choice';


/**
 * Everything planItem needs for one SKU × location. Time runs in forecast periods of `periodDays` days
 * (1 = daily, 7 = weekly); lead times and the review period are given in days and converted to periods.
 */
export interface PlanItemInput {
  sku: string;
  locationId: string;
  /** ISO date of the planning day; the first forecast period starts on it. */
  startDate: string;
  /** Length of one forecast period in days. */
  periodDays: number;
  /** Forecast mean demand per period for the next periods (index 0 = the period starting on startDate). Past its end the average is used. */
  forecastMean: number[];
  /** Standard deviation of the forecast error per period (periods taken as independent): the fall-back without protectionErrors. */
  forecastStdDev: number;
  /**
   * The forecast's own errors over 1 … H periods (models/forecast/protection-errors' summariseProtectionErrors): smooth
   * and erratic demand is buffered from their quantile over the protection interval. Without it, forecastStdDev·√H.
   */
  protectionErrors?: ProtectionErrorSummary | null;
  /**
   * Sorted samples of demand over the protection interval (lead time, + review period when periodic), e.g. from
   * models/forecast/lead-time-demand's leadTimeDemandSamples with horizon = protection in periods; required when
   * sample-buffer.ts' buffersFromSamples holds for the default source's protection interval.
   */
  demandSamples?: number[];
  /**
   * From the same draws as demandSamples (protectionDemandSamples' atRisk): the total when the review period's cycle
   * has demand, else 0. With it a periodic review's sampled level is the quantile of these, the level whose cycles meet
   * every day's demand with the service level's probability (models/policy/cycle-service.ts measures that).
   */
  cycleDemandSamples?: number[];
  /**
   * models/forecast/classify's class: intermittent, lumpy, short and zero are buffered from demandSamples, never a
   * normal; every other class from the forecast's errors or σ, unless demandHistory makes it a slow mover.
   */
  demandClass: DemandClass;
  /**
   * Demand per forecast period the samples come from (plan-stage: weekly, since the first sale). With it, a whole-unit
   * slow mover of any class (fewer than slowMoverUnits over the protection interval) is buffered from demandSamples too.
   */
  demandHistory?: number[];
  /** Planned lead time of the default (primary) source, e.g. learnLeadTimes' plannedMeanDays / plannedStdDevDays. */
  leadTime: { meanDays: number; stdDevDays: number };
  /** Days between reviews; 0 = continuous review (s, S), > 0 = periodic review (R, S). */
  reviewPeriodDays: number;
  /** Already resolved per item, e.g. with serviceLevelFor. */
  service: { measure: ServiceMeasure; level: number };
  stock: StockPosition;
  /**
   * Open purchase order lines by expected arrival date (the quantities inside stock.onOrder): the stock-out projection
   * adds each on its date, so a stock-out covered by goods arriving in time is none. Without them only stock on hand counts.
   */
  scheduledReceipts?: ScheduledReceipt[];
  /** planItem orders whole units unless an item gives its own orderMultiple (0 = any quantity). */
  supplierItems: SupplierItem[];
  /** When both are known, continuous review orders the EOQ; periodic review reports it. */
  costs?: { orderingCost: number; holdingCostPerUnitPerYear: number };
}

export interface Policy {
  kind: 'continuous' | 'periodic';
  periodDays: number;
  protectionPeriods: number;
  safetyStock: number;
  /** s, continuous review only. */
  reorderPoint: number | null;
  /** S: s + Q for continuous review, demand over lead time and review + SS for periodic. */
  orderUpTo: number;
  /** Q: the EOQ (or one period's demand without costs) for continuous review; expected demand per review for periodic. */
  baseOrderQuantity: number;
}

export interface Recommendation {
  sku: string;
  locationId: string;
  /** null when the SKU has no supplier items: the need stands, someone must source it. */
  supplierId: string | null;
  quantity: number;
  unitCost: number | null;
  lineValue: number | null;
  orderDate: string;
  expectedArrivalDate: string;
  projectedStockoutDate: string | null;
  reasonCode: SupplierReasonCode | 'no-supplier';
  reason: string;
}

export interface PlanExplanation {
  periodDays: number;
  forecastPeriods: number;
  leadTimeMeanDays: number;
  leadTimeStdDevDays: number;
  leadTimePeriods: number;
  leadTimeStdDevPeriods: number;
  reviewPeriods: number;
  protectionPeriods: number;
  demandOverLeadTime: number;
  demandOverProtection: number;
  meanDemandPerPeriod: number;
  forecastStdDevPerPeriod: number;
  /**
   * σ over the protection interval with the lead-time term: √(σ_H² + d²·σ_L²), σ_H the root mean square of the forecast's
   * errors over H (protectionErrors), else √(E[L+R]·σ² + d²·σ_L²); null when the buffer comes from samples.
   */
  demandStdDevOverProtection: number | null;
  /** Where σ over H came from: the forecast's H-period errors, or the one-period σ × √H (no error summary). Null from samples. */
  demandStdDevSource: 'protection-errors' | 'one-period-sd' | null;
  /** The forecast's errors over H = L + R periods, in units; null without a summary or from samples. */
  protectionErrors: {
    horizonPeriods: number;
    /** 'relative' errors were shares of the forecast total (here scaled by demandOverProtection). */
    scale: 'relative' | 'absolute';
    /** σ_H: root mean square of the errors over H. */
    errorStdDev: number;
    /** The error quantile at the service level (cycle service only). */
    errorQuantile: number | null;
    /** z·d·σ_L, added to the quantile in quadrature (cycle service only). */
    leadTimeBuffer: number | null;
    /** H past the longest horizon summarised: errors scaled by √H. */
    extrapolated: boolean;
  } | null;
  /**
   * The distribution of demand over the protection interval the safety stock is the quantile of (protection-demand.ts):
   * the one record the API reads the interval it shows buyers from (protectionDemandLevel at the target is the level).
   */
  protectionDemand: ProtectionDemandRecord;
  serviceMeasure: ServiceMeasure;
  serviceLevel: number;
  safetyStockMethod: 'error-quantile-cycle' | 'normal-cycle' | 'normal-fill-rate' | 'samples-quantile' | 'none';
  /** z (cycle) or k (fill rate); null from samples or when σ = 0. */
  safetyFactor: number | null;
  /** Q in G(k) = (1 − β)·Q / σ. */
  fillRateOrderQuantity: number | null;
  sampleCount: number | null;
  sampleQuantile: number | null;
  sampleMean: number | null;
  safetyStock: number;
  reorderPoint: number | null;
  orderUpTo: number;
  economicOrderQuantity: number | null;
  baseOrderQuantity: number;
  onHand: number;
  onOrder: number;
  backordered: number;
  allocated: number;
  inventoryPosition: number;
  /** on hand − backordered − allocated: what the stock-out projection runs down, topped up by scheduledReceipts on their dates. */
  availableOnHand: number;
  /** Open purchase order lines the projection counted, by expected date. */
  scheduledReceipts: ScheduledReceipt[];
  daysOfCover: number | null;
  projectedStockoutDate: string | null;
  netRequirement: number;
  /** The MOQ, multiple and cap the quantity was rounded with (the chosen supplier's; whole units when unsourced). */
  orderConstraints: OrderConstraints | null;
  rounding: OrderQuantitySteps | null;
  supplier: SupplierChoice | null;
  /** True when the chosen supplier's lead time differed from the input's and the policy was recomputed with it. */
  replannedForChosenSupplier: boolean;
  notes: string[];
}

export interface PlanItemResult {
  policy: Policy;
  recommendation: Recommendation | null;
  /** When nothing is due now: the next order (supplier, quantity, when), for filling a supplier's minimum order value. */
  pullForward: PullForwardCandidate | null;
  explanation: PlanExplanation;
}

const daysPerYear = 365;

function checkInput(input: PlanItemInput): void {
  const fail = (cause: string) => {
    throw new Error(`planItem: ${cause}`);
  };
  if (!(input.periodDays > 0) || !Number.isFinite(input.periodDays)) fail(`periodDays must be > 0, got ${input.periodDays}`);
  if (input.forecastMean.length === 0) fail('forecastMean is empty');
  if (!input.forecastMean.every((x) => x >= 0 && Number.isFinite(x))) fail('forecastMean must be finite and ≥ 0');
  if (!(input.forecastStdDev >= 0) || !Number.isFinite(input.forecastStdDev)) fail(`forecastStdDev must be ≥ 0, got ${input.forecastStdDev}`);
  if (!(input.leadTime.meanDays >= 0) || !Number.isFinite(input.leadTime.meanDays)) fail(`leadTime.meanDays must be ≥ 0, got ${input.leadTime.meanDays}`);
  if (!(input.leadTime.stdDevDays >= 0) || !Number.isFinite(input.leadTime.stdDevDays)) fail(`leadTime.stdDevDays must be ≥ 0, got ${input.leadTime.stdDevDays}`);
  if (!(input.reviewPeriodDays >= 0) || !Number.isFinite(input.reviewPeriodDays)) fail(`reviewPeriodDays must be ≥ 0, got ${input.reviewPeriodDays}`);
  if (!(input.service.level > 0 && input.service.level < 1)) fail(`service level must be in (0, 1), got ${input.service.level}`);
  if (input.service.measure !== 'cycle' && input.service.measure !== 'fill-rate') fail(`unknown service measure ${String(input.service.measure)}`);
}

type SampleBuffer = ReturnType<typeof sampleBufferReason>;

/**
 * Whether the buffer comes from the samples (the backtest's rule, buffersFromSamples), decided once on the default
 * source's protection interval, the one the samples were drawn for: a re-plan for another supplier keeps the decision.
 */
function sampleBufferFor(input: PlanItemInput): SampleBuffer {
  const protectionPeriods = (input.leadTime.meanDays + input.reviewPeriodDays) / input.periodDays;
  const reason = sampleBufferReason({ demandClass: input.demandClass, history: input.demandHistory ?? [], protectionPeriods });
  if (reason !== null && !input.demandSamples?.length) {
    const what = reason === 'slow-mover' ? `slow-moving ${input.demandClass}` : input.demandClass;
    throw new Error(`planItem: ${what} demand needs sorted demand samples over the protection interval`);
  }
  return reason;
}

type PolicyExplanation = Pick<
  PlanExplanation,
  | 'leadTimeMeanDays' | 'leadTimeStdDevDays' | 'leadTimePeriods' | 'leadTimeStdDevPeriods' | 'reviewPeriods' | 'protectionPeriods'
  | 'demandOverLeadTime' | 'demandOverProtection' | 'meanDemandPerPeriod' | 'demandStdDevOverProtection' | 'demandStdDevSource'
  | 'protectionErrors' | 'protectionDemand' | 'safetyStockMethod'
  | 'safetyFactor' | 'fillRateOrderQuantity' | 'sampleCount' | 'sampleQuantile' | 'sampleMean' | 'safetyStock' | 'reorderPoint'
  | 'orderUpTo' | 'economicOrderQuantity' | 'baseOrderQuantity'
>;

/** The policy for one lead time: safety stock, s, S and Q, with every intermediate number and notes on the choices made. */
function computePolicy(
  input: PlanItemInput,
  leadTime: { meanDays: number; stdDevDays: number },
  sampleBuffer: SampleBuffer,
): { policy: Policy; parts: PolicyExplanation; notes: string[] } {
  const { periodDays, forecastMean, service } = input;
  const notes: string[] = [];
  const leadTimePeriods = leadTime.meanDays / periodDays;
  const leadTimeStdDevPeriods = leadTime.stdDevDays / periodDays;
  const reviewPeriods = input.reviewPeriodDays / periodDays;
  const kind = reviewPeriods > 0 ? 'periodic' : 'continuous';
  const protectionPeriods = leadTimePeriods + reviewPeriods;
  const demandOverLeadTime = demandOverHorizon(forecastMean, leadTimePeriods);
  const demandOverProtection = demandOverHorizon(forecastMean, protectionPeriods);
  const meanDemandPerPeriod = protectionPeriods > 0 ? demandOverProtection / protectionPeriods : forecastMean[0];

  const averageDemandPerPeriod = forecastMean.reduce((sum, x) => sum + x, 0) / forecastMean.length;
  const eoq = input.costs
    ? economicOrderQuantity({
        demandPerPeriod: (averageDemandPerPeriod * daysPerYear) / periodDays,
        orderingCost: input.costs.orderingCost,
        holdingCostPerUnitPerPeriod: input.costs.holdingCostPerUnitPerYear,
      })
    : null;
  // What one replenishment brings on average: the demand of one review interval, or Q of continuous review.
  const baseOrderQuantity = kind === 'periodic' ? demandOverProtection - demandOverLeadTime : (eoq ?? demandOverHorizon(forecastMean, 1));
  if (kind === 'continuous' && eoq === null) notes.push('no ordering and holding costs: Q = one period of forecast demand');

  let demandStdDev: number | null = null;
  let demandStdDevSource: PlanExplanation['demandStdDevSource'] = null;
  let protectionErrors: PlanExplanation['protectionErrors'] = null;
  let safetyStockMethod: PlanExplanation['safetyStockMethod'];
  let safetyFactor: number | null = null;
  let fillRateOrderQuantity: number | null = null;
  let sample: { count: number; quantile: number; mean: number } | null = null;
  let cycleSized = false;
  let safetyStock: number;
  let protectionDemand: ProtectionDemandRecord | null = null;

  if (sampleBuffer !== null) {
    const samples = input.demandSamples as number[];
    const atRisk = kind === 'periodic' && input.cycleDemandSamples?.length ? input.cycleDemandSamples : undefined;
    cycleSized = atRisk !== undefined;
    const fromSamples = safetyStockFromSamples(samples, service.level, atRisk);
    if (atRisk) notes.push('sampled level sized for the replenishment cycle: the quantile of demand over L + R in the draws whose review period has demand');
    if (sampleBuffer === 'slow-mover') notes.push(`slow mover: fewer than ${slowMoverUnits} units over the protection interval`);
    if (service.measure === 'fill-rate') notes.push('fill-rate target on sampled demand: the level is applied as a cycle service level (at least as much stock)');
    safetyStockMethod = 'samples-quantile';
    sample = { count: samples.length, quantile: fromSamples.quantile, mean: fromSamples.meanDemand };
    safetyStock = fromSamples.safetyStock;
    const shown = [...new Set([...protectionDemandProbabilities, service.level])].sort((a, b) => a - b);
    const quantiles = shown.map((p): [number, number] => [p, sampleQuantile(atRisk ?? samples, p)]);
    // The level below is taken to a whole unit exactly then.
    const whole = kind === 'periodic' && wholeUnits(samples);
    protectionDemand = {
      kind: 'samples',
      horizonPeriods: protectionPeriods,
      forecastDemand: demandOverProtection,
      wholeUnits: whole,
      sampleMean: fromSamples.meanDemand,
      quantiles,
      cycleSized,
      ...(whole && atRisk && { cycleService: cycleServicePoints(atRisk, quantiles.map(([, quantile]) => quantile)) }),
    };
  } else {
    const leadTimeDemandStdDev = meanDemandPerPeriod * leadTimeStdDevPeriods;
    if (input.protectionErrors) {
      const errors = protectionErrorsAt(input.protectionErrors, protectionPeriods);
      const unit = errors.scale === 'relative' ? demandOverProtection : 1;
      demandStdDevSource = 'protection-errors';
      protectionErrors = {
        horizonPeriods: protectionPeriods,
        scale: errors.scale,
        errorStdDev: errors.rootMeanSquare * unit,
        errorQuantile: null,
        leadTimeBuffer: null,
        extrapolated: errors.extrapolated,
      };
      demandStdDev = Math.hypot(protectionErrors.errorStdDev, leadTimeDemandStdDev);
      if (errors.extrapolated) notes.push(`protection interval ${protectionPeriods.toFixed(2)} periods is past the longest horizon of the error summary: its errors were scaled by √H`);
    } else {
      demandStdDevSource = 'one-period-sd';
      notes.push('no summary of the forecast\'s errors over the protection interval (history too short, or no ETS model behind the forecast): σ over it = one-period σ × √(L + R), a normal');
      demandStdDev = demandStdDevOverProtection({
        meanDemandPerPeriod,
        demandStdDevPerPeriod: input.forecastStdDev,
        protectionPeriods,
        leadTimeStdDevPeriods,
      });
    }
    const fromErrors =
      input.protectionErrors && service.measure === 'cycle'
        ? safetyStockFromProtectionErrors({
            summary: input.protectionErrors,
            protectionPeriods,
            forecastTotal: demandOverProtection,
            leadTimeDemandStdDev,
            cycleServiceLevel: service.level,
          })
        : null;
    if (input.protectionErrors && service.measure === 'cycle' && fromErrors === null) {
      notes.push(`no error quantile at a service level of ${service.level} (the summary holds 50 % … 99.5 %): z·σ over the protection interval`);
    }
    if (fromErrors && protectionErrors) {
      safetyStockMethod = 'error-quantile-cycle';
      safetyFactor = fromErrors.safetyFactor;
      protectionErrors.errorQuantile = fromErrors.errorQuantile;
      protectionErrors.leadTimeBuffer = fromErrors.leadTimeBuffer;
      safetyStock = fromErrors.safetyStock;
      protectionDemand = fromErrors.record;
      if (fromErrors.errorQuantile < 0) notes.push(`the forecast ran high over ${protectionPeriods.toFixed(2)} periods (error quantile ${fromErrors.errorQuantile.toFixed(2)} < 0): less buffer than the lead-time term`);
    } else if (demandStdDev === 0) {
      safetyStockMethod = 'none';
      safetyStock = 0;
      notes.push('no demand or lead-time uncertainty: no safety stock');
    } else if (service.measure === 'fill-rate' && baseOrderQuantity > 0) {
      safetyStockMethod = 'normal-fill-rate';
      fillRateOrderQuantity = baseOrderQuantity;
      // A replenishment tiny against σ asks for k beyond what doubles can resolve: hold at the largest factor, which keeps
      // the buffer monotone in the level (a fall-back to another measure would not).
      if (((1 - service.level) * baseOrderQuantity) / demandStdDev < normalLoss(largestFillRateFactor)) {
        safetyFactor = largestFillRateFactor;
        notes.push(`fill rate needs k > ${largestFillRateFactor} for Q = ${baseOrderQuantity} against σ = ${demandStdDev}: k held at ${largestFillRateFactor}`);
      } else {
        safetyFactor = safetyFactorForFillRate(service.level, baseOrderQuantity, demandStdDev);
      }
      safetyStock = Math.max(0, safetyFactor * demandStdDev);
    } else {
      if (service.measure === 'fill-rate') notes.push('no expected order quantity for the fill-rate formula: the level is applied as a cycle service level');
      safetyStockMethod = 'normal-cycle';
      safetyFactor = safetyFactorForCycleService(service.level);
      safetyStock = Math.max(0, safetyFactor * demandStdDev);
    }
    if (safetyFactor !== null && safetyFactor < 0) notes.push(`safety factor ${safetyFactor.toFixed(3)} is negative: safety stock floored at 0`);
    // A normal of σ over H, the fill-rate factor's as well (its level is then k·σ, not this record's quantile at the target).
    if (protectionDemand === null) protectionDemand = { kind: 'normal', horizonPeriods: protectionPeriods, forecastDemand: demandOverProtection, wholeUnits: false, stdDev: demandStdDev ?? 0 };
  }

  const reorderLevel = kind === 'continuous' ? reorderPoint(demandOverLeadTime, safetyStock) : null;
  let orderUpTo = reorderLevel !== null ? reorderLevel + baseOrderQuantity : orderUpToLevel(demandOverProtection, safetyStock);
  // Sized for the cycle, the quantile of skewed demand may lie below its mean (most cycles of an intermittent item have
  // no demand to miss): the level then sits below the forecast over L + R, where that quantile puts it (a negative
  // safety factor, in normal terms); flooring the buffer at 0 would hold the level at the forecast and serve
  // more cycles than the target asks (21 of the demo's 51 intermittent and lumpy items at 80 %).
  if (reorderLevel === null && sample !== null && cycleSized && sample.quantile < sample.mean) {
    const below = sample.mean - sample.quantile;
    orderUpTo = Math.max(0, demandOverProtection - below);
    notes.push(`the cycle's ${(100 * service.level).toFixed(1)} % quantile of sampled demand is ${below.toFixed(2)} below its mean: no safety stock, order-up-to level ${orderUpTo.toFixed(2)} below the forecast over the protection interval`);
  }
  // Whole-unit demand sampled: S = forecast + (sample quantile − sample mean) is fractional, and ordering whole units up
  // to it lands on the next unit up, ⌈S⌉. For an item selling a few units per cycle that unit is worth several points of
  // service: at 2.1 the stock held is 3, the sample quantile's level plus one. Sized for the cycle, the level is the unit
  // either side whose cycle service is nearest the target (on the demo's intermittent items at 80 %, the levels planned
  // 84.3 % of cycles served with the nearest unit, 81.6 % with this: bench/cycle-diagnosis.ts); else the nearest unit.
  if (reorderLevel === null && sample !== null && wholeUnits(input.demandSamples as number[])) {
    const shift = demandOverProtection - sample.mean;
    const whole = cycleSized
      ? nearestWholeUnitLevel(sampleCdf(input.cycleDemandSamples as number[]), shift, orderUpTo, service.level)
      : Math.round(orderUpTo);
    if (whole !== orderUpTo) {
      const how = cycleSized ? "the whole unit whose cycle service is nearest the target" : 'the nearest whole unit';
      notes.push(`whole-unit demand: order-up-to level ${orderUpTo.toFixed(2)} taken as ${whole}, ${how}`);
    }
    // Sized for the cycle, a unit down may leave less above the forecast than the quantile's buffer: the safety stock is what the level holds.
    if (cycleSized && whole < orderUpTo) safetyStock = Math.min(safetyStock, Math.max(0, whole - demandOverProtection));
    orderUpTo = whole;
  }
  return {
    notes,
    policy: { kind, periodDays, protectionPeriods, safetyStock, reorderPoint: reorderLevel, orderUpTo, baseOrderQuantity },
    parts: {
      leadTimeMeanDays: leadTime.meanDays,
      leadTimeStdDevDays: leadTime.stdDevDays,
      leadTimePeriods,
      leadTimeStdDevPeriods,
      reviewPeriods,
      protectionPeriods,
      demandOverLeadTime,
      demandOverProtection,
      meanDemandPerPeriod,
      demandStdDevOverProtection: demandStdDev,
      demandStdDevSource,
      protectionErrors,
      protectionDemand,
      safetyStockMethod,
      safetyFactor,
      fillRateOrderQuantity,
      sampleCount: sample?.count ?? null,
      sampleQuantile: sample?.quantile ?? null,
      sampleMean: sample?.mean ?? null,
      safetyStock,
      reorderPoint: reorderLevel,
      orderUpTo,
      economicOrderQuantity: eoq,
      baseOrderQuantity,
    },
  };
}

/** Whether every sample is a whole number of units (samples of whole-unit history are). */
function wholeUnits(samples: readonly number[]): boolean {
  return samples.every(Number.isInteger);
}

function requirementFor(policy: Policy, position: number): number {
  return policy.reorderPoint !== null ? netRequirementAtReorderPoint(policy.reorderPoint, policy.orderUpTo, position) : netRequirement(policy.orderUpTo, position);
}

/**
 * Plans one SKU × location: lead time and demand over the protection interval → safety stock → s / S → inventory position
 * → net requirement → supplier choice → MOQ, multiple and cap → a recommendation, or none when nothing is needed.
 * When the chosen supplier's lead time differs from `leadTime`, the policy is computed once more with the chosen
 * supplier's lead time (and its spread, else the input's) and rounded with its constraints; the choice itself is kept.
 * Whether the buffer comes from demandSamples is decided on the input (default source's) lead time + review, as the
 * samples were drawn for it, and kept through that re-plan.
 */
export function planItem(input: PlanItemInput): PlanItemResult {
  checkInput(input);
  const sampleBuffer = sampleBufferFor(input);
  const supplierItems = input.supplierItems.map((item) => ({ ...item, orderMultiple: item.orderMultiple ?? 1 }));
  const position = inventoryPosition(input.stock);
  const availableOnHand = input.stock.onHand - input.stock.backordered - input.stock.allocated;
  const scheduledReceipts = input.scheduledReceipts ?? [];
  const stockout = projectStockout(availableOnHand, input.forecastMean, input.startDate, input.periodDays, scheduledReceipts);

  let { policy, parts, notes: policyNotes } = computePolicy(input, input.leadTime, sampleBuffer);
  const notes: string[] = [];
  let requirement = requirementFor(policy, position);
  let supplier: SupplierChoice | null = null;
  let rounding: OrderQuantitySteps | null = null;
  let orderConstraints: OrderConstraints | null = null;
  let replannedForChosenSupplier = false;

  if (requirement > 0) {
    supplier = chooseSupplier(supplierItems, requirement, stockout.daysOfCover);
    if (supplier) {
      const chosen = supplierItems.find((item) => item.supplierId === supplier!.supplierId) as SupplierItem;
      const chosenLeadTime = { meanDays: chosen.leadTimeDays, stdDevDays: chosen.leadTimeStdDevDays ?? input.leadTime.stdDevDays };
      if (chosenLeadTime.meanDays !== input.leadTime.meanDays || chosenLeadTime.stdDevDays !== input.leadTime.stdDevDays) {
        notes.push(`policy recomputed for ${chosen.supplierId}'s lead time ${chosenLeadTime.meanDays} ± ${chosenLeadTime.stdDevDays} days (input ${input.leadTime.meanDays} ± ${input.leadTime.stdDevDays})`);
        if (sampleBuffer !== null) notes.push('demand samples were drawn, and chosen as the buffer, for the input lead time; the buffer from them is kept as is');
        ({ policy, parts, notes: policyNotes } = computePolicy(input, chosenLeadTime, sampleBuffer));
        requirement = requirementFor(policy, position);
        replannedForChosenSupplier = true;
      }
      orderConstraints = { moq: chosen.moq, orderMultiple: chosen.orderMultiple, maxOrderQuantity: chosen.maxOrderQuantity };
      rounding = roundOrderQuantity(requirement, orderConstraints);
      if (rounding.capped) notes.push(`order capped at ${rounding.orderQuantity} by the supplier's maximum; ${rounding.afterMultiple} was needed`);
    } else {
      notes.push('no supplier items: the requirement is rounded up to whole units and left unsourced');
      orderConstraints = { orderMultiple: 1 };
      rounding = roundOrderQuantity(requirement, orderConstraints);
    }
  }

  const quantity = rounding?.orderQuantity ?? 0;
  let recommendation: Recommendation | null = null;
  if (quantity > 0) {
    const unitCost = supplier ? (supplierItems.find((item) => item.supplierId === supplier!.supplierId) as SupplierItem).unitCost : null;
    recommendation = {
      sku: input.sku,
      locationId: input.locationId,
      supplierId: supplier?.supplierId ?? null,
      quantity,
      unitCost,
      lineValue: unitCost === null ? null : unitCost * quantity,
      orderDate: input.startDate,
      expectedArrivalDate: addDays(input.startDate, Math.ceil(parts.leadTimeMeanDays)),
      projectedStockoutDate: stockout.stockoutDate,
      reasonCode: supplier?.reasonCode ?? 'no-supplier',
      reason: supplier?.reason ?? 'no supplier items for this SKU',
    };
  }

  let pullForward: PullForwardCandidate | null = null;
  if (recommendation === null && policy.baseOrderQuantity > 0) {
    const next = chooseSupplier(supplierItems, policy.baseOrderQuantity, null);
    // A need too small to survive rounding (e.g. 1e-9 units of forecast) is no order to pull forward.
    if (next && next.rounding.orderQuantity > 0) {
      // The next order is due when the position falls to s (continuous) or below S (periodic).
      const trigger = policy.reorderPoint ?? policy.orderUpTo;
      pullForward = {
        sku: input.sku,
        locationId: input.locationId,
        supplierId: next.supplierId,
        quantity: next.rounding.orderQuantity,
        unitCost: (supplierItems.find((item) => item.supplierId === next.supplierId) as SupplierItem).unitCost,
        daysUntilReorder: daysOfCover(position - trigger, input.forecastMean, input.periodDays),
      };
    }
  }

  const explanation: PlanExplanation = {
    periodDays: input.periodDays,
    forecastPeriods: input.forecastMean.length,
    ...parts,
    forecastStdDevPerPeriod: input.forecastStdDev,
    serviceMeasure: input.service.measure,
    serviceLevel: input.service.level,
    onHand: input.stock.onHand,
    onOrder: input.stock.onOrder,
    backordered: input.stock.backordered,
    allocated: input.stock.allocated,
    inventoryPosition: position,
    availableOnHand,
    scheduledReceipts,
    daysOfCover: stockout.daysOfCover,
    projectedStockoutDate: stockout.stockoutDate,
    netRequirement: requirement,
    orderConstraints,
    rounding,
    supplier,
    replannedForChosenSupplier,
    notes: [...policyNotes, ...notes],
  };
  return { policy, recommendation, pullForward, explanation };
}

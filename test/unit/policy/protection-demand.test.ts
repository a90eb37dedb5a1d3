import type { ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import { planItem, type PlanItemInput } from '../../../models/policy/plan';
import { cycleServicePoints, nearestWholeUnitLevel, protectionDemandBuffer, protectionDemandInterval, protectionDemandLevel, sampleCdf, wholeUnitCycleService, type ProtectionDemandRecord } from '../../../models/policy/protection-demand';

/*
 * The planner's record of demand over the protection interval (models/policy/protection-demand): the level it gives at
 * the item's target is the policy's level, in every way the planner sizes a buffer, and its other points are read from
 * the same numbers. Goldens from R 4 (stats): qnorm(0.8) = 0.841621233572914, qnorm(0.95) = 1.644853626951472;
 * quantile(c(0,0,1,1,1,2,2,3,4,7), c(0.8, 0.95), type = 1) = 3, 7, mean 2.1.
 */
const noStock = { onHand: 0, onOrder: 0, backordered: 0, allocated: 0 };

function baseInput(overrides: Partial<PlanItemInput> = {}): PlanItemInput {
  return {
    sku: 'SKU-1',
    locationId: 'L1',
    startDate: '2026-11-27',
    periodDays: 7,
    forecastMean: Array(12).fill(2500),
    forecastStdDev: 500,
    demandClass: 'smooth',
    leadTime: { meanDays: 14, stdDevDays: 0 },
    reviewPeriodDays: 28,
    service: { measure: 'cycle', level: 0.9 },
    stock: noStock,
    supplierItems: [{ supplierId: 'P', unitCost: 3, moq: 0, orderMultiple: 1, leadTimeDays: 14, primary: true }],
    ...overrides,
  };
}

const serviceOf = (plan: ReturnType<typeof planItem>) => ({ measure: plan.explanation.serviceMeasure, level: plan.explanation.serviceLevel });

/** The policy's own level: s for continuous review, S for periodic. */
const levelOf = (plan: ReturnType<typeof planItem>) => plan.policy.reorderPoint ?? plan.policy.orderUpTo;

// Rows [root mean square, quantiles at 50, 80, 85, 90, 95, 97.5, 98, 99, 99.5 %] over 1, 2, 4 and 8 weeks.
const row = (rootMeanSquare: number, q90: number) => [rootMeanSquare, 0, q90 / 2, q90 * 0.75, q90, q90 * 1.2, q90 * 1.4, q90 * 1.45, q90 * 1.6, q90 * 1.7];
const absolute: ProtectionErrorSummary = { scale: 'absolute', horizons: [1, 2, 4, 8], rows: [row(300, 400), row(500, 650), row(800, 1000), row(1600, 2000)] };
const samples = [0, 0, 1, 1, 1, 2, 2, 3, 4, 7];

describe('protectionDemandLevel', () => {
  it('a normal record: forecast + z·σ (R: 100 + qnorm(0.95) × 20 = 132.897072539029), never under the forecast', () => {
    const record: ProtectionDemandRecord = { kind: 'normal', horizonPeriods: 3, forecastDemand: 100, wholeUnits: false, stdDev: 20 };
    expect(protectionDemandLevel(record, 0.95)).toBeCloseTo(132.897072539029, 9);
    expect(protectionDemandBuffer(record, 0.8)).toBeCloseTo(0.841621233572914 * 20, 9);
    expect(protectionDemandLevel(record, 0.3)).toBe(100);
  });

  it('a sample record: forecast + the type-1 sample quantile − the sample mean (R: 3 and 7 at 80 and 95 %, mean 2.1); none at a probability it did not keep', () => {
    const record: ProtectionDemandRecord = { kind: 'samples', horizonPeriods: 3, forecastDemand: 2, wholeUnits: false, sampleMean: 2.1, quantiles: [[0.8, 3], [0.95, 7]], cycleSized: false };
    expect(protectionDemandLevel(record, 0.8)).toBeCloseTo(2 + 0.9, 12);
    expect(protectionDemandLevel(record, 0.95)).toBeCloseTo(2 + 4.9, 12);
    expect(protectionDemandLevel({ ...record, wholeUnits: true }, 0.95)).toBe(7);
    expect(protectionDemandLevel(record, 0.9)).toBeNull();
  });

  it('a cycle-sized sample record: a quantile below the sample mean puts the level below the forecast, never below 0', () => {
    // Quantile 1 of a mean of 2.1: 2 + 1 − 2.1 = 0.9 (uncycled records floor the buffer and hold 2); 0.5 + 1 − 2.1 < 0 → 0.
    const record: ProtectionDemandRecord = { kind: 'samples', horizonPeriods: 3, forecastDemand: 2, wholeUnits: false, sampleMean: 2.1, quantiles: [[0.8, 1]], cycleSized: true };
    expect(protectionDemandLevel(record, 0.8)).toBeCloseTo(0.9, 12);
    expect(protectionDemandLevel({ ...record, cycleSized: false }, 0.8)).toBe(2);
    expect(protectionDemandLevel({ ...record, forecastDemand: 0.5 }, 0.8)).toBe(0);
  });
});

describe('the plan keeps the record its level is read from', () => {
  it.each<[string, Partial<PlanItemInput>, string]>([
    ['forecast errors, fixed lead time', { protectionErrors: absolute }, 'forecast-errors'],
    ['forecast errors with a random lead time (σ_L = 1 week)', { protectionErrors: absolute, leadTime: { meanDays: 14, stdDevDays: 7 } }, 'forecast-errors'],
    ['forecast errors, continuous review', { protectionErrors: absolute, reviewPeriodDays: 0, service: { measure: 'cycle', level: 0.95 } }, 'forecast-errors'],
    ['no error summary: a normal of σ·√H', {}, 'normal'],
    ['a level past the summary\'s grid: a normal of σ over H', { protectionErrors: absolute, service: { measure: 'cycle', level: 0.999 } }, 'normal'],
    ['intermittent demand from samples', { demandClass: 'intermittent', forecastMean: Array(12).fill(0.7), demandSamples: samples, service: { measure: 'cycle', level: 0.95 } }, 'samples'],
  ])('%s: the level at the target is the policy\'s level', (_, overrides, kind) => {
    const plan = planItem(baseInput(overrides));
    const record = plan.explanation.protectionDemand;
    expect(record.kind).toBe(kind);
    expect(record.horizonPeriods).toBe(plan.explanation.protectionPeriods);
    expect(record.forecastDemand).toBe(plan.explanation.demandOverProtection);
    expect(protectionDemandLevel(record, plan.explanation.serviceLevel)).toBe(levelOf(plan));
    const interval = protectionDemandInterval(record, serviceOf(plan));
    expect(interval.points.find((point) => point.target)?.level).toBe(levelOf(plan));
    expect(interval.points.map((point) => point.level)).toEqual([...interval.points.map((point) => point.level)].sort((a, b) => a - b));
  });

  it('whole-unit samples under periodic review: the record rounds as the planner does (S = 4.2 + 7 − 2.1 = 9.1 → 9)', () => {
    const plan = planItem(baseInput({ demandClass: 'intermittent', forecastMean: Array(12).fill(0.7), demandSamples: samples, service: { measure: 'cycle', level: 0.95 } }));
    expect(plan.explanation.protectionDemand).toMatchObject({ kind: 'samples', wholeUnits: true, sampleMean: 2.1, quantiles: [[0.8, 3], [0.95, 7]] });
    expect(plan.policy.orderUpTo).toBe(9);
    expect(protectionDemandInterval(plan.explanation.protectionDemand, serviceOf(plan)).points).toEqual([
      { probability: 0.8, level: 5, target: false },
      { probability: 0.95, level: 9, target: true },
    ]);
  });

  it('a fill-rate target is a normal record whose level is k·σ, not one of its quantiles: no point is marked as the target', () => {
    const plan = planItem(baseInput({ service: { measure: 'fill-rate', level: 0.98 } }));
    expect(plan.explanation.safetyStockMethod).toBe('normal-fill-rate');
    const interval = protectionDemandInterval(plan.explanation.protectionDemand, serviceOf(plan));
    expect(interval.points.map((point) => [point.probability, point.target])).toEqual([[0.8, false], [0.95, false]]);
  });
});

describe('whole units sized for the cycle', () => {
  // At-risk samples [0 × 7, 1, 1, 3]: F(0) = 0.7, F(1) = F(2) = 0.9, F(3) = 1 (hand-counted).
  const atRisk = [0, 0, 0, 0, 0, 0, 0, 1, 1, 3];
  const cdf = sampleCdf(atRisk);

  it('sampleCdf counts the samples at or below a unit', () => {
    expect([-1, 0, 1, 2, 3, 4].map(cdf)).toEqual([0, 0.7, 0.9, 0.9, 1, 1]);
  });

  it('wholeUnitCycleService: a shift of 0.25 makes 1 unit serve 0.25·F(0) + 0.75·F(1) = 0.85, and 0 units 0.75·F(0) = 0.525', () => {
    expect(wholeUnitCycleService(cdf, 0.25, 1)).toBeCloseTo(0.85, 12);
    expect(wholeUnitCycleService(cdf, 0.25, 0)).toBeCloseTo(0.525, 12);
    // No shift: F itself.
    expect(wholeUnitCycleService(cdf, 0, 1)).toBe(0.9);
  });

  it('nearestWholeUnitLevel: S = 1.6 (shift 0.6) at 80 % is 1 (0.6·F(0) + 0.4·F(1) = 0.78) not 2 (0.9); at 88 % from S = 1 it stays 1 (0.9 against 0.7)', () => {
    expect(nearestWholeUnitLevel(cdf, 0.6, 1.6, 0.8)).toBe(1);
    expect(nearestWholeUnitLevel(cdf, 0, 1, 0.88)).toBe(1);
    // Never below zero units.
    expect(nearestWholeUnitLevel(cdf, -0.5, 0, 0.8)).toBe(0);
  });

  it('the record keeps the points it needs, and protectionDemandLevel chooses from them as the plan does', () => {
    // Quantiles 1 (80 %) and 3 (95 %): units 0 … 2 and 1 … 4.
    const points = cycleServicePoints(atRisk, [1, 3]);
    expect(points).toEqual([[0, 0.7], [1, 0.9], [2, 0.9], [3, 1], [4, 1]]);
    const record: ProtectionDemandRecord = { kind: 'samples', horizonPeriods: 3, forecastDemand: 1.4, wholeUnits: true, sampleMean: 0.8, quantiles: [[0.8, 1], [0.95, 3]], cycleSized: true, cycleService: points };
    // 80 %: S = 1.4 + 0.2 = 1.6, shift 0.6 → 1 (above). 95 %: S = 3.6 → 4: 0.6·F(3) + 0.4·F(4) = 1; 3: 0.6·F(2) + 0.4·F(3) = 0.94 → 3.
    expect(protectionDemandLevel(record, 0.8)).toBe(1);
    expect(protectionDemandLevel(record, 0.95)).toBe(3);
  });
});

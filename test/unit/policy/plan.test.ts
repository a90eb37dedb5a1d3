import fc from 'fast-check';
import { planItem, type PlanItemInput } from '../../../models/policy/plan';

/*
 * End-to-end goldens run textbook examples through planItem (pages not checked against a printed copy):
 * - [C&M] Chopra and Meindl, Supply Chain Management: Strategy, Planning, and Operation, 6th ed. (Pearson 2016), ch. 12.
 * - [N] Nahmias, Production and Operations Analysis, 6th ed. (McGraw-Hill 2009), §5.5, Harvey's Specialty Shop.
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
    stock: { ...noStock, onHand: 5000 },
    supplierItems: [{ supplierId: 'P', unitCost: 3, moq: 0, orderMultiple: 100, leadTimeDays: 14, primary: true }],
    ...overrides,
  };
}

describe('planItem on textbook examples', () => {
  // [C&M] periodic-review example: weekly D = 2,500, σD = 500, L = 2 weeks, T = 4 weeks, CSL 0.90 → ss = 1,570, OUL = 16,570.
  it('periodic review, weekly periods: reproduces the Chopra & Meindl OUL of 16,570 and orders S − IP rounded to the case', () => {
    const { policy, recommendation, explanation } = planItem(baseInput());
    expect(policy.kind).toBe('periodic');
    expect(explanation).toMatchObject({ leadTimePeriods: 2, reviewPeriods: 4, protectionPeriods: 6, demandOverProtection: 15000, safetyStockMethod: 'normal-cycle' });
    expect(Math.round(explanation.demandStdDevOverProtection!)).toBe(1225);
    expect(Math.round(policy.safetyStock)).toBe(1570);
    expect(Math.round(policy.orderUpTo)).toBe(16570);
    expect(policy.reorderPoint).toBeNull();
    // IP = 5,000 → net 11,569.57 → multiple 100 → 11,600.
    expect(explanation.netRequirement).toBeCloseTo(11569.5737, 3);
    expect(recommendation).toMatchObject({ supplierId: 'P', quantity: 11600, unitCost: 3, lineValue: 34800, reasonCode: 'primary', expectedArrivalDate: '2026-12-11' });
  });

  // [C&M] Example 12-6: daily D = 2,500, σD = 500, L = 7 days, sL = 7 days, CSL 0.90 → ss = 22,491; ROP = 17,500 + 22,491.
  it('continuous review, daily periods: reproduces Chopra & Meindl Example 12-6 (ss 22,491, ROP 39,991)', () => {
    const { policy, recommendation, explanation } = planItem(
      baseInput({
        periodDays: 1,
        forecastMean: Array(60).fill(2500),
        leadTime: { meanDays: 7, stdDevDays: 7 },
        reviewPeriodDays: 0,
        stock: { onHand: 30000, onOrder: 0, backordered: 0, allocated: 0 },
        supplierItems: [{ supplierId: 'P', unitCost: 1, leadTimeDays: 7, leadTimeStdDevDays: 7, primary: true }],
      }),
    );
    expect(policy.kind).toBe('continuous');
    expect(Math.round(explanation.demandStdDevOverProtection!)).toBe(17550);
    expect(Math.round(policy.safetyStock)).toBe(22491);
    expect(Math.round(policy.reorderPoint!)).toBe(39991);
    // No costs: Q = one day's demand, S = s + 2,500; IP 30,000 ≤ s → order S − IP = 12,491.14, whole units → 12,492.
    expect(policy.orderUpTo).toBeCloseTo(policy.reorderPoint! + 2500, 9);
    expect(recommendation?.quantity).toBe(12492);
    expect(explanation.notes).toContain('no ordering and holding costs: Q = one period of forecast demand');
  });

  // [N] §5.5 type 2 service: λ = 200/year, K = $50, h = $2 → EOQ 100; 6-month lead time with demand 100, σ 25;
  // β = 0.98 → z = 1.02, R = 126. Monthly periods (365/12 days): 200/12 a month, σ per month 25/√6.
  it('continuous review with costs and a fill-rate target: reproduces Nahmias EOQ 100 and R = 126', () => {
    const month = 365 / 12;
    const { policy, explanation } = planItem(
      baseInput({
        periodDays: month,
        forecastMean: Array(12).fill(200 / 12),
        forecastStdDev: 25 / Math.sqrt(6),
        leadTime: { meanDays: 6 * month, stdDevDays: 0 },
        reviewPeriodDays: 0,
        service: { measure: 'fill-rate', level: 0.98 },
        costs: { orderingCost: 50, holdingCostPerUnitPerYear: 2 },
        stock: { ...noStock, onHand: 500 },
        supplierItems: [{ supplierId: 'P', unitCost: 10, leadTimeDays: 6 * month, primary: true }],
      }),
    );
    expect(explanation.economicOrderQuantity).toBeCloseTo(100, 9);
    expect(explanation.demandOverLeadTime).toBeCloseTo(100, 9);
    expect(explanation.demandStdDevOverProtection).toBeCloseTo(25, 9);
    expect(explanation.safetyStockMethod).toBe('normal-fill-rate');
    expect(explanation.safetyFactor).toBeCloseTo(1.02, 2);
    expect(Math.round(policy.reorderPoint!)).toBe(126);
    expect(policy.orderUpTo).toBeCloseTo(policy.reorderPoint! + 100, 9);
  });
});

describe('planItem decisions and edge cases', () => {
  it('recommends nothing for zero demand and zero σ, with no safety stock and no stock-out', () => {
    const { policy, recommendation, pullForward, explanation } = planItem(baseInput({ forecastMean: [0, 0, 0], forecastStdDev: 0, stock: noStock }));
    expect(recommendation).toBeNull();
    expect(pullForward).toBeNull();
    expect(policy).toMatchObject({ safetyStock: 0, orderUpTo: 0 });
    expect(explanation).toMatchObject({ safetyStockMethod: 'none', safetyFactor: null, projectedStockoutDate: null, netRequirement: 0 });
  });

  it('still orders to clear backorders when no further demand is forecast', () => {
    const { recommendation, explanation } = planItem(baseInput({ forecastMean: [0, 0], forecastStdDev: 0, stock: { ...noStock, backordered: 30 }, reviewPeriodDays: 0 }));
    expect(explanation.inventoryPosition).toBe(-30);
    expect(recommendation?.quantity).toBe(100);
    expect(explanation.rounding).toMatchObject({ netRequirement: 30, afterMultiple: 100 });
    expect(explanation.orderConstraints).toEqual({ moq: 0, orderMultiple: 100, maxOrderQuantity: undefined });
  });

  it('keeps an unsourced recommendation in whole units when the SKU has no supplier items', () => {
    const { recommendation, explanation } = planItem(baseInput({ supplierItems: [] }));
    expect(recommendation).toMatchObject({ supplierId: null, quantity: 11570, unitCost: null, lineValue: null, reasonCode: 'no-supplier' });
    expect(explanation.supplier).toBeNull();
  });

  it('buffers lumpy demand from its samples, not from σ', () => {
    const samples = [0, 0, 0, 0, 0, 0, 0, 10, 20, 70];
    const { policy, explanation } = planItem(baseInput({ demandClass: 'lumpy', demandSamples: samples, forecastMean: Array(12).fill(2), service: { measure: 'cycle', level: 0.9 } }));
    // 90 % → 9th smallest = 20; mean 10 → ss 10; S = 2 × 6 + 10.
    expect(explanation).toMatchObject({ safetyStockMethod: 'samples-quantile', sampleQuantile: 20, sampleMean: 10, demandStdDevOverProtection: null, safetyFactor: null });
    expect(policy.safetyStock).toBe(10);
    expect(policy.orderUpTo).toBe(22);
  });

  it('refuses intermittent demand without samples rather than fall back to a normal', () => {
    expect(() => planItem(baseInput({ demandClass: 'intermittent' }))).toThrow('planItem: intermittent demand needs sorted demand samples');
  });

  it('switches from a slow primary to a supplier that beats the stock-out, and replans with its lead time', () => {
    // On hand 3,000 at 2,500 a week → 8.4 days of cover. Primary needs 42 days; F needs 7.
    const { recommendation, explanation, policy } = planItem(
      baseInput({
        leadTime: { meanDays: 42, stdDevDays: 7 },
        stock: { ...noStock, onHand: 3000 },
        supplierItems: [
          { supplierId: 'P', unitCost: 3, leadTimeDays: 42, leadTimeStdDevDays: 7, primary: true },
          { supplierId: 'F', unitCost: 4, leadTimeDays: 7, leadTimeStdDevDays: 1, orderMultiple: 50 },
        ],
      }),
    );
    expect(explanation.daysOfCover).toBeCloseTo(8.4, 9);
    expect(explanation.projectedStockoutDate).toBe('2026-12-05');
    expect(recommendation).toMatchObject({ supplierId: 'F', reasonCode: 'primary-too-slow', expectedArrivalDate: '2026-12-04' });
    expect(explanation.replannedForChosenSupplier).toBe(true);
    expect(explanation.notes.filter((n) => n.startsWith('policy recomputed for F'))).toHaveLength(1);
    expect(new Set(explanation.notes).size).toBe(explanation.notes.length);
    expect(explanation.leadTimeMeanDays).toBe(7);
    // Replanned: L = 1 week, R = 4 → protection 5 weeks; S = 12,500 + z·√(5·500² + 2500²·(1/7)²).
    const sigma = Math.sqrt(5 * 500 ** 2 + 2500 ** 2 / 49);
    expect(policy.orderUpTo).toBeCloseTo(12500 + 1.2815515655446004 * sigma, 6);
    expect(recommendation!.quantity % 50).toBe(0);
  });

  it('offers a pull-forward candidate when nothing is due yet', () => {
    // Continuous review, s ≈ 2 × 2,500 + 906 = 5,906; IP 9,000 → due when 3,094 more are sold: 3,094 / 2,500 weeks = 8.66 days.
    const { recommendation, pullForward, policy } = planItem(baseInput({ reviewPeriodDays: 0, stock: { ...noStock, onHand: 9000 } }));
    expect(recommendation).toBeNull();
    expect(pullForward).toMatchObject({ sku: 'SKU-1', supplierId: 'P', quantity: 2500, unitCost: 3 });
    expect(pullForward!.daysUntilReorder).toBeCloseTo(((9000 - policy.reorderPoint!) / 2500) * 7, 9);
  });

  it('holds the fill-rate factor at 6 when the replenishment is tiny against σ, instead of failing', () => {
    const { explanation } = planItem(baseInput({ forecastMean: Array(12).fill(1e-12), service: { measure: 'fill-rate', level: 0.9 } }));
    expect(explanation.safetyFactor).toBe(6);
    expect(explanation.safetyStock).toBeCloseTo(6 * explanation.demandStdDevOverProtection!, 9);
    expect(explanation.notes.some((n) => n.startsWith('fill rate needs k > 6'))).toBe(true);
  });

  it('rejects a service level of 1 by name', () => {
    expect(() => planItem(baseInput({ service: { measure: 'cycle', level: 1 } }))).toThrow('planItem: service level must be in (0, 1)');
  });
});

describe('planItem properties', () => {
  const arbitraryInput = fc.record({
    forecastMean: fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 20 }),
    forecastStdDev: fc.double({ min: 0, max: 300, noNaN: true }),
    periodDays: fc.constantFrom(1, 7),
    leadTimeDays: fc.double({ min: 0, max: 90, noNaN: true }),
    leadTimeStdDevDays: fc.double({ min: 0, max: 20, noNaN: true }),
    reviewPeriodDays: fc.constantFrom(0, 7, 14),
    measure: fc.constantFrom('cycle' as const, 'fill-rate' as const),
    onHand: fc.double({ min: 0, max: 5000, noNaN: true }),
    onOrder: fc.double({ min: 0, max: 5000, noNaN: true }),
    backordered: fc.double({ min: 0, max: 500, noNaN: true }),
    moq: fc.integer({ min: 0, max: 300 }),
    orderMultiple: fc.integer({ min: 1, max: 48 }),
  });

  type Generated = typeof arbitraryInput extends fc.Arbitrary<infer T> ? T : never;

  function toInput(x: Generated, level: number): PlanItemInput {
    return baseInput({
      forecastMean: x.forecastMean,
      forecastStdDev: x.forecastStdDev,
      periodDays: x.periodDays,
      leadTime: { meanDays: x.leadTimeDays, stdDevDays: x.leadTimeStdDevDays },
      reviewPeriodDays: x.reviewPeriodDays,
      service: { measure: x.measure, level },
      stock: { onHand: x.onHand, onOrder: x.onOrder, backordered: x.backordered, allocated: 0 },
      supplierItems: [{ supplierId: 'P', unitCost: 2, moq: x.moq, orderMultiple: x.orderMultiple, leadTimeDays: x.leadTimeDays, primary: true }],
    });
  }

  it('orders 0 or a non-negative multiple at or above the MOQ that covers the net requirement', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.double({ min: 0.5, max: 0.995, noNaN: true }), (x, level) => {
        const { recommendation, explanation, policy } = planItem(toInput(x, level));
        if (policy.safetyStock < 0) return false;
        if (recommendation === null) return explanation.netRequirement <= 1e-9;
        const q = recommendation.quantity;
        return q > 0 && q >= x.moq && q % x.orderMultiple === 0 && q >= explanation.netRequirement - 1e-9;
      }),
    );
  });

  it('is monotone in the service level: safety stock, S and the quantity never fall as the level rises', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.double({ min: 0.5, max: 0.995, noNaN: true }), fc.double({ min: 0.5, max: 0.995, noNaN: true }), (x, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const planLow = planItem(toInput(x, low));
        const planHigh = planItem(toInput(x, high));
        const tolerance = 1e-7 * Math.max(1, planHigh.policy.orderUpTo);
        return (
          planLow.policy.safetyStock <= planHigh.policy.safetyStock + tolerance &&
          planLow.policy.orderUpTo <= planHigh.policy.orderUpTo + tolerance &&
          (planLow.recommendation?.quantity ?? 0) <= (planHigh.recommendation?.quantity ?? 0)
        );
      }),
    );
  });
});

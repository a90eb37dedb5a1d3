import { protectionDemandLevel } from '../../../models/policy/protection-demand';
import fc from 'fast-check';
import { protectionErrorsAt, type ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import { addDays } from '../../../models/policy/dates';
import { planItem, type PlanItemInput } from '../../../models/policy/plan';
import { errorPlusNormalQuantile, safetyFactorForFillRate } from '../../../models/policy/safety-stock';

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

  it('sizes a periodic review\'s sampled level for the cycle: the quantile of the at-risk samples, the totals\' mean', () => {
    // Totals as above (mean 10); at risk (the review period had demand) [0 × 8, 20, 70]: 90 % → 9th smallest = 20 again,
    // 80 % → 8th smallest: totals 10 (ss 0), at risk 0 (ss floored at 0); 95 % → 10th: 70 for both.
    const samples = [0, 0, 0, 0, 0, 0, 0, 10, 20, 70];
    const atRisk = [0, 0, 0, 0, 0, 0, 0, 0, 20, 70];
    const plan = (level: number, cycleDemandSamples?: number[]) =>
      planItem(baseInput({ demandClass: 'lumpy', demandSamples: samples, cycleDemandSamples, forecastMean: Array(12).fill(2), service: { measure: 'cycle', level } }));
    expect(plan(0.9, atRisk).explanation).toMatchObject({ sampleQuantile: 20, sampleMean: 10 });
    expect(plan(0.8).explanation.sampleQuantile).toBe(10);
    expect(plan(0.8, atRisk).explanation.sampleQuantile).toBe(0);
    // The quantile 0 lies 10 below the mean: no safety stock, S = 2 × 6 − 10 = 2 (not the forecast's 12).
    expect(plan(0.8, atRisk).policy).toMatchObject({ safetyStock: 0, orderUpTo: 2 });
    expect(plan(0.8, atRisk).explanation.notes).toContain("the cycle's 80.0 % quantile of sampled demand is 10.00 below its mean: no safety stock, order-up-to level 2.00 below the forecast over the protection interval");
    // Without the cycle's samples the buffer is floored at 0 and S stays the forecast's 12.
    expect(plan(0.8).policy.orderUpTo).toBe(12);
    expect(plan(0.8, atRisk).explanation.notes).toContain('sampled level sized for the replenishment cycle: the quantile of demand over L + R in the draws whose review period has demand');
    // Continuous review has no review period's cycle: the at-risk samples are not used.
    const continuous = planItem(baseInput({ demandClass: 'lumpy', demandSamples: samples, cycleDemandSamples: atRisk, forecastMean: Array(12).fill(2), reviewPeriodDays: 0, service: { measure: 'cycle', level: 0.8 } }));
    expect(continuous.explanation.sampleQuantile).toBe(10);
  });

  describe('whole-unit sampled demand orders up to the nearest whole unit, not the next one up', () => {
    // Protection 6 weeks. Samples [0, 1, 1, 2, 2, 2, 3, 3, 4, 5]: mean 2.3, 80 % → 8th smallest = 3, ss = 0.7.
    const samples = [0, 1, 1, 2, 2, 2, 3, 3, 4, 5];
    const sampled = (weekly: number, stock = noStock) =>
      planItem(baseInput({ demandClass: 'intermittent', demandSamples: samples, forecastMean: Array(12).fill(weekly), service: { measure: 'cycle', level: 0.8 }, stock, supplierItems: [{ supplierId: 'P', unitCost: 1, leadTimeDays: 14, primary: true }] }));

    it('takes S = 6 × 0.4 + 0.7 = 3.1 as 3 (ordering up to 3.1 would buy a 4th unit and cover 90 % instead of 80 %)', () => {
      const { policy, recommendation, explanation } = sampled(0.4);
      expect(policy.safetyStock).toBeCloseTo(0.7, 12);
      expect(policy.orderUpTo).toBe(3);
      expect(explanation.notes).toContain('whole-unit demand: order-up-to level 3.10 taken as 3, the nearest whole unit');
      expect(recommendation?.quantity).toBe(3);
    });

    it('takes S = 6 × 0.45 + 0.7 = 3.4 as 3 and S = 6 × 0.5 + 0.7 = 3.7 as 4', () => {
      expect(sampled(0.45).policy.orderUpTo).toBe(3);
      expect(sampled(0.5).policy.orderUpTo).toBe(4);
    });

    it('leaves fractional-unit samples (kilograms) unrounded', () => {
      const { policy } = planItem(baseInput({ demandClass: 'intermittent', demandSamples: samples.map((x) => x + 0.5), forecastMean: Array(12).fill(0.4), service: { measure: 'cycle', level: 0.8 } }));
      // Mean 2.8, 80 % → 3.5, ss 0.7, S = 2.4 + 0.7.
      expect(policy.orderUpTo).toBeCloseTo(3.1, 12);
    });
  });

  describe('sized for the cycle, whole-unit sampled demand orders up to the unit whose cycle service is nearest the target', () => {
    // Protection 6 weeks at 0.25 a week: forecast 1.5. Totals [0 × 5, 1, 1, 1, 2, 3]: mean 0.8, shift 1.5 − 0.8 = 0.7.
    // At risk [0 × 7, 1, 1, 3]: F(0) = 0.7, F(1) = F(2) = 0.9, F(3) = 1. 80 % → 8th smallest = 1: S = 1.5 + 0.2 = 1.7.
    // Service of S units = F interpolated at S − 0.7: S = 2 → 0.7·F(1) + 0.3·F(2) = 0.9; S = 1 → 0.7·F(0) + 0.3·F(1) = 0.76.
    const totals = [0, 0, 0, 0, 0, 1, 1, 1, 2, 3];
    const atRisk = [0, 0, 0, 0, 0, 0, 0, 1, 1, 3];
    const cycle = (level: number) =>
      planItem(baseInput({ demandClass: 'intermittent', demandSamples: totals, cycleDemandSamples: atRisk, forecastMean: Array(12).fill(0.25), service: { measure: 'cycle', level }, stock: noStock }));

    it('at 80 %: 1 unit (76 %, 4 points off) rather than the nearest unit 2 (90 %, 10 points off)', () => {
      const { policy, explanation } = cycle(0.8);
      expect(policy.orderUpTo).toBe(1);
      // The level holds nothing above the forecast of 1.5: no safety stock.
      expect(policy.safetyStock).toBe(0);
      expect(explanation.notes).toContain('whole-unit demand: order-up-to level 1.70 taken as 1, the whole unit whose cycle service is nearest the target');
    });

    it('at 90 %: 2 units (90 % exactly) against 1 (76 %)', () => {
      expect(cycle(0.9).policy.orderUpTo).toBe(2);
    });

    it('the record the page reads gives the same levels: 1 at 80 %, 3 at 95 % (S = 3.7; 3 → 0.7·F(2) + 0.3·F(3) = 0.93, 4 → 1)', () => {
      const { explanation } = cycle(0.8);
      expect(protectionDemandLevel(explanation.protectionDemand, 0.8)).toBe(1);
      expect(protectionDemandLevel(explanation.protectionDemand, 0.95)).toBe(3);
    });
  });

  it('refuses intermittent demand without samples rather than fall back to a normal', () => {
    expect(() => planItem(baseInput({ demandClass: 'intermittent' }))).toThrow('planItem: intermittent demand needs sorted demand samples');
  });

  describe('slow movers of any class are buffered from samples, as the backtest buffers them (buffersFromSamples)', () => {
    // L = 14 days = 2 weeks, R = 28 days = 4 weeks: protection 6 weeks. One unit a week → 6 units < 10: a slow mover.
    const slow = { demandClass: 'smooth' as const, demandHistory: Array(8).fill(1), forecastMean: Array(12).fill(1), forecastStdDev: 0.5 };
    const samples = [3, 4, 5, 5, 6, 6, 6, 7, 8, 10];

    it('buffers a smooth slow mover from its samples and says why', () => {
      const { policy, explanation } = planItem(baseInput({ ...slow, demandSamples: samples }));
      // 90 % → 9th smallest of 10 = 8; mean 6 → ss 2; S = 6 weeks × 1 + 2.
      expect(explanation).toMatchObject({ safetyStockMethod: 'samples-quantile', sampleQuantile: 8, sampleMean: 6, demandStdDevOverProtection: null });
      expect(explanation.notes).toContain('slow mover: fewer than 10 units over the protection interval');
      expect(policy.safetyStock).toBe(2);
      expect(policy.orderUpTo).toBe(8);
    });

    it('keeps the forecast-based buffer from 10 units over the protection interval up, samples or not', () => {
      // Two a week → 12 units over 6 weeks.
      const { explanation } = planItem(baseInput({ ...slow, demandHistory: Array(8).fill(2), forecastMean: Array(12).fill(2), demandSamples: samples }));
      expect(explanation).toMatchObject({ safetyStockMethod: 'normal-cycle', sampleCount: null });
      expect(explanation.notes.some((note) => note.startsWith('slow mover'))).toBe(false);
    });

    it('refuses a slow mover without samples rather than fall back to a normal', () => {
      expect(() => planItem(baseInput(slow))).toThrow('planItem: slow-moving smooth demand needs sorted demand samples over the protection interval');
    });

    it('decides on the default source’s L + R and keeps the decision when it replans for a faster supplier', () => {
      // Default P: 42 days + 28 = 10 weeks × 1.2 a week = 12 units: not slow. F (7 days) would give 5 weeks × 1.2 = 6,
      // but the samples are drawn for the default source, so the buffer stays forecast-based. On hand 2 lasts 11.7 days < 42.
      const { recommendation, explanation } = planItem(
        baseInput({
          demandClass: 'smooth',
          demandHistory: [1, 1, 1, 1, 2, 1, 1, 1, 1, 2],
          forecastMean: Array(12).fill(1.2),
          forecastStdDev: 0.5,
          leadTime: { meanDays: 42, stdDevDays: 0 },
          stock: { ...noStock, onHand: 2 },
          supplierItems: [
            { supplierId: 'P', unitCost: 3, leadTimeDays: 42, leadTimeStdDevDays: 0, primary: true },
            { supplierId: 'F', unitCost: 4, leadTimeDays: 7, leadTimeStdDevDays: 0 },
          ],
        }),
      );
      expect(recommendation).toMatchObject({ supplierId: 'F', reasonCode: 'primary-too-slow' });
      expect(explanation).toMatchObject({ replannedForChosenSupplier: true, protectionPeriods: 5, safetyStockMethod: 'normal-cycle' });
      expect(explanation.notes.some((note) => note.startsWith('slow mover'))).toBe(false);
    });
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
        // roundOrderQuantity counts a requirement within 1e-9 of a multiple (in multiples) as that multiple.
        return q > 0 && q >= x.moq && q % x.orderMultiple === 0 && q >= explanation.netRequirement - 1e-9 * x.orderMultiple;
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

describe('planItem with the forecast\'s errors over the protection interval (protectionErrors)', () => {
  // Rows [root mean square, quantiles at 50, 80, 85, 90, 95, 97.5, 98, 99, 99.5 %] over 1, 2, 4 and 8 weeks.
  const row = (rootMeanSquare: number, q90: number) => [rootMeanSquare, 0, q90 / 2, q90 * 0.75, q90, q90 * 1.2, q90 * 1.4, q90 * 1.45, q90 * 1.6, q90 * 1.7];
  const absolute: ProtectionErrorSummary = { scale: 'absolute', horizons: [1, 2, 4, 8], rows: [row(300, 400), row(500, 650), row(800, 1000), row(1600, 2000)] };

  it('cycle service: SS = the 90 % error quantile over H = 2 + 4 = 6 weeks, halfway between the 4- and 8-week rows (1,500)', () => {
    const { policy, explanation } = planItem(baseInput({ protectionErrors: absolute }));
    expect(policy.safetyStock).toBeCloseTo(1500, 9);
    expect(policy.orderUpTo).toBeCloseTo(15000 + 1500, 9);
    expect(explanation).toMatchObject({ safetyStockMethod: 'error-quantile-cycle', demandStdDevSource: 'protection-errors' });
    expect(explanation.protectionErrors).toEqual({ horizonPeriods: 6, scale: 'absolute', errorStdDev: 1200, errorQuantile: 1500, leadTimeBuffer: 0, extrapolated: false });
    expect(explanation.demandStdDevOverProtection).toBe(1200);
    expect(explanation.safetyFactor).toBeCloseTo(1.2815515655446004, 12);
  });

  it('adds lead-time variability as a normal 2,500·Z (σ_L = 1 week, d = 2,500) to the 6-week error: its 90 % quantile, between the larger alone and the sum', () => {
    const { policy, explanation } = planItem(baseInput({ protectionErrors: absolute, leadTime: { meanDays: 14, stdDevDays: 7 } }));
    expect(policy.safetyStock).toBeCloseTo(errorPlusNormalQuantile(protectionErrorsAt(absolute, 6), 2500, 0.9), 9);
    expect(policy.safetyStock).toBeGreaterThan(1.2815515655446004 * 2500);
    expect(policy.safetyStock).toBeLessThan(1500 + 1.2815515655446004 * 2500);
    expect(explanation.protectionErrors!.leadTimeBuffer).toBeCloseTo(policy.safetyStock - 1500, 9);
    // σ over the protection interval still adds variances: √(1200² + 2500²).
    expect(explanation.demandStdDevOverProtection).toBeCloseTo(Math.hypot(1200, 2500), 9);
  });

  it('relative errors are shares of the forecast over H: 0.1 × 15,000 = 1,500', () => {
    const relative: ProtectionErrorSummary = { scale: 'relative', horizons: [4, 8], rows: [row(0.08, 0.0667), row(0.16, 0.1333)] };
    const { policy, explanation } = planItem(baseInput({ protectionErrors: relative }));
    expect(policy.safetyStock).toBeCloseTo(0.1 * 15000, 6);
    expect(explanation.protectionErrors!.errorStdDev).toBeCloseTo(0.12 * 15000, 6);
  });

  it('fill rate: k from the normal loss function with σ over H from the summary (1,200), not σ·√H', () => {
    const { policy, explanation } = planItem(baseInput({ protectionErrors: absolute, service: { measure: 'fill-rate', level: 0.98 } }));
    // Q = demand per review = 4 × 2,500 = 10,000; G(k) = 0.02 × 10,000 / 1,200 = 0.1667 → k ≈ 0.6.
    const k = safetyFactorForFillRate(0.98, 10000, 1200);
    expect(explanation).toMatchObject({ safetyStockMethod: 'normal-fill-rate', demandStdDevSource: 'protection-errors', demandStdDevOverProtection: 1200 });
    expect(policy.safetyStock).toBeCloseTo(k * 1200, 9);
  });

  it('past the longest horizon the errors are scaled by √H and a note says so (L = 12 + R = 4 weeks: √(16/8) × the 8-week row)', () => {
    const { policy, explanation } = planItem(baseInput({ protectionErrors: absolute, leadTime: { meanDays: 84, stdDevDays: 0 }, supplierItems: [] }));
    expect(policy.safetyStock).toBeCloseTo(2000 * Math.SQRT2, 9);
    expect(explanation.protectionErrors!.extrapolated).toBe(true);
    expect(explanation.notes.some((note) => note.startsWith('protection interval 16.00 periods is past the longest horizon'))).toBe(true);
  });

  it('without a summary falls back to σ·√H and says so', () => {
    const { explanation } = planItem(baseInput());
    expect(explanation).toMatchObject({ demandStdDevSource: 'one-period-sd', protectionErrors: null });
    expect(explanation.notes.some((note) => note.startsWith('no summary of the forecast\'s errors over the protection interval'))).toBe(true);
  });

  it('outside the quantile grid (99.9 %) the cycle buffer is z·σ over H from the summary, with a note', () => {
    const { policy, explanation } = planItem(baseInput({ protectionErrors: absolute, service: { measure: 'cycle', level: 0.999 } }));
    expect(explanation.safetyStockMethod).toBe('normal-cycle');
    expect(policy.safetyStock).toBeCloseTo(3.090232306167813 * 1200, 6);
    expect(explanation.notes.some((note) => note.startsWith('no error quantile at a service level of 0.999'))).toBe(true);
  });
});

describe('planItem: open purchase order lines in the stock-out projection', () => {
  // 3,000 on hand at 2,500 a week: out after 8.4 days without receipts.
  const stock = { ...noStock, onHand: 3000, onOrder: 5000 };

  it('a receipt of 5,000 on day 7 (before the stock-out) moves it to (3,000 + 5,000)/2,500 weeks = 22.4 days', () => {
    const { explanation } = planItem(baseInput({ stock, scheduledReceipts: [{ date: '2026-12-04', quantity: 5000 }] }));
    expect(explanation.daysOfCover).toBeCloseTo(22.4, 9);
    expect(explanation.projectedStockoutDate).toBe('2026-12-19');
    expect(explanation.scheduledReceipts).toEqual([{ date: '2026-12-04', quantity: 5000 }]);
  });

  it('a receipt after the stock-out (day 10) does not move it', () => {
    const { explanation } = planItem(baseInput({ stock, scheduledReceipts: [{ date: '2026-12-07', quantity: 5000 }] }));
    expect(explanation.daysOfCover).toBeCloseTo(8.4, 9);
  });

  it('receipts never shorten the cover (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ day: fc.integer({ min: -5, max: 90 }), quantity: fc.integer({ min: 0, max: 20000 }) }), { maxLength: 5 }), (lines) => {
        const scheduledReceipts = lines.map(({ day, quantity }) => ({ date: addDays('2026-11-27', day), quantity }));
        const without = planItem(baseInput({ stock })).explanation.daysOfCover!;
        const withReceipts = planItem(baseInput({ stock, scheduledReceipts })).explanation.daysOfCover;
        expect(withReceipts === null || withReceipts >= without - 1e-9).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

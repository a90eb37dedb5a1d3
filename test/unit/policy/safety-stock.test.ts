import fc from 'fast-check';
import { protectionErrorsAt } from '../../../models/forecast/protection-errors';
import { normalLoss, normalQuantile } from '../../../models/stats/normal';
import {
  defaultServiceLevels,
  demandStdDevOverProtection,
  errorPlusNormalQuantile,
  safetyFactorForCycleService,
  safetyFactorForFillRate,
  safetyStockForCycleService,
  safetyStockFromProtectionErrors,
  safetyStockFromSamples,
  serviceLevelFor,
} from '../../../models/policy/safety-stock';

/*
 * Golden values from textbook worked examples. Books:
 * - [C&M] Chopra and Meindl, Supply Chain Management: Strategy, Planning, and Operation, 6th ed. (Pearson 2016),
 *   ch. 12 "Managing Uncertainty in a Supply Chain: Safety Inventory". The same examples carry the same numbers in the
 *   5th ed. (2013). Page numbers were not checked against a printed copy while writing these tests.
 * - [N] Nahmias, Production and Operations Analysis, 6th ed. (McGraw-Hill 2009), §5.5 "Service Levels in (Q, R) Systems",
 *   Harvey's Specialty Shop (mustard) example. Page not checked against a printed copy.
 * The books round to the units shown; each test allows exactly that rounding.
 */

describe('demandStdDevOverProtection: σ = √(E[L]·σd² + d²·σL²)', () => {
  // [C&M] Example 12-6 (Dell, impact of lead-time uncertainty): D = 2,500/day, σD = 500, L = 7 days, sL = 7 days
  // → σL = 17,550; at CSL 90 % ss = NORMSINV(0.9) × 17,550 = 22,491.
  // (The sL = 2 row of the book's table that follows gives 5,172 and 6,628; 17,550 needs sL = 7.)
  it('reproduces Chopra & Meindl Example 12-6: σ = 17,550 and ss = 22,491 at CSL 90%', () => {
    const sigma = demandStdDevOverProtection({ meanDemandPerPeriod: 2500, demandStdDevPerPeriod: 500, protectionPeriods: 7, leadTimeStdDevPeriods: 7 });
    expect(Math.round(sigma)).toBe(17550);
    expect(Math.round(safetyStockForCycleService(0.9, sigma))).toBe(22491);
  });

  // [C&M] table following Example 12-6: sL = 6 … 0 days → (σL, ss).
  it.each([
    [6, 15058, 19298],
    [5, 12570, 16109],
    [4, 10087, 12927],
    [3, 7616, 9760],
    [2, 5172, 6628],
    [1, 2828, 3625],
    [0, 1323, 1695],
  ])('reproduces the Chopra & Meindl sL table: sL = %p days → σL = %p, ss = %p', (leadTimeStdDev, sigmaExpected, safetyExpected) => {
    const sigma = demandStdDevOverProtection({ meanDemandPerPeriod: 2500, demandStdDevPerPeriod: 500, protectionPeriods: 7, leadTimeStdDevPeriods: leadTimeStdDev });
    expect(Math.round(sigma)).toBe(sigmaExpected);
    expect(Math.round(safetyStockForCycleService(0.9, sigma))).toBe(safetyExpected);
  });

  it('reduces to σd·√L when the lead time is certain', () => {
    expect(demandStdDevOverProtection({ meanDemandPerPeriod: 40, demandStdDevPerPeriod: 10, protectionPeriods: 9, leadTimeStdDevPeriods: 0 })).toBeCloseTo(30, 12);
  });

  it('rejects a negative input by name', () => {
    expect(() => demandStdDevOverProtection({ meanDemandPerPeriod: 1, demandStdDevPerPeriod: -1, protectionPeriods: 1, leadTimeStdDevPeriods: 0 })).toThrow(
      'demandStdDevOverProtection: demandStdDevPerPeriod',
    );
  });
});

describe('cycle service level', () => {
  // [C&M] Example 12-4 (Lego at Walmart): D = 2,500/week, σD = 500, L = 2 weeks, CSL = 0.90
  // → σL = √2 × 500 = 707, ss = NORMSINV(0.9) × 707 = 906.
  it('reproduces Chopra & Meindl Example 12-4: ss = 906 at CSL 90% with σL = 707', () => {
    const sigma = demandStdDevOverProtection({ meanDemandPerPeriod: 2500, demandStdDevPerPeriod: 500, protectionPeriods: 2, leadTimeStdDevPeriods: 0 });
    expect(Math.round(sigma)).toBe(707);
    expect(Math.round(safetyStockForCycleService(0.9, sigma))).toBe(906);
  });

  // [N] §5.5, type 1 service: Harvey's mustard, lead-time demand mean 100, σ 25, 98 % of cycles without stock-out
  // → z = 2.05, R = σz + μ = 151.
  it('reproduces Nahmias §5.5 type 1 service: z(0.98) = 2.05 and R = 151', () => {
    const z = safetyFactorForCycleService(0.98);
    expect(z).toBeCloseTo(2.05, 2);
    expect(Math.round(100 + safetyStockForCycleService(0.98, 25))).toBe(151);
  });

  it('gives zero safety stock when σ is zero', () => {
    expect(safetyStockForCycleService(0.99, 0)).toBe(0);
  });

  it('floors the safety stock at zero below a 50% level', () => {
    expect(safetyStockForCycleService(0.3, 100)).toBe(0);
  });

  it('rejects a level of 1 (infinite buffer) by name', () => {
    expect(() => safetyFactorForCycleService(1)).toThrow('safetyFactorForCycleService: cycleServiceLevel must be in (0, 1)');
  });

  it('is non-decreasing in the service level (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.999, noNaN: true }), fc.double({ min: 0.01, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), (a, b, sigma) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return safetyStockForCycleService(low, sigma) <= safetyStockForCycleService(high, sigma);
      }),
    );
  });
});

describe('fill rate through the normal loss function: G(k) = (1 − β)·Q / σ', () => {
  // [C&M] Example 12-5: Q = 10,000, fill rate 0.975, σL = 707 → ESC = (1 − fr)·Q = 250 → ss = 67.
  it('reproduces Chopra & Meindl Example 12-5: ss = 67 for a 97.5% fill rate with Q = 10,000', () => {
    const sigma = Math.SQRT2 * 500;
    const k = safetyFactorForFillRate(0.975, 10000, sigma);
    expect(Math.round(k * sigma)).toBe(67);
  });

  // [C&M] Example 12-3 runs the other way: ss = 1,000, σL = 707, Q = 10,000 → ESC = 25.13, fill rate = 0.9975.
  // Solving for the fill rate 1 − 25.13/10,000 must give back ss = 1,000.
  it('inverts Chopra & Meindl Example 12-3: fill rate 0.9975 (ESC 25.13) gives back ss = 1,000', () => {
    const sigma = Math.SQRT2 * 500;
    expect(sigma * normalLoss(1000 / sigma)).toBeCloseTo(25.13, 2);
    const fillRate = 1 - (sigma * normalLoss(1000 / sigma)) / 10000;
    expect(safetyFactorForFillRate(fillRate, 10000, sigma) * sigma).toBeCloseTo(1000, 6);
  });

  // [N] §5.5, type 2 service: β = 0.98, Q = EOQ = 100, σ = 25 → L(z) = (1 − β)Q/σ = 0.08 → z = 1.02 → R = 126.
  it('reproduces Nahmias §5.5 type 2 service: L(z) = 0.08 gives z = 1.02 and R = 126', () => {
    const k = safetyFactorForFillRate(0.98, 100, 25);
    expect(k).toBeCloseTo(1.02, 2);
    expect(Math.round(100 + 25 * k)).toBe(126);
    // Beyond the book's two decimals, R 4.2.2: uniroot(function(k) dnorm(k) - k*(1 - pnorm(k)) - 0.08, c(0, 3), tol = 1e-12) → 1.021239
    expect(k).toBeCloseTo(1.021239, 6);
  });

  it('solves G(k) = target to 1e-10 across a range of targets (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.9999, noNaN: true }), fc.double({ min: 1, max: 1e4, noNaN: true }), fc.double({ min: 1, max: 1e3, noNaN: true }), (fillRate, q, sigma) => {
        const target = ((1 - fillRate) * q) / sigma;
        fc.pre(target > 1e-9);
        const k = safetyFactorForFillRate(fillRate, q, sigma);
        return Math.abs(normalLoss(k) - target) <= 1e-10 * Math.max(1, target);
      }),
    );
  });

  it('gives a negative k when Q dwarfs σ (G(k) > G(0) = 0.3989)', () => {
    const k = safetyFactorForFillRate(0.9, 1000, 10);
    expect(k).toBeLessThan(0);
    expect(normalLoss(k)).toBeCloseTo(10, 8);
  });

  it('is non-decreasing in the fill rate (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.999, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return safetyFactorForFillRate(low, 200, 50) <= safetyFactorForFillRate(high, 200, 50) + 1e-12;
      }),
    );
  });

  it('refuses a target beyond k = 6 rather than return digits lost to rounding', () => {
    expect(() => safetyFactorForFillRate(0.999999999, 1, 1000)).toThrow('safetyFactorForFillRate: target loss');
  });

  it('rejects σ = 0 and Q = 0 by name', () => {
    expect(() => safetyFactorForFillRate(0.95, 10, 0)).toThrow('safetyFactorForFillRate: demandStdDev must be > 0');
    expect(() => safetyFactorForFillRate(0.95, 0, 10)).toThrow('safetyFactorForFillRate: orderQuantity must be > 0');
  });
});

describe('safetyStockFromSamples (intermittent and lumpy demand)', () => {
  it('takes the inverse empirical quantile and subtracts the sample mean', () => {
    // 10 samples, mean 3; 90 % → the 9th smallest (ceil(0.9 × 10) = 9) = 8; R 4.2.2: quantile(x, 0.9, type = 1) → 8.
    const samples = [0, 0, 0, 0, 0, 2, 3, 5, 8, 12];
    expect(safetyStockFromSamples(samples, 0.9)).toEqual({ quantile: 8, meanDemand: 3, safetyStock: 5 });
  });

  it('does not round 0.81 × 300 = 243.00000000000003 up to the 244th sample', () => {
    const samples = Array.from({ length: 300 }, (_, i) => i);
    expect(safetyStockFromSamples(samples, 0.81).quantile).toBe(242);
  });

  it('never returns a negative safety stock when the quantile lies below the mean (lumpy samples)', () => {
    // Mean 10 over 10 samples; the 50 % quantile is 0, below the mean: the buffer is 0, not −10.
    const samples = [0, 0, 0, 0, 0, 0, 0, 0, 0, 100];
    expect(safetyStockFromSamples(samples, 0.5).safetyStock).toBe(0);
    expect(safetyStockFromSamples(samples, 0.95).safetyStock).toBe(90);
  });

  it('with at-risk samples takes their quantile and the totals\' mean', () => {
    // Totals 0..9 (mean 4.5); at risk (the cycle had demand) only the 4 largest, the rest 0: at 60 % the 6th smallest at-risk
    // value is 0 where the totals' is 5 (R: quantile(c(rep(0, 6), 6:9), 0.6, type = 1) → 0; quantile(0:9, 0.6, type = 1) → 5).
    const totals = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const atRisk = [0, 0, 0, 0, 0, 0, 6, 7, 8, 9];
    expect(safetyStockFromSamples(totals, 0.6)).toEqual({ quantile: 5, meanDemand: 4.5, safetyStock: 0.5 });
    expect(safetyStockFromSamples(totals, 0.6, atRisk)).toEqual({ quantile: 0, meanDemand: 4.5, safetyStock: 0 });
    // 90 %: the 9th smallest of both is 8.
    expect(safetyStockFromSamples(totals, 0.9, atRisk)).toEqual({ quantile: 8, meanDemand: 4.5, safetyStock: 3.5 });
    expect(() => safetyStockFromSamples(totals, 0.9, [0, 1])).toThrow('safetyStockFromSamples: atRiskSamples must come from the same draws as the samples');
  });

  it('rejects unsorted or empty samples by name', () => {
    expect(() => safetyStockFromSamples([3, 1], 0.9)).toThrow('safetyStockFromSamples: samples must be sorted ascending');
    expect(() => safetyStockFromSamples([], 0.9)).toThrow('safetyStockFromSamples: no samples');
  });

  it('is non-negative and non-decreasing in the service level (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 500 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        (values, a, b) => {
          const sorted = [...values].sort((x, y) => x - y);
          const [low, high] = a <= b ? [a, b] : [b, a];
          const lowStock = safetyStockFromSamples(sorted, low).safetyStock;
          return lowStock >= 0 && lowStock <= safetyStockFromSamples(sorted, high).safetyStock;
        },
      ),
    );
  });
});

describe('serviceLevelFor', () => {
  it('defaults to A 98%, B 95%, C 90%', () => {
    expect(defaultServiceLevels).toEqual({ A: 0.98, B: 0.95, C: 0.9 });
    expect(['A', 'B', 'C'].map((c) => serviceLevelFor(c as 'A' | 'B' | 'C'))).toEqual([0.98, 0.95, 0.9]);
  });

  it('takes configured class levels, and an item override over both', () => {
    expect(serviceLevelFor('B', { B: 0.97 })).toBe(0.97);
    expect(serviceLevelFor('B', { B: 0.97 }, 0.995)).toBe(0.995);
  });

  it('rejects an override outside (0, 1) by name', () => {
    expect(() => serviceLevelFor('A', {}, 1.2)).toThrow('serviceLevelFor: service level must be in (0, 1)');
  });
});

describe('errorPlusNormalQuantile: the error over H plus the normal demand a random lead time adds', () => {
  const grid = [0.5, 0.8, 0.85, 0.9, 0.95, 0.975, 0.98, 0.99, 0.995];
  const errorsOf = (quantiles: number[]) => ({ horizon: 3, scale: 'absolute' as const, rootMeanSquare: 1, quantiles, extrapolated: false });

  it('normal errors (σ = 10) and a normal lead-time term s: z·√(σ² + s²) within 2 %, as for two independent normals [C&M]', () => {
    const normal = errorsOf(grid.map((p) => 10 * normalQuantile(p)));
    for (const p of [0.8, 0.9, 0.95, 0.98, 0.99]) {
      for (const spread of [5, 10, 20]) expect(Math.abs(errorPlusNormalQuantile(normal, spread, p) / (normalQuantile(p) * Math.hypot(10, spread)) - 1)).toBeLessThan(0.02);
    }
  });

  it('skewed errors (85 % N(0, 5), 15 % N(40, 10): promotions) plus N(0, 15): within 4 % of R\'s exact quantiles, where quadrature is 31 % short at 80 %', () => {
    // R 4.x: the mixture's quantiles at 50 … 99.5 % by uniroot on 0.85·pnorm(x, 0, 5) + 0.15·pnorm(x, 40, 10); the sum's
    // p-quantile by uniroot on 0.85·pnorm(x, 0, √(25 + 225)) + 0.15·pnorm(x, 40, √(100 + 225)) (/tmp script, values below).
    const skewed = errorsOf([1.114925, 7.818782, 15.221361, 35.692727, 44.307273, 49.674216, 51.107716, 55.010859, 58.339146]);
    const exact: Array<[number, number]> = [[0.8, 21.6003], [0.9, 35.5616], [0.95, 48.0966], [0.98, 60.0593], [0.99, 67.07]];
    for (const [p, x] of exact) expect(Math.abs(errorPlusNormalQuantile(skewed, 15, p) / x - 1)).toBeLessThan(0.04);
    expect(Math.hypot(7.818782, normalQuantile(0.8) * 15) / 21.6003).toBeLessThan(0.7);
  });

  it('is the error quantile itself with a fixed lead time, and rises with the spread and the level', () => {
    const skewed = errorsOf([0, 2, 3, 5, 9, 12, 13, 16, 20]);
    expect(errorPlusNormalQuantile(skewed, 0, 0.9)).toBe(5);
    expect(errorPlusNormalQuantile(skewed, 4, 0.9)).toBeGreaterThan(errorPlusNormalQuantile(skewed, 2, 0.9));
    expect(errorPlusNormalQuantile(skewed, 4, 0.95)).toBeGreaterThan(errorPlusNormalQuantile(skewed, 4, 0.9));
  });
});

describe('safetyStockFromProtectionErrors: the error quantile over H, with the lead-time term convolved in', () => {
  // Over 2 periods: root mean square 0.1, quantiles 0.02 … 0.3 at 50 … 99.5 % (relative: shares of the forecast total).
  const summary = { scale: 'relative' as const, horizons: [1, 2], rows: [[0.07, 0, 0.05, 0.06, 0.08, 0.1, 0.12, 0.13, 0.15, 0.2], [0.1, 0.02, 0.08, 0.1, 0.12, 0.16, 0.2, 0.21, 0.25, 0.3]] };

  it('95 %, forecast 500 over 2 periods: q = 0.16 × 500 = 80; with d·σ_L = 30 the quantile of error + 30·Z, the lead-time buffer what it adds', () => {
    const base = { summary, protectionPeriods: 2, forecastTotal: 500, leadTimeDemandStdDev: 0, cycleServiceLevel: 0.95 };
    expect(safetyStockFromProtectionErrors(base)).toMatchObject({ errorQuantile: 80, errorStdDev: 50, leadTimeBuffer: 0, safetyStock: 80, extrapolated: false });
    const withLeadTime = safetyStockFromProtectionErrors({ ...base, leadTimeDemandStdDev: 30 })!;
    const errors = protectionErrorsAt(summary, 2);
    expect(withLeadTime.safetyStock).toBeCloseTo(errorPlusNormalQuantile(errors, 30, 0.95, 500), 9);
    expect(withLeadTime.leadTimeBuffer).toBeCloseTo(withLeadTime.safetyStock - 80, 9);
    // More than the error quantile, less than the two added.
    expect(withLeadTime.safetyStock).toBeGreaterThan(80);
    expect(withLeadTime.safetyStock).toBeLessThan(80 + 1.6448536269514722 * 30);
  });

  it('1.5 periods: halfway between the rows (0.13 × 500 = 65 at 95 %)', () => {
    expect(safetyStockFromProtectionErrors({ summary, protectionPeriods: 1.5, forecastTotal: 500, leadTimeDemandStdDev: 0, cycleServiceLevel: 0.95 })!.safetyStock).toBeCloseTo(65, 9);
  });

  it('null outside the grid (99.9 %): the caller falls back to a normal', () => {
    expect(safetyStockFromProtectionErrors({ summary, protectionPeriods: 2, forecastTotal: 500, leadTimeDemandStdDev: 0, cycleServiceLevel: 0.999 })).toBeNull();
  });

  it('a negative quantile (forecast biased high) floors the buffer at 0; a random lead time lifts it above', () => {
    const high = { scale: 'absolute' as const, horizons: [1], rows: [[5, -9, -6, -5, -4, -3, -2, -1, 0, 1]] };
    const input = { summary: high, protectionPeriods: 1, forecastTotal: 100, leadTimeDemandStdDev: 0, cycleServiceLevel: 0.9 };
    expect(safetyStockFromProtectionErrors(input)!.safetyStock).toBe(0);
    // d·σ_L = 5: the 90 % quantile of error + 5·Z is still below 0 (−4 + 3.03); with 10 it is 4.69 > 0.
    expect(safetyStockFromProtectionErrors({ ...input, leadTimeDemandStdDev: 5 })!).toMatchObject({ safetyStock: 0, errorQuantile: -4 });
    expect(safetyStockFromProtectionErrors({ ...input, leadTimeDemandStdDev: 10 })!.safetyStock).toBeGreaterThan(0);
  });
});

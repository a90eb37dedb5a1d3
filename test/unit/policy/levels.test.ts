import { demandOverHorizon, economicOrderQuantity, inventoryPosition, orderUpToLevel, reorderPoint } from '../../../models/policy/levels';
import { demandStdDevOverProtection, safetyStockForCycleService } from '../../../models/policy/safety-stock';

/*
 * Golden values from textbook worked examples (pages not checked against a printed copy while writing these tests):
 * - [C&M] Chopra and Meindl, Supply Chain Management: Strategy, Planning, and Operation, 6th ed. (Pearson 2016).
 * - [N] Nahmias, Production and Operations Analysis, 6th ed. (McGraw-Hill 2009).
 */

describe('economicOrderQuantity: Q* = √(2DK/h)', () => {
  // [C&M] Example 11-1 (ch. 11, cycle inventory; Best Buy computers): R = 1,000/month = 12,000/year, S = $4,000,
  // h = 20 % of C = $500 → H = $100/unit/year → Q* = 980.
  it('reproduces Chopra & Meindl Example 11-1: Q* = 980', () => {
    expect(Math.round(economicOrderQuantity({ demandPerPeriod: 12000, orderingCost: 4000, holdingCostPerUnitPerPeriod: 0.2 * 500 }))).toBe(980);
  });

  // [N] Example 4.1 (ch. 4; No. 2 pencils at the campus bookstore): 60/week → λ = 3,120/year, K = $12,
  // h = 25 % × $0.02 = $0.005/unit/year → Q* = 3,870.
  it('reproduces Nahmias Example 4.1: Q* = 3,870', () => {
    expect(Math.round(economicOrderQuantity({ demandPerPeriod: 60 * 52, orderingCost: 12, holdingCostPerUnitPerPeriod: 0.25 * 0.02 }))).toBe(3870);
  });

  it('is zero with zero demand', () => {
    expect(economicOrderQuantity({ demandPerPeriod: 0, orderingCost: 50, holdingCostPerUnitPerPeriod: 2 })).toBe(0);
  });

  it('rejects a zero holding cost by name', () => {
    expect(() => economicOrderQuantity({ demandPerPeriod: 10, orderingCost: 50, holdingCostPerUnitPerPeriod: 0 })).toThrow('economicOrderQuantity: holdingCostPerUnitPerPeriod must be > 0');
  });
});

describe('reorderPoint: s = d·L + SS', () => {
  // [C&M] Example 12-4: D·L = 2,500 × 2 = 5,000, ss = 906 → ROP = 5,906.
  it('reproduces Chopra & Meindl Example 12-4: ROP = 5,906', () => {
    const sigma = demandStdDevOverProtection({ meanDemandPerPeriod: 2500, demandStdDevPerPeriod: 500, protectionPeriods: 2, leadTimeStdDevPeriods: 0 });
    expect(Math.round(reorderPoint(2500 * 2, safetyStockForCycleService(0.9, sigma)))).toBe(5906);
  });

  // [N] Example 4.1, continued: lead time 4 months → R = λτ = 3,120 × 4/12 = 1,040 (no safety stock under known demand).
  it('reproduces Nahmias Example 4.1: reorder level 1,040 with a four-month lead time', () => {
    expect(reorderPoint(3120 * (4 / 12), 0)).toBeCloseTo(1040, 9);
  });
});

describe('orderUpToLevel: S = d·(L + R) + SS', () => {
  // [C&M] ch. 12, periodic-review example (Lego at Walmart, review every T = 4 weeks; example number and page not checked):
  // D = 2,500/week, σD = 500, L = 2 weeks, T = 4 weeks, CSL = 0.90 → σ_{T+L} = √6 × 500 = 1,225, ss = 1,570, OUL = 16,570.
  it('reproduces the Chopra & Meindl periodic-review example: σ = 1,225, ss = 1,570, OUL = 16,570', () => {
    const sigma = demandStdDevOverProtection({ meanDemandPerPeriod: 2500, demandStdDevPerPeriod: 500, protectionPeriods: 2 + 4, leadTimeStdDevPeriods: 0 });
    const safety = safetyStockForCycleService(0.9, sigma);
    expect(Math.round(sigma)).toBe(1225);
    expect(Math.round(safety)).toBe(1570);
    expect(Math.round(orderUpToLevel(2500 * 6, safety))).toBe(16570);
  });
});

describe('inventoryPosition = on hand + on order − backordered − allocated', () => {
  it('nets backorders and allocations', () => {
    expect(inventoryPosition({ onHand: 120, onOrder: 300, backordered: 45, allocated: 30 })).toBe(345);
  });

  it('goes negative when backorders exceed stock', () => {
    expect(inventoryPosition({ onHand: 0, onOrder: 0, backordered: 12, allocated: 0 })).toBe(-12);
  });

  it('rejects a negative on-hand figure by name', () => {
    expect(() => inventoryPosition({ onHand: -1, onOrder: 0, backordered: 0, allocated: 0 })).toThrow('inventoryPosition: onHand');
  });
});

describe('demandOverHorizon', () => {
  it('sums whole periods and takes the last one in part', () => {
    expect(demandOverHorizon([10, 20, 30], 2.5)).toBe(10 + 20 + 15);
  });

  it('extends past the forecast at its average, not at its last value', () => {
    expect(demandOverHorizon([10, 20, 30], 5)).toBe(60 + 2 * 20);
  });

  it('is zero over a zero horizon', () => {
    expect(demandOverHorizon([10], 0)).toBe(0);
  });

  it('rejects an empty forecast by name', () => {
    expect(() => demandOverHorizon([], 3)).toThrow('demandOverHorizon: empty forecast');
  });
});

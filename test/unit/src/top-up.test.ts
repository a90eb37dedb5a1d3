import { planItem, type PlanItemInput } from '../../../models/policy/plan';
import { canTopUp, decidedNotOnOrder, reviewLeft, topUpReason } from '../../../src/services/planning/top-up';

// The Chopra & Meindl periodic-review example (test/unit/policy/plan.test.ts): weekly D = 2,500, σD = 500, L = 2,
// T = 4 weeks, CSL 0.90 → OUL 16,570; orders S − IP, here in whole units.
const input = (onOrder: number, weekly = 2500): PlanItemInput => ({
  sku: 'SKU-1',
  locationId: 'L1',
  startDate: '2026-11-27',
  periodDays: 7,
  forecastMean: Array(12).fill(weekly),
  forecastStdDev: 500,
  demandClass: 'smooth',
  leadTime: { meanDays: 14, stdDevDays: 0 },
  reviewPeriodDays: 28,
  service: { measure: 'cycle', level: 0.9 },
  stock: { onHand: 5000, onOrder, backordered: 0, allocated: 0 },
  supplierItems: [{ supplierId: 'P', unitCost: 3, moq: 0, orderMultiple: 1, leadTimeDays: 14, primary: true }],
});

describe('top-up quantity', () => {
  it('counts approved lines and exported lines the purchase orders do not show yet as on order', () => {
    expect(decidedNotOnOrder({ approved: 0, exported: 0, orderedSince: 0 })).toBe(0);
    // Approved, not exported: on no purchase order.
    expect(decidedNotOnOrder({ approved: 40, exported: 0, orderedSince: 0 })).toBe(40);
    // Exported 100, the ERP's orders since show 100: on order already, not counted twice.
    expect(decidedNotOnOrder({ approved: 0, exported: 100, orderedSince: 100 })).toBe(0);
    // Exported 100, the ERP shows 30 of it so far: 70 still to count; more ordered than exported counts nothing.
    expect(decidedNotOnOrder({ approved: 10, exported: 100, orderedSince: 30 })).toBe(80);
    expect(decidedNotOnOrder({ approved: 0, exported: 100, orderedSince: 250 })).toBe(0);
  });

  it('is the new need minus what the decided line orders', () => {
    // Decided on the run at D = 2,500: S 16,570 − IP 5,000 → 11,570 (rounded up from 11,569.57).
    const decided = planItem(input(0)).recommendation!.quantity;
    expect(decided).toBe(11570);
    // A sense run re-plans at 4,000 a week: S rises by 6 × 1,500 = 9,000 to 25,570, and the top-up is that rise only.
    const raised = planItem(input(0, 4000)).recommendation!.quantity;
    const topUp = planItem(input(decided, 4000)).recommendation!.quantity;
    expect(raised).toBe(20570);
    expect(topUp).toBe(raised - decided);
    expect(topUp).toBe(9000);
    // Rerun with the top-up decided too: nothing more to order.
    expect(planItem(input(decided + topUp, 4000)).recommendation).toBeNull();
  });

  it('plans a re-plan between reviews until the next regular order lands', () => {
    // Weekly review: 2 days after the run's plan date, 5 days are left; never below a day; continuous review stays.
    expect([0, 2, 6, 7, 30].map((days) => reviewLeft(7, days))).toEqual([7, 5, 1, 1, 1]);
    expect(reviewLeft(0, 3)).toBe(0);
    // Mid-period, the level of the remaining L + 5 days: a SKU that was at its level at the review (IP = S over
    // L + R) and has sold 2 days of it since needs nothing more until the next review ...
    const atReview = planItem(input(0)).policy.orderUpTo;
    const sold = (2 / 7) * 2500;
    const between = { ...input(atReview - 5000 - sold), reviewPeriodDays: reviewLeft(28, 2) };
    expect(planItem(between).recommendation).toBeNull();
    // ... where the level of a whole period would order those 2 days again.
    expect(planItem({ ...between, reviewPeriodDays: 28 }).recommendation!.quantity).toBeGreaterThan(sold);
  });

  it('tops up approved and exported lines only, and says why', () => {
    expect(['approved', 'exported', 'rejected', 'proposed'].map((status) => canTopUp({ lastDecidedStatus: status as 'approved' }))).toEqual([true, true, false, false]);
    expect(topUpReason({ lastDecidedId: 12, lastDecidedStatus: 'approved' }, { since: '2026-12-01', excess: 340, reason: 'demand sensing on 2026-12-01: spike' })).toBe(
      'top-up of recommendation 12 (approved): demand since 2026-12-01 runs above the 99 % quantile of the forecast (demand sensing on 2026-12-01: spike); ' +
        "this line orders only the need beyond what the run's decided lines already order",
    );
  });
});

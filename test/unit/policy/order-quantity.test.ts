import fc from 'fast-check';
import { daysOfCover, daysOfCoverWithReceipts, netRequirement, netRequirementAtReorderPoint, projectStockout, roundOrderQuantity } from '../../../models/policy/order-quantity';

describe('roundOrderQuantity: MOQ, then multiple, then cap', () => {
  // Hand-worked: need 37; MOQ 50 → 50; multiple 12 → 60; no cap.
  it('raises to the MOQ, then up to the next multiple, reporting each step', () => {
    expect(roundOrderQuantity(37, { moq: 50, orderMultiple: 12 })).toEqual({ netRequirement: 37, afterMoq: 50, afterMultiple: 60, orderQuantity: 60, capped: false });
  });

  it('leaves a requirement above the MOQ to the multiple alone', () => {
    expect(roundOrderQuantity(121, { moq: 50, orderMultiple: 12 }).orderQuantity).toBe(132);
  });

  it('keeps an exact multiple as it is, float noise included (0.1 + 0.2 with multiple 0.3)', () => {
    expect(roundOrderQuantity(0.1 + 0.2, { orderMultiple: 0.3 }).orderQuantity).toBeCloseTo(0.3, 12);
  });

  it('cuts to the largest multiple within the cap', () => {
    expect(roundOrderQuantity(500, { moq: 50, orderMultiple: 12, maxOrderQuantity: 250 })).toEqual({
      netRequirement: 500,
      afterMoq: 500,
      afterMultiple: 504,
      orderQuantity: 240,
      capped: true,
    });
  });

  it('orders nothing when nothing is needed, whatever the MOQ, float noise included', () => {
    expect(roundOrderQuantity(0, { moq: 100, orderMultiple: 10 }).orderQuantity).toBe(0);
    expect(roundOrderQuantity(1e-12, { moq: 100, orderMultiple: 10 }).orderQuantity).toBe(0);
  });

  it('orders one multiple for a tiny but real requirement', () => {
    expect(roundOrderQuantity(0.001, { orderMultiple: 6 }).orderQuantity).toBe(6);
  });

  it('throws when the cap leaves no multiple at or above the MOQ', () => {
    expect(() => roundOrderQuantity(10, { moq: 100, orderMultiple: 12, maxOrderQuantity: 99 })).toThrow('roundOrderQuantity: maxOrderQuantity 99 leaves no multiple');
  });

  it('respects MOQ, multiple and cap, never below the need unless capped, never negative (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 144 }),
        fc.option(fc.integer({ min: 1, max: 1e5 }), { nil: undefined }),
        (requirement, moq, multiple, cap) => {
          const maxOrderQuantity = cap === undefined ? undefined : Math.max(cap, moq + multiple);
          const steps = roundOrderQuantity(requirement, { moq, orderMultiple: multiple, maxOrderQuantity });
          const q = steps.orderQuantity;
          if (requirement <= 1e-9) return q === 0;
          const onMultiple = multiple === 0 || Math.abs(q / multiple - Math.round(q / multiple)) < 1e-9;
          const withinCap = maxOrderQuantity === undefined || q <= maxOrderQuantity;
          const coversNeed = steps.capped || q >= requirement - 1e-9;
          return q > 0 && q >= moq && onMultiple && withinCap && coversNeed && (multiple === 0 || q - Math.max(requirement, moq) < multiple + 1e-9);
        },
      ),
    );
  });
});

describe('net requirement', () => {
  it('periodic review: max(0, S − IP)', () => {
    expect(netRequirement(500, 320)).toBe(180);
    expect(netRequirement(500, 620)).toBe(0);
  });

  it('continuous review: orders up to S only at or below s', () => {
    expect(netRequirementAtReorderPoint(100, 300, 101)).toBe(0);
    expect(netRequirementAtReorderPoint(100, 300, 100)).toBe(200);
    expect(netRequirementAtReorderPoint(100, 300, -20)).toBe(320);
  });

  it('never negative and non-increasing in the inventory position (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), (s, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const atLow = netRequirementAtReorderPoint(s, s + 50, low);
        const atHigh = netRequirementAtReorderPoint(s, s + 50, high);
        return atLow >= 0 && atHigh >= 0 && atLow >= atHigh && netRequirement(s, low) >= netRequirement(s, high);
      }),
    );
  });
});

describe('projected stock-out and days of cover', () => {
  it('finds the first day cumulative daily demand exceeds the available stock', () => {
    // 7 units, 2 a day: cumulative 2, 4, 6, 8 → exceeded on day 3 (the fourth day); cover 3.5 days.
    expect(projectStockout(7, [2, 2, 2, 2, 2], '2026-11-27')).toEqual({ stockoutDate: '2026-11-30', daysOfCover: 3.5, horizonDays: 5 });
  });

  it('does not call a stock-out on the day cumulative demand only equals the stock', () => {
    expect(projectStockout(6, [2, 2, 2, 2], '2026-11-27').stockoutDate).toBe('2026-11-30');
  });

  it('spreads weekly demand evenly over the week and crosses month and year ends', () => {
    // 100 units, 70 a week: exceeded in week 2 at 30/70 of it → 10 days of cover.
    expect(projectStockout(100, [70, 70], '2026-12-25', 7)).toEqual({ stockoutDate: '2027-01-04', daysOfCover: 10, horizonDays: 14 });
  });

  it('reports no stock-out within the horizon as null', () => {
    expect(projectStockout(100, [1, 1, 1], '2026-11-27')).toEqual({ stockoutDate: null, daysOfCover: null, horizonDays: 3 });
  });

  it('has zero cover and a stock-out today when backorders exceed the stock', () => {
    expect(projectStockout(-5, [1], '2026-11-27')).toEqual({ stockoutDate: '2026-11-27', daysOfCover: 0, horizonDays: 1 });
  });

  it('runs zero stock out on the first day with demand, and never without demand', () => {
    expect(daysOfCover(0, [0, 0, 3], 1)).toBe(2);
    expect(daysOfCover(0, [0, 0, 0], 1)).toBeNull();
  });

  it('has no stock-out under zero demand', () => {
    expect(daysOfCover(10, [0, 0, 0], 1)).toBeNull();
  });
});

describe('daysOfCoverWithReceipts: open order lines on their days', () => {
  it('10 on hand at 2 a day runs out on day 5; 4 arriving on day 3 carry it to day 7, on day 6 (too late) not', () => {
    expect(daysOfCoverWithReceipts(10, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 1, [{ day: 3, quantity: 4 }])).toBe(7);
    expect(daysOfCoverWithReceipts(10, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 1, [{ day: 6, quantity: 4 }])).toBe(5);
  });

  it('a receipt exactly at the stock-out counts (goods arrive at the start of their day); overdue ones count at once', () => {
    expect(daysOfCoverWithReceipts(10, new Array(10).fill(2), 1, [{ day: 5, quantity: 2 }])).toBe(6);
    expect(daysOfCoverWithReceipts(-4, new Array(10).fill(2), 1, [{ day: -3, quantity: 10 }])).toBe(3);
  });

  it('chains receipts, in any order given: 2 on hand, 4 on day 1 and 4 on day 3, at 2 a day → out on day 5', () => {
    expect(daysOfCoverWithReceipts(2, new Array(10).fill(2), 1, [{ day: 3, quantity: 4 }, { day: 1, quantity: 4 }])).toBe(5);
  });

  it('projectStockout dates receipts from the start date (weekly periods: 70 a week, 100 on hand, 70 on 2027-01-01 → 17 days)', () => {
    expect(projectStockout(100, [70, 70, 70], '2026-12-25', 7, [{ date: '2027-01-01', quantity: 70 }])).toEqual({ stockoutDate: '2027-01-11', daysOfCover: 17, horizonDays: 21 });
  });
});

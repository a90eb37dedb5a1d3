import fc from 'fast-check';
import { projectStockout } from '../../../models/policy/order-quantity';
import { projectedStock } from '../../../models/policy/projected-stock';

describe('projectedStock', () => {
  it('runs the stock down by the forecast, evenly within each week, and steps up on the day of a receipt', () => {
    // 30 in stock, 14 a week; 20 arrive on day 10: day 7 → 16, day 10 → 16 − 6 = 10 before and 30 after, day 14 → 22.
    const points = projectedStock(30, [14, 14, 14], '2026-12-01', 7, [{ date: '2026-12-11', quantity: 20 }], 21);
    expect(points).toEqual([
      { day: 0, stock: 30 },
      { day: 7, stock: 16 },
      { day: 10, stock: 10 },
      { day: 10, stock: 30 },
      { day: 14, stock: 22 },
      { day: 21, stock: 8 },
    ]);
  });

  it('counts an overdue receipt on day 0 and stops at the end of the forecast', () => {
    const points = projectedStock(-5, [7], '2026-12-01', 7, [{ date: '2026-11-20', quantity: 12 }], 30);
    expect(points).toEqual([
      { day: 0, stock: 7 },
      { day: 7, stock: 0 },
    ]);
  });

  it('crosses zero on the day projectStockout gives as the days of cover (any stock, demand and receipts)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.record({ day: fc.integer({ min: 0, max: 80 }), quantity: fc.integer({ min: 1, max: 100 }) }), { maxLength: 3 }),
        (available, demand, arrivals) => {
          const start = '2026-01-01';
          const receipts = arrivals.map((arrival) => ({ date: new Date(Date.UTC(2026, 0, 1 + arrival.day)).toISOString().slice(0, 10), quantity: arrival.quantity }));
          const { daysOfCover } = projectStockout(available, demand, start, 7, receipts);
          const points = projectedStock(available, demand, start, 7, receipts, demand.length * 7);
          // Between points the line is straight: find where it first goes below zero.
          let crossing: number | null = null;
          for (let index = 1; index < points.length && crossing === null; index++) {
            const [from, to] = [points[index - 1], points[index]];
            if (to.stock < 0 && from.stock >= 0 && to.day > from.day) crossing = from.day + (from.stock / (from.stock - to.stock)) * (to.day - from.day);
          }
          if (daysOfCover === null) expect(crossing).toBeNull();
          else expect(crossing).toBeCloseTo(daysOfCover, 6);
        },
      ),
    );
  });
});

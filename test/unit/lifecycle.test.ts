/**
 * New and dying items (models/forecast/lifecycle.ts), worked by hand:
 * - category profile of [NaN, 10, 20] and [4, 6, 8]: per week the mean of the items selling: 4, (10 + 6)/2 = 8, (20 + 8)/2 = 14;
 * - a new item that sold 5 and 5 in its two weeks, against a reference of 8 weeks at 10 then 20, 20 in those two weeks:
 *   scale = (5 + 5) / (20 + 20) = 0.25, so the basis is 2.5 × 8, then 5, 5;
 * - dying: sales every week (intervals 1) need more than max(4, 2 × 1, 3 × 1) = 4 weeks without one; sales every 3
 *   weeks need more than max(4, 2 × 3, 3 × 3) = 9.
 */
import { categoryProfile, dyingSignal, NEW_ITEM_PERIODS, newItemBasis } from '../../models/forecast/lifecycle';

const NaN_ = Number.NaN;

describe('new items', () => {
  it("averages a category's selling items per week, leaving out the weeks before an item's first sale", () => {
    expect(categoryProfile([[NaN_, 10, 20], [4, 6, 8]])).toEqual([4, 8, 14]);
    expect(categoryProfile([[NaN_, 1]])).toEqual([NaN_, 1]);
  });

  it('scales the reference to the weeks the new item has sold (hand-worked: 0.25)', () => {
    const reference = [NaN_, NaN_, 10, 10, 10, 10, 10, 10, 10, 10, 20, 20];
    expect(newItemBasis(reference, [5, 5])).toEqual({ scale: 0.25, series: [2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 5, 5] });
    // A like item before the first sale: as it is.
    expect(newItemBasis(reference, [])).toEqual({ scale: 1, series: reference.slice(2) });
  });

  it('has no basis when the reference is too short or sold nothing in the new item\'s weeks', () => {
    expect(NEW_ITEM_PERIODS).toBe(8);
    expect(newItemBasis([NaN_, 10, 10, 10, 10, 10, 10, 10], [3])).toBeNull();
    expect(newItemBasis([10, 10, 10, 10, 10, 10, 10, 10, 0, 0], [3, 4])).toBeNull();
    expect(newItemBasis([NaN_, NaN_], [3])).toBeNull();
  });
});

describe('dying items', () => {
  it('calls a weekly seller dying after more than 4 weeks without a sale, not at 4', () => {
    expect(dyingSignal([5, 5, 5, 5, 5, 0, 0, 0, 0])).toBeNull();
    expect(dyingSignal([5, 5, 5, 5, 5, 0, 0, 0, 0, 0])).toEqual({ periodsSinceLastSale: 5, usualInterval: 1, longestInterval: 1 });
  });

  it('waits longer for an item that sells every 3 weeks: more than 9', () => {
    const every3 = (zerosAfter: number) => [2, 0, 0, 2, 0, 0, 2, 0, 0, 2, ...new Array<number>(zerosAfter).fill(0)];
    expect(dyingSignal(every3(9))).toBeNull();
    expect(dyingSignal(every3(10))).toEqual({ periodsSinceLastSale: 10, usualInterval: 3, longestInterval: 3 });
  });

  it('does not judge an item with fewer than 3 sales', () => {
    expect(dyingSignal([4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });
});

import { uncensorDemand } from '../../models/forecast/censored';

describe('uncensorDemand', () => {
  it('leaves weeks without stock-outs as they are', () => {
    expect(uncensorDemand([10, 0, 3], [0, 0, 0], 7)).toEqual([10, 0, 3]);
  });

  it('scales a week with 2 days out of stock to the 5 days in stock: 10 × 7 / 5 = 14', () => {
    expect(uncensorDemand([10], [2], 7)).toEqual([14]);
  });

  it('turns a week out of stock on all 7 days into a gap', () => {
    expect(uncensorDemand([0], [7], 7)[0]).toBeNaN();
  });

  it('rejects arrays of different length', () => {
    expect(() => uncensorDemand([1, 2], [0], 7)).toThrow('uncensorDemand: sales and outOfStockDays differ in length');
  });
});

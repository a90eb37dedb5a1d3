import { estimateCensoredDemand } from '../../models/forecast/censored';
import { seededRandom } from '../../models/stats/random';

const estimate = (sales: number[], outOfStockDays: number[], soldOutDays?: number[], window = 4) =>
  estimateCensoredDemand({ sales, outOfStockDays, soldOutDays, daysPerPeriod: 7, window });

describe('estimateCensoredDemand', () => {
  it('leaves periods without stock-outs as they are', () => {
    expect(estimate([10, 0, 3], [0, 0, 0])).toEqual([10, 0, 3]);
  });

  it('adds the missed days at the pooled in-stock rate: 14, 14, 7.5 with 2 days out → 35.5 units over 19 days in stock; + 2 × 35.5/19', () => {
    const [, , third] = estimateCensoredDemand({ sales: [14, 14, 7.5], outOfStockDays: [0, 0, 2], daysPerPeriod: 7 });
    expect(third).toBeCloseTo(7.5 + (2 * 35.5) / 19, 12);
  });

  it('counts a day that sold its last units as half a day missed', () => {
    const [, third] = estimateCensoredDemand({ sales: [7.5, 7.5], outOfStockDays: [0, 1], soldOutDays: [0, 1], daysPerPeriod: 7 });
    expect(third).toBeCloseTo(7.5 + (0.5 * 15) / 13.5, 12);
  });

  it('turns a period out of stock on every day without a sale into a gap', () => {
    expect(estimate([5, 0], [0, 7])[1]).toBeNaN();
  });

  it('keeps whole-unit sales whole, carrying the rounding: three stock-outs losing 0.4 units each add 1 (or 2) units in all', () => {
    // 1 unit a day in stock; each stock-out misses 0.4 days: 0.4 units, 1.2 in all.
    const sales = [7, 7, 7, 7, 7, 7, 7];
    const out = [0, 0.4, 0, 0.4, 0, 0.4, 0];
    const result = estimateCensoredDemand({ sales, outOfStockDays: out, daysPerPeriod: 7, window: 6 });
    expect(result.every(Number.isInteger)).toBe(true);
    expect(result.reduce((a, b) => a + b, 0) - 49).toBeGreaterThanOrEqual(1);
    expect(result.reduce((a, b) => a + b, 0) - 49).toBeLessThanOrEqual(2);
  });

  it('rejects arrays of different length', () => {
    expect(() => estimate([1, 2], [0])).toThrow('estimateCensoredDemand: sales and out-of-stock days differ in length');
  });

  /*
   * A replay where the true demand is known: Poisson demand of 2 a day; each Monday stock is topped up to 12 (7 × 2 =
   * 14 expected a week, so most weeks run out, some early, some on Sunday). The recorded sales and flags are what an
   * ERP would report: a day out of stock when it ended with none, a sold-out day when it still sold. The old
   * correction (sales × 7 / (7 − days out)) counts a sold-out day as fully missed and scales by the week's own rate.
   */
  it('recovers the true demand of a replay within 3 %, where the in-stock-rate scale-up misses by far more', () => {
    const random = seededRandom(11);
    const poisson = (rate: number) => {
      let k = 0;
      for (let p = Math.exp(-rate), s = p, u = random(); u > s; k++) {
        p *= rate / (k + 1);
        s += p;
      }
      return k;
    };
    const weeks = 260;
    const truth: number[] = [];
    const sales: number[] = [];
    const out: number[] = [];
    const soldOut: number[] = [];
    for (let week = 0; week < weeks; week++) {
      let stock = 12;
      let demand = 0;
      let sold = 0;
      let outDays = 0;
      let soldOutDays = 0;
      for (let day = 0; day < 7; day++) {
        const today = poisson(2);
        const served = Math.min(stock, today);
        stock -= served;
        demand += today;
        sold += served;
        if (stock === 0) {
          outDays += 1;
          if (served > 0) soldOutDays += 1;
        }
      }
      truth.push(demand);
      sales.push(sold);
      out.push(outDays);
      soldOut.push(soldOutDays);
    }
    const mean = (values: number[]) => values.filter(Number.isFinite).reduce((a, b) => a + b, 0) / values.filter(Number.isFinite).length;
    const trueMean = mean(truth);
    const estimated = mean(estimate(sales, out, soldOut));
    const scaledUp = mean(sales.map((quantity, week) => (out[week] === 7 ? Number.NaN : (quantity * 7) / (7 - out[week]))));
    expect(Math.abs(estimated / trueMean - 1)).toBeLessThan(0.03);
    expect(Math.abs(scaledUp / trueMean - 1)).toBeGreaterThan(2 * Math.abs(estimated / trueMean - 1));
  });
});

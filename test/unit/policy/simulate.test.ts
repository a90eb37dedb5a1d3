import { conformalQuantile } from '../../../models/forecast/protection-errors';
import { integerLevelBand, replayOrderUpTo } from '../../../models/policy/simulate';

describe('replayOrderUpTo: the (R, S) replay, checked by hand', () => {
  /*
   * demand 5 5 | 4 6 8 3 7 2 (periods 0–1 are history), W = 2, L = 1, R = 1, S = 12 at every review.
   * t  receipt  net before  review: IP → order (arrives)  demand  met  net after  on hand  backordered  cycle of review t−1
   * 2     –        12 (initial S)      12 → 0                 4      4      8         8         0        (review 1 < W: none)
   * 3     –         8                   8 → 4 (t 4)           6      6      2         2         0        review 2: served
   * 4     4         6                   6 → 6 (t 5)           8      6     −2         0         2        review 3: backorder
   * 5     6         4 (fills the 2)     4 → 8 (t 6)           3      3      1         1         0        review 4: served
   * 6     8         9                   9 → 3 (t 7)           7      7      2         2         0        review 5: served
   * 7     3         5                   5 → 7 (t 8, never)    2      2      3         3         0        review 6: served
   * cycles 5, served 4 → CSL 0.8; orders 5; fill rate (4+6+6+3+7+2)/30 = 28/30;
   * on hand (8+2+0+1+2+3)/6 = 16/6; backordered 2/6.
   */
  const demand = [5, 5, 4, 6, 8, 3, 7, 2];
  const result = replayOrderUpTo(demand, () => 12, { leadTime: 1, reviewPeriod: 1, warmup: 2 });

  it('counts 5 cycles of which 4 have no period short: CSL 0.8', () => {
    expect(result.cycles).toBe(5);
    expect(result.cyclesServed).toBe(4);
    expect(result.achievedCycleServiceLevel).toBeCloseTo(0.8, 12);
  });

  it('places 5 orders of S − inventory position: 4, 6, 8, 3, 7', () => {
    expect(result.orders).toBe(5);
    expect(result.trace.map((row) => row.ordered)).toEqual([0, 4, 6, 8, 3, 7]);
    expect(result.trace.map((row) => row.arrivalPeriod)).toEqual([null, 4, 5, 6, 7, 8]);
  });

  it('meets 28 of 30 units from stock and fills the backorder first from the next receipt', () => {
    expect(result.fillRate).toBeCloseTo(28 / 30, 12);
    expect(result.trace.map((row) => row.metFromStock)).toEqual([4, 6, 6, 3, 7, 2]);
    expect(result.trace.map((row) => row.onHand)).toEqual([8, 2, 0, 1, 2, 3]);
    expect(result.trace.map((row) => row.backordered)).toEqual([0, 0, 2, 0, 0, 0]);
  });

  it('averages on-hand stock and backorders over the replayed periods: 16/6 and 2/6', () => {
    expect(result.averageOnHand).toBeCloseTo(16 / 6, 12);
    expect(result.averageBackordered).toBeCloseTo(2 / 6, 12);
  });

  it('asks for S only at reviews W, W + R, …: with R = 3, L = 2 over 10 periods, reviews 2, 5, 8 and 2 complete cycles (ending 6 and 9)', () => {
    const asked: number[] = [];
    const replay = replayOrderUpTo(new Array(10).fill(1), (t) => (asked.push(t), 5), { leadTime: 2, reviewPeriod: 3, warmup: 2 });
    expect(asked).toEqual([2, 5, 8]);
    expect(replay.cycles).toBe(2);
  });

  it('receives an order placed with L = 0 before the same period’s demand', () => {
    const replay = replayOrderUpTo([3, 3, 3, 3], () => 3, { leadTime: 0, reviewPeriod: 1, warmup: 1 });
    expect(replay.achievedCycleServiceLevel).toBe(1);
    expect(replay.fillRate).toBe(1);
    expect(replay.averageOnHand).toBe(0);
  });

  it('draws random lead times repeatably from the seed, never below 1 period', () => {
    const demand = Array.from({ length: 60 }, (_, t) => 5 + (t % 3));
    const options = { leadTime: 2, reviewPeriod: 1, warmup: 5, leadTimeStdDev: 1.5 };
    const arrivals = (seed: number) =>
      replayOrderUpTo(demand, () => 20, { ...options, seed }).trace.filter((row) => row.arrivalPeriod !== null).map((row) => row.arrivalPeriod! - row.period);
    expect(arrivals(7)).toEqual(arrivals(7));
    expect(arrivals(7)).not.toEqual(arrivals(8));
    expect(Math.min(...arrivals(7))).toBeGreaterThanOrEqual(1);
    expect(new Set(arrivals(7)).size).toBeGreaterThan(2);
  });

  it('rejects a warm-up that leaves nothing to replay, and a negative S, by name', () => {
    expect(() => replayOrderUpTo([1, 2, 3], () => 1, { leadTime: 1, reviewPeriod: 1, warmup: 3 })).toThrow('replayOrderUpTo: warmup must be a whole number in [1, 2]');
    expect(() => replayOrderUpTo([1, 2, 3], () => -1, { leadTime: 1, reviewPeriod: 1, warmup: 1 })).toThrow('replayOrderUpTo: order-up-to level must be finite and ≥ 0');
    expect(() => replayOrderUpTo([1, -2, 3], () => 1, { leadTime: 1, reviewPeriod: 1, warmup: 1 })).toThrow('replayOrderUpTo: demand must be finite and ≥ 0, got -2 in period 1');
  });
});

describe('conformalQuantile: the ⌈(n + 1)p⌉-th smallest error', () => {
  const errors = Array.from({ length: 19 }, (_, i) => i + 1);
  it('takes rank ⌈20 × 0.9⌉ = 18 at 90 % and rank 19 at 95 % of 19 errors', () => {
    expect(conformalQuantile(errors, 0.9)).toBe(18);
    expect(conformalQuantile(errors, 0.95)).toBe(19);
  });
  it('falls back to the largest error when the rank passes n (⌈20 × 0.98⌉ = 20)', () => {
    expect(conformalQuantile(errors, 0.98)).toBe(19);
  });
});

describe('integerLevelBand: the oracle yardstick for whole-unit levels', () => {
  /*
   * W = 2, L = 1, R = 1 over 12 periods: the cycle of review t (t = 2 … 10) is period t + 1, and D_t is the demand
   * of t and t + 1 when t + 1 has demand, else 0.
   * demand 0 0 | 0 0 0 0 0 1 0 0 0 2 → D_t for t = 2 … 10: 0 0 0 0 1 0 0 0 2 (9 cycles: seven 0s, one 1, one 2).
   * The cycle of review 7 (period 8) has no demand: served whatever S, although at S = 0 period 7's unit is still
   * owed in it (a cycle is short when a customer's demand went unmet in it, as the replay counts).
   * CSL(0) = 7/9 = 77.8 %, CSL(1) = 8/9 = 88.9 %, CSL(2) = 1. At 80 %: below S = 0 (7/9), at least S = 1 (8/9);
   * at 90 %: below S = 1 (88.9 %), at least S = 2 (100 %), nothing in between; at 70 % even S = 0 reaches it.
   */
  const demand = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2];
  const options = { leadTime: 1, reviewPeriod: 1, warmup: 2 };
  it('brackets the target between the two whole levels around it (80 %: 0 → 7/9, 1 → 8/9; 90 %: 1 → 8/9, 2 → 1)', () => {
    expect(integerLevelBand(demand, 0.8, options)).toEqual({ below: { orderUpTo: 0, cycleServiceLevel: 7 / 9 }, atLeast: { orderUpTo: 1, cycleServiceLevel: 8 / 9 } });
    expect(integerLevelBand(demand, 0.9, options)).toEqual({ below: { orderUpTo: 1, cycleServiceLevel: 8 / 9 }, atLeast: { orderUpTo: 2, cycleServiceLevel: 1 } });
    expect(integerLevelBand(demand, 0.7, options)).toEqual({ below: null, atLeast: { orderUpTo: 0, cycleServiceLevel: 7 / 9 } });
  });
  it('agrees with the replay of the constant level (S = 1 serves 8 of 9 cycles, S = 0 seven)', () => {
    expect(replayOrderUpTo(demand, () => 1, options).achievedCycleServiceLevel).toBe(8 / 9);
    expect(replayOrderUpTo(demand, () => 0, options).achievedCycleServiceLevel).toBe(7 / 9);
  });
  it('agrees with the replay on every constant level of a longer history with L = 2, R = 3', () => {
    const long = Array.from({ length: 60 }, (_, t) => [0, 3, 0, 1, 5, 0, 2][(t * 5) % 7] * (t % 11 === 0 ? 0 : 1));
    const longOptions = { leadTime: 2, reviewPeriod: 3, warmup: 5 };
    for (const target of [0.5, 0.7, 0.8, 0.9, 0.95]) {
      const { below, atLeast } = integerLevelBand(long, target, longOptions);
      for (const level of below ? [below, atLeast] : [atLeast]) {
        expect(replayOrderUpTo(long, () => level.orderUpTo, longOptions).achievedCycleServiceLevel).toBeCloseTo(level.cycleServiceLevel, 12);
      }
    }
  });
  it('starts below every demand at S = 0 (CSL 0) when every cycle has demand, and needs a fixed lead time', () => {
    expect(integerLevelBand([3, 3, 3, 4, 5], 0.5, options).below).toEqual({ orderUpTo: 0, cycleServiceLevel: 0 });
    expect(() => integerLevelBand(demand, 0.9, { ...options, leadTimeStdDev: 1 })).toThrow('integerLevelBand: needs a fixed lead time');
  });
});

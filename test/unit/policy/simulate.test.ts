import {
  conformalQuantile,
  forecastProtectionDemand,
  integerLevelBand,
  orderUpToForServiceLevel,
  replayOrderUpTo,
  replayPlan,
  simulateOrderUpTo,
  textbookProtectionDemand,
  type ProtectionDemand,
} from '../../../models/policy/simulate';
import type { ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import { leadTimeDemandSamples } from '../../../models/forecast/lead-time-demand';
import { normalQuantile } from '../../../models/stats/normal';

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

  it('counts 5 cycles of which 4 end without a backorder: CSL 0.8', () => {
    expect(result.cycles).toBe(5);
    expect(result.cyclesWithoutBackorder).toBe(4);
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

describe('orderUpToForServiceLevel', () => {
  it('normal view: S = mean + z·σ (z(0.95) = 1.6449, σ = 10 → 116.449)', () => {
    expect(orderUpToForServiceLevel({ kind: 'normal', mean: 100, stdDev: 10 }, 0.95)).toBeCloseTo(100 + 10 * normalQuantile(0.95), 10);
  });

  // Rows [root mean square, quantiles at 50, 80, 85, 90, 95, 97.5, 98, 99, 99.5 %] over 1 and 2 periods (absolute).
  const summary: ProtectionErrorSummary = {
    scale: 'absolute',
    horizons: [1, 2],
    rows: [
      [6, 0, 5, 6, 9, 12, 13, 14, 15, 16],
      [10, 1, 12, 14, 18, 20, 22, 23, 25, 27],
    ],
  };
  it('error view: S = mean + the error quantile over H (100 + 18 at 90 %, H = 2); a lead-time term adds in quadrature', () => {
    const view: ProtectionDemand = { kind: 'errors', mean: 100, horizon: 2, summary, leadTimeDemandStdDev: 0 };
    expect(orderUpToForServiceLevel(view, 0.9)).toBe(118);
    expect(orderUpToForServiceLevel({ ...view, leadTimeDemandStdDev: 10 }, 0.9)).toBeCloseTo(100 + Math.hypot(18, 10 * normalQuantile(0.9)), 10);
  });

  it('error view: a forecast biased high (negative quantile) gets no buffer, S = the mean (as planItem, which floors SS at 0)', () => {
    const high: ProtectionErrorSummary = { scale: 'absolute', horizons: [1], rows: [[5, -9, -5, -4, -1, 0, 1, 2, 3, 4]] };
    expect(orderUpToForServiceLevel({ kind: 'errors', mean: 50, horizon: 1, summary: high, leadTimeDemandStdDev: 0 }, 0.9)).toBe(50);
  });

  /* 100 samples: 85 zeros, 12 ones, 3 twos. F(0) = 0.85, F(1) = 0.97: at p = 0.9 the quantile is 1 (covers 0.97 ≥ 0.9). */
  const samples: ProtectionDemand = { kind: 'samples', sorted: [...new Array(85).fill(0), ...new Array(12).fill(1), 2, 2, 2] };
  it('samples: the smallest whole level covering ≥ p, never a draw between levels (1 at 90 %, 1 at 97 %, 2 at 97.5 %)', () => {
    expect(orderUpToForServiceLevel(samples, 0.9)).toBe(1);
    expect(orderUpToForServiceLevel(samples, 0.97)).toBe(1);
    expect(orderUpToForServiceLevel(samples, 0.975)).toBe(2);
  });
  it('samples: S never falls below the sample mean (0.18 at 50 %, where the quantile is 0)', () => {
    expect(orderUpToForServiceLevel(samples, 0.5)).toBeCloseTo(0.18, 12);
  });
});

describe('integerLevelBand: the oracle yardstick for whole-unit levels', () => {
  /*
   * W = 2, L = 1, R = 1 over 12 periods: cycles of reviews t = 2 … 10, each over periods t and t + 1.
   * demand 0 0 | 0 0 0 0 0 1 0 0 0 2 → D_t for t = 2 … 10: 0 0 0 0 1 1 0 0 2 (9 cycles: six 0s, two 1s, one 2).
   * CSL(0) = 6/9 = 66.7 %, CSL(1) = 8/9 = 88.9 %, CSL(2) = 1. At 70 %: below S = 0 (6/9), at least S = 1 (8/9);
   * at 90 %: below S = 1 (88.9 %), at least S = 2 (100 %), nothing in between; at 50 % even S = 0 reaches it.
   */
  const demand = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2];
  const options = { leadTime: 1, reviewPeriod: 1, warmup: 2 };
  it('brackets the target between the two whole levels around it (70 %: 0 → 6/9, 1 → 8/9; 90 %: 1 → 8/9, 2 → 1)', () => {
    expect(integerLevelBand(demand, 0.7, options)).toEqual({ below: { orderUpTo: 0, cycleServiceLevel: 6 / 9 }, atLeast: { orderUpTo: 1, cycleServiceLevel: 8 / 9 } });
    expect(integerLevelBand(demand, 0.9, options)).toEqual({ below: { orderUpTo: 1, cycleServiceLevel: 8 / 9 }, atLeast: { orderUpTo: 2, cycleServiceLevel: 1 } });
    expect(integerLevelBand(demand, 0.5, options).below).toBeNull();
  });
  it('agrees with the replay of the constant level (S = 1 serves 8 of 9 cycles, S = 0 six)', () => {
    expect(replayOrderUpTo(demand, () => 1, options).achievedCycleServiceLevel).toBe(8 / 9);
    expect(replayOrderUpTo(demand, () => 0, options).achievedCycleServiceLevel).toBe(6 / 9);
  });
  it('starts below every demand at S = 0 (CSL 0) when every cycle has demand, and needs a fixed lead time', () => {
    expect(integerLevelBand([3, 3, 3, 4, 5], 0.5, options).below).toEqual({ orderUpTo: 0, cycleServiceLevel: 0 });
    expect(() => integerLevelBand(demand, 0.9, { ...options, leadTimeStdDev: 1 })).toThrow('integerLevelBand: needs a fixed lead time');
  });
});

describe('textbookProtectionDemand: mean and sd of all past demand', () => {
  it('gives mean d̄·(L + R) and σ_d·√(L + R): history 2 4 6 8 → 10 and √(20/3)·√2', () => {
    const plan = textbookProtectionDemand([2, 4, 6, 8, 5], { leadTime: 1, reviewPeriod: 1, warmup: 4 });
    expect(plan.reviews).toEqual([4]);
    expect(plan.demand[0]).toEqual({ kind: 'normal', mean: 10, stdDev: expect.closeTo(Math.sqrt(20 / 3) * Math.SQRT2, 10) });
  });
});

describe('forecastProtectionDemand: the view at each review uses only the demand before it', () => {
  const smooth = Array.from({ length: 48 }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7) % 5));
  const intermittent = Array.from({ length: 48 }, (_, t) => (t % 3 === 0 ? 1 + (t % 4) : 0));
  const options = { leadTime: 1, reviewPeriod: 1, warmup: 30, seasonLength: 12 };

  it.each([
    ['smooth (ETS errors)', smooth, 'errors'],
    ['intermittent (TSB samples)', intermittent, 'samples'],
  ])('%s: changing demand after period 35 leaves the views up to review 35 unchanged', (_, demand, kind) => {
    const changed = demand.map((value, t) => (t >= 35 ? value * 3 + 5 : value));
    const before = forecastProtectionDemand(demand as number[], options);
    const after = forecastProtectionDemand(changed as number[], options);
    expect(before.demand[0].kind).toBe(kind);
    expect(after.demand.slice(0, 6)).toEqual(before.demand.slice(0, 6));
    expect(after.demand[6]).not.toEqual(before.demand[6]);
  });

  it('classifies on the warm-up: smooth → ETS; intermittent and a single demand → TSB samples', () => {
    expect(forecastProtectionDemand(smooth, options)).toMatchObject({ demandClass: 'smooth', method: expect.stringMatching(/^ETS\(/) });
    expect(forecastProtectionDemand(intermittent, options)).toMatchObject({ demandClass: 'intermittent', method: 'tsb samples' });
    const single = intermittent.map((value, t) => (t === 10 ? 4 : t < 30 ? 0 : value));
    expect(forecastProtectionDemand(single, options)).toMatchObject({ demandClass: 'short', method: 'tsb samples' });
  });

  it('samples as the planner does (plan-stage): leadTimeDemandSamples with its default method on the history since the first demand', () => {
    const late = intermittent.map((value, t) => (t < 5 ? 0 : value)); // first demand in period 6
    const plan = forecastProtectionDemand(late, options);
    expect(plan.demand[3]).toEqual({ kind: 'samples', sorted: leadTimeDemandSamples(late.slice(6, 33), { horizon: 2, samples: 2000 }) });
    expect(plan.demand[3]).not.toEqual({ kind: 'samples', sorted: leadTimeDemandSamples(late.slice(0, 33), { horizon: 2, samples: 2000 }) });
  });

  it('replays the plan at the level orderUpToForServiceLevel reads from the view at each review', () => {
    const plan = forecastProtectionDemand(intermittent, options);
    const replay = replayPlan(intermittent, plan, 0.95, options);
    expect(replay.trace.filter((row) => row.orderUpTo !== null).map((row) => row.orderUpTo)).toEqual(plan.demand.map((view) => orderUpToForServiceLevel(view, 0.95)));
  });

  it('buffers a whole-unit slow mover from samples whatever its class (smooth, 1–3 units a period: under 10 over L + R)', () => {
    const slow = Array.from({ length: 48 }, (_, t) => 1 + (t % 3));
    expect(forecastProtectionDemand(slow, options)).toMatchObject({ demandClass: 'smooth', method: 'tsb samples' });
    expect(forecastProtectionDemand(slow.map((x) => x * 5), options).method).toMatch(/^ETS\(/);
  });

  it('summarises only horizons with more past errors than parameters (ETS(A,N,A): 6); H = 9 then reads the longest, scaled by √H', () => {
    // At review 12: 12 − H + 1 errors over H periods, > 6 up to H = 6 (7 errors); H = 8 has 5.
    const seasonal = Array.from({ length: 30 }, (_, t) => [10, 30, 20, 50][t % 4] + (t % 3));
    const plan = forecastProtectionDemand(seasonal, { leadTime: 8, reviewPeriod: 1, warmup: 12, seasonLength: 4 });
    expect(plan.method).toMatch(/^ETS\(A,N,A\)/);
    const first = plan.demand[0];
    expect(first.kind === 'errors' && first.summary.horizons).toEqual([1, 2, 3, 4, 6]);
    const later = plan.demand[8];
    expect(later.kind === 'errors' && later.summary.horizons).toEqual([1, 2, 3, 4, 6, 8, 9]);
  });

  it('summarises the history before each review with the planner\'s function, over H = L + R', () => {
    const plan = forecastProtectionDemand(smooth, options);
    const [first, second] = plan.demand;
    expect(first.kind === 'errors' && first.horizon).toBe(2);
    expect(first.kind === 'errors' && first.summary.horizons).toEqual([1, 2]);
    // One review later one more error is known at each horizon: the summary changes.
    expect(second.kind === 'errors' && second.summary).not.toEqual(first.kind === 'errors' && first.summary);
  });
});

describe('simulateOrderUpTo', () => {
  it('constant demand 10 with L = 1: 100 % service, fill rate 1, and stock only in the first replayed period (S = 20)', () => {
    const result = simulateOrderUpTo(new Array(40).fill(10), { leadTime: 1, reviewPeriod: 1, warmup: 20, seasonLength: 1, serviceLevel: 0.95 });
    expect(result.achievedCycleServiceLevel).toBe(1);
    expect(result.fillRate).toBe(1);
    expect(result.cycles).toBe(19);
    expect(result.orders).toBe(19);
    expect(result.trace[0].orderUpTo).toBeCloseTo(20, 9);
    expect(result.averageOnHand).toBeCloseTo(10 / 20, 9);
  });

  const lumpy = Array.from({ length: 60 }, (_, t) => ((t * 7919) % 5 === 0 ? 1 + ((t * 31) % 7) : 0));
  const options = { leadTime: 1, reviewPeriod: 1, warmup: 24, seasonLength: 1, serviceLevel: 0.9 };

  it('is deterministic for a seed', () => {
    expect(simulateOrderUpTo(lumpy, { ...options, seed: 3 })).toEqual(simulateOrderUpTo(lumpy, { ...options, seed: 3 }));
  });

  it('the textbook policy is available for comparison and reports its method', () => {
    expect(simulateOrderUpTo(lumpy, { ...options, policy: 'textbook' }).method).toBe('textbook normal');
  });

  it('raises the achieved CSL with the target on a noisy series', () => {
    const noisy = Array.from({ length: 120 }, (_, t) => 50 + ((t * 37) % 23) - 11);
    const at = (serviceLevel: number) => simulateOrderUpTo(noisy, { ...options, warmup: 40, serviceLevel }).achievedCycleServiceLevel!;
    expect(at(0.98)).toBeGreaterThan(at(0.6));
  });
});

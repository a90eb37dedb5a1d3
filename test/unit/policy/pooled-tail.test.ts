import { protectionErrorProbabilities, type ProtectionErrorSummary } from '../../../models/forecast/protection-errors';
import { pooledTail, shrinkTailTowardPool } from '../../../models/policy/pooled-tail';

/*
 * Hand computations. The grid is 50, 80, 85, 90, 95, 97.5, 98, 99, 99.5 %: a row is [rms, q50, q80, q85, q90, q95,
 * q97.5, q98, q99, q99.5]; the tail is everything after q80 (index 2 of the row, index 1 of the quantiles).
 */
const row = (rms: number, q50: number, q80: number, tail: number[]) => [rms, q50, q80, ...tail];

// A relative series: shares of the forecast already. Excess over q80 = 0.1 … 0.8.
const relative: ProtectionErrorSummary = { scale: 'relative', horizons: [1, 3], rows: [row(0.2, 0, 0.1, [0.15, 0.2, 0.3, 0.4, 0.45, 0.6, 0.9]), row(0.3, 0, 0.2, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0])] };
// An absolute series forecasting 10 a period: at H = 3 the unit is 30. Excess over q80 (6) = 3, 6, 9, 12, 15, 18, 24 units = 0.1 … 0.8 of 30.
const absolute: ProtectionErrorSummary = { scale: 'absolute', horizons: [1, 3], rows: [row(4, 0, 3, [4, 5, 6, 7, 8, 9, 10]), row(9, 0, 6, [9, 12, 15, 18, 21, 24, 30])] };
const flat = [10, 10, 10, 10];

describe('pooledTail: the mean excess over the 80 % quantile as a share of the forecast, per horizon', () => {
  it('averages a relative and an absolute series at each horizon, in shares of the forecast', () => {
    const pool = pooledTail([{ summary: relative, forecastMean: flat }, { summary: absolute, forecastMean: flat }])!;
    expect(pool.horizons).toEqual([1, 3]);
    expect(pool.counts).toEqual([2, 2]);
    // H = 3: relative excess (0.3 − 0.2, 0.4 − 0.2, …) = 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8; absolute (9 − 6)/30 = 0.1, 6/30 = 0.2, … 24/30 = 0.8: the same.
    [0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8].forEach((value, j) => expect(pool.rows[1][j]).toBeCloseTo(value, 12));
    // H = 1: relative 0.05, 0.1, 0.2, 0.3, 0.35, 0.5, 0.8; absolute over a forecast of 10: 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7. Means:
    [0, 0, 0.075, 0.15, 0.25, 0.35, 0.425, 0.55, 0.75].forEach((value, j) => expect(pool.rows[0][j]).toBeCloseTo(value, 12));
    expect(pool.rows[0]).toHaveLength(protectionErrorProbabilities.length);
  });

  it('leaves out a horizon fewer than minimumSeries series have, and a series without forecast demand', () => {
    const short: ProtectionErrorSummary = { scale: 'relative', horizons: [1], rows: [relative.rows[0]] };
    const pool = pooledTail([{ summary: relative, forecastMean: flat }, { summary: short, forecastMean: flat }, { summary: absolute, forecastMean: [0, 0, 0] }], 2)!;
    expect(pool.horizons).toEqual([1]);
    expect(pool.counts).toEqual([2]);
    expect(pooledTail([{ summary: short, forecastMean: flat }], 2)).toBeNull();
    expect(() => pooledTail([], 0)).toThrow('pooledTail: minimumSeries must be a whole number ≥ 1, got 0');
  });

  it('leaves out a series whose forecast is not a demand (a value below zero or not finite) instead of failing the pool', () => {
    const alone = pooledTail([{ summary: absolute, forecastMean: flat }])!;
    for (const bad of [[10, 10, -0.16, 10], [10, Number.NaN, 10, 10]]) {
      expect(pooledTail([{ summary: absolute, forecastMean: flat }, { summary: absolute, forecastMean: bad }])).toEqual(alone);
      expect(shrinkTailTowardPool(absolute, bad, alone, 1)).toEqual(absolute);
    }
  });

  it('counts a quantile below the 80 % one (a summary read off few errors) as no excess', () => {
    const odd: ProtectionErrorSummary = { scale: 'relative', horizons: [1], rows: [row(0.2, 0, 0.3, [0.2, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7])] };
    expect(pooledTail([{ summary: odd, forecastMean: flat }])!.rows[0].slice(2)).toEqual([0, 0, expect.closeTo(0.1, 12), expect.closeTo(0.2, 12), expect.closeTo(0.2, 12), expect.closeTo(0.3, 12), expect.closeTo(0.4, 12)]);
  });
});

describe('shrinkTailTowardPool: q′(p) = q80 + (1 − w)(q(p) − q80) + w·t(p)·unit above 80 %', () => {
  const pool = { horizons: [3], rows: [[0, 0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6]], counts: [30], spreadExponent: 0 };

  it('replaces an absolute series’ tail at H = 3 by the pool’s at its own forecast (w = 1), keeping rms and body', () => {
    const shrunk = shrinkTailTowardPool(absolute, flat, pool, 1);
    // q80 = 6, unit 30: 6 + 0.2·30 = 12, 6 + 0.4·30 = 18, … 6 + 1.6·30 = 54.
    expect(shrunk.rows[1].slice(0, 3)).toEqual([9, 0, 6]);
    [12, 18, 24, 30, 36, 42, 54].forEach((value, j) => expect(shrunk.rows[1][3 + j]).toBeCloseTo(value, 12));
    // H = 1 is not in the pool: kept.
    expect(shrunk.rows[0]).toEqual(absolute.rows[0]);
    expect(shrunk.scale).toBe('absolute');
  });

  it('moves a relative series half way at w = 0.5', () => {
    const shrunk = shrinkTailTowardPool(relative, flat, pool, 0.5);
    // q80 = 0.2; own excess 0.1 … 0.8, pool 0.2 … 1.6: 0.2 + (own + pool)/2 = 0.35, 0.5, 0.65, 0.8, 0.95, 1.1, 1.4.
    [0.35, 0.5, 0.65, 0.8, 0.95, 1.1, 1.4].forEach((value, j) => expect(shrunk.rows[1][3 + j]).toBeCloseTo(value, 12));
    expect(shrinkTailTowardPool(relative, flat, pool, 0)).toEqual(relative);
  });

  it('refuses a weight outside [0, 1]', () => {
    expect(() => shrinkTailTowardPool(relative, flat, pool, 1.5)).toThrow('shrinkTailTowardPool: weight must be in [0, 1], got 1.5');
  });
});

describe('the tail unit forecast^(1 − β) · spread^β (spread = q80 − q50 of the series at the horizon)', () => {
  // At H = 3 the absolute series forecasts 30 and has q50 = 0, q80 = 6 (spread 6); the relative one q50 = 0, q80 = 0.2
  // (spread 0.2 of a unit forecast). Their excesses over q80 (3 … 24 units, 0.1 … 0.8 shares) are the same shape.
  const both = [{ summary: relative, forecastMean: flat }, { summary: absolute, forecastMean: flat }];

  it('pools multiples of the spread at β = 1: excess 3 … 24 over a spread of 6 = 0.1 … 0.8 over 0.2 = 0.5 … 4', () => {
    const pool = pooledTail(both, 1, 1)!;
    expect(pool.spreadExponent).toBe(1);
    [0, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4].forEach((value, j) => expect(pool.rows[1][j]).toBeCloseTo(value, 12));
  });

  it('gives a tight series of the same volume a tighter tail as β grows', () => {
    // Forecast 30 over H = 3, q50 = 0, q80 = 3: spread 3, half the absolute series'.
    const tight: ProtectionErrorSummary = { scale: 'absolute', horizons: [3], rows: [row(5, 0, 3, [4, 5, 6, 7, 8, 9, 10])] };
    const tailAt = (beta: number) => shrinkTailTowardPool(tight, flat, pooledTail([{ summary: absolute, forecastMean: flat }], 1, beta)!, 1).rows[0].slice(3);
    // β = 0: excess 3 … 24 of 30 = 0.1 … 0.8 of the forecast, times 30: q80 + 3 … 24.
    [6, 9, 12, 15, 18, 21, 27].forEach((value, j) => expect(tailAt(0)[j]).toBeCloseTo(value, 12));
    // β = 1: 0.5 … 4 spreads, times 3: q80 + 1.5 … 12.
    [4.5, 6, 7.5, 9, 10.5, 12, 15].forEach((value, j) => expect(tailAt(1)[j]).toBeCloseTo(value, 12));
    // β = 0.5: units √(30·6) pooled, √(30·3) applied: the excess times √(1/2).
    [3, 6, 9, 12, 15, 18, 24].forEach((excess, j) => expect(tailAt(0.5)[j]).toBeCloseTo(3 + excess * Math.SQRT1_2, 12));
  });

  it('leaves out a series with no spread (q80 = q50) at β > 0, and keeps its own tail', () => {
    const noSpread: ProtectionErrorSummary = { scale: 'absolute', horizons: [3], rows: [row(5, 2, 2, [4, 5, 6, 7, 8, 9, 10])] };
    const pool = pooledTail([{ summary: absolute, forecastMean: flat }, { summary: noSpread, forecastMean: flat }], 1, 0.25)!;
    expect(pool.counts).toEqual([1, 1]);
    expect(shrinkTailTowardPool(noSpread, flat, pool, 1)).toEqual(noSpread);
    expect(pooledTail([{ summary: noSpread, forecastMean: flat }], 1, 0)!.counts).toEqual([1]);
    expect(() => pooledTail(both, 1, 1.5)).toThrow('pooledTail: spreadExponent must be in [0, 1], got 1.5');
  });
});

import { calibrateIntervals, calibrationOrigins, conformalFactor, growthExponent, levelRatio, oneStepErrors } from '../../models/forecast/calibrated-intervals';
import { normalQuantile } from '../../models/stats/normal';
import { autoForecast } from '../../models/forecast/auto';
import { normalDraw, seededRandom } from '../../models/stats/random';
import type { Forecast } from '../../models/forecast/types';

describe('calibrationOrigins', () => {
  it('ends the last test window at the last value and spaces earlier ones half a window apart', () => {
    // Windows of 6: ⌈36 / 6⌉ = 6 origins wanted, 4 allowed.
    expect(calibrationOrigins(60, 6, { origins: 4, minimumTrain: 8, seasonLength: 1 })).toEqual([
      { trainLength: 54, testLength: 6 },
      { trainLength: 51, testLength: 6 },
      { trainLength: 48, testLength: 6 },
      { trainLength: 45, testLength: 6 },
    ]);
  });
  it('takes as many origins as give 36 errors, at least 2: two of a monthly window of 18, three of 12', () => {
    expect(calibrationOrigins(60, 18, { origins: 4, minimumTrain: 8, seasonLength: 1 })).toHaveLength(2);
    expect(calibrationOrigins(60, 12, { origins: 4, minimumTrain: 8, seasonLength: 1 })).toHaveLength(3);
    expect(calibrationOrigins(60, 18, { origins: 1, minimumTrain: 8, seasonLength: 1 })).toHaveLength(1);
  });
  it('shortens the window to a third of the history and drops origins that leave too little to train on', () => {
    expect(calibrationOrigins(48, 18, { origins: 2, minimumTrain: 25, seasonLength: 1 })).toEqual([{ trainLength: 32, testLength: 16 }]);
    expect(calibrationOrigins(2, 6, { origins: 2, minimumTrain: 1, seasonLength: 1 })).toEqual([]);
  });
});

describe('conformalFactor', () => {
  const ratios = Float64Array.from({ length: 12 }, (_, i) => i + 1);
  it('is the split-conformal quantile where n ratios reach the level: the ⌈13 × 0.8⌉ = 11th of 12', () => {
    expect(conformalFactor(ratios, 0.8)).toBe(11);
  });
  it('uses the finite-sample rank ⌈(n + 1)p⌉, not ⌈np⌉: of 36 ratios 1…36, the 30th at 80 % (⌈29.6⌉; ⌈28.8⌉ = 29 without) and the 36th at 95 %', () => {
    const many = Float64Array.from({ length: 36 }, (_, i) => i + 1);
    expect(conformalFactor(many, 0.8)).toBe(30);
    expect(conformalFactor(many, 0.95)).toBe(36);
  });
  it('past it, stretches the largest ratio (a quantile at 12/13) to the level as a half-normal', () => {
    expect(conformalFactor(ratios, 0.95)).toBeCloseTo((12 * normalQuantile(0.975)) / normalQuantile((1 + 12 / 13) / 2), 12);
    expect(conformalFactor(ratios, 0.95)).toBeGreaterThan(12);
  });
});

describe('levelRatio', () => {
  it('is Σ|today\'s point| / Σ|origin\'s point| over the origin\'s window: (20 + 24) / (10 + 12) = 2', () => {
    expect(levelRatio([20, 24, 99], [10, 12])).toBe(2);
  });
  it('is 1 when the origin forecast zero', () => {
    expect(levelRatio([5, 5], [0, 0])).toBe(1);
  });
});

describe('growthExponent', () => {
  it('is the log-log slope of the per-step RMS: 1 for RMS ∝ step, 0.5 for ∝ √step, 0 for a constant', () => {
    expect(growthExponent([1, 2, 3, 4])).toBeCloseTo(1, 12);
    expect(growthExponent([1, 2, 3, 4, 5, 6].map((step) => 3 * Math.sqrt(step)))).toBeCloseTo(0.5, 12);
    expect(growthExponent([2, 2, 2])).toBe(0);
  });
  it('is clamped to [0, 1] and is 0 with fewer than 3 steps with errors', () => {
    expect(growthExponent([1, 4, 9, 16])).toBe(1);
    expect(growthExponent([4, 3, 2, 1])).toBe(0);
    expect(growthExponent([1, 0, NaN, 5])).toBe(0);
  });
});

describe('calibrateIntervals', () => {
  /** A forecast of 100 with bands at ±1 (80 %) and ±2 (95 %) for 4 steps. */
  const unit: Forecast = {
    method: 'test', mean: [100, 100, 100, 100], levels: [80, 95],
    lower: [[99, 99, 99, 99], [98, 98, 98, 98]], upper: [[101, 101, 101, 101], [102, 102, 102, 102]], fitted: [],
  };
  const values = new Array<number>(40).fill(100);
  // Windows of 4 (min(4, ⌊40/3⌋)) at origins 36, 34, …, 20: 9 origins (⌈36/4⌉), origin j = (36 − t)/2 missing by
  // (j + 1) × shape(step) with signs +, −, −, + (summing to 0 over the window for shapes 1 and step, so the origin's
  // points total today's: levelRatio 1), its points divided by `level`.
  const signs = [1, -1, -1, 1];
  const missing = (shape: (step: number) => number, level = 1) => (train: number[], h: number) =>
    Array.from({ length: h }, (_, i) => (100 - signs[i] * ((36 - train.length) / 2 + 1) * shape(i + 1)) / level);

  /** `unit` cut to h steps, with in-sample one-step forecasts `fitted`. */
  const flat = (h: number, fitted: number[] = []): Forecast => ({
    ...unit, mean: unit.mean.slice(0, h), lower: unit.lower.map((row) => row.slice(0, h)), upper: unit.upper.map((row) => row.slice(0, h)), fitted,
  });

  it('scales each band by the conformal quantile of its ratios, and the 95 % one by at least the 80 % factor', () => {
    const result = calibrateIntervals(values, unit, missing(() => 1), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    // 36 ratios at 80 %: 1…9, four each; the ⌈37 × 0.8⌉ = 30th is 8. At 95 %: (1…9)/2, the 36th is 4.5 < 8.
    expect(result.calibration).toEqual({ origins: 9, errors: 36, oneStepErrors: 0, factors: [8, 8], growth: [0, 0] });
    expect(result.upper[0]).toEqual([108, 108, 108, 108]);
    expect(result.lower[1]).toEqual([84, 84, 84, 84]);
    expect(result.mean).toEqual(unit.mean);
  });

  it('does not carry a near-zero level\'s factor (a median asked as level 1e-9) up to the wider levels', () => {
    const withMedian: Forecast = { ...unit, levels: [1e-9, 80], lower: [[100 - 1e-11, 100 - 1e-11, 100 - 1e-11, 100 - 1e-11], unit.lower[0]], upper: [[100 + 1e-11, 100 + 1e-11, 100 + 1e-11, 100 + 1e-11], unit.upper[0]] };
    const result = calibrateIntervals(values, withMedian, missing(() => 1), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    expect(result.calibration!.factors[1]).toBe(8);
  });

  it('stretches the band by step^g when the misses grow faster than it: misses ∝ step against a flat band, g = 1', () => {
    const result = calibrateIntervals(values, unit, missing((step) => step), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    expect(result.calibration!.growth.map((g) => Number(g.toFixed(12)))).toEqual([1, 1]);
    // Divided by step^1 the ratios are those above: factor 8 at step 1, 8 × step after.
    expect(result.calibration!.factors.map((f) => Number(f.toFixed(9)))).toEqual([8, 8]);
    result.upper[0].forEach((bound, i) => expect(bound).toBeCloseTo(100 + 8 * (i + 1), 9));
  });

  it('brings each origin\'s misses to today\'s level: an origin forecasting half today\'s level counts its misses twice', () => {
    const result = calibrateIntervals(values, unit, missing(() => 1, 2), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    // Points at 50 ∓ (j + 1)/2 (total 200), misses 50 ± (j + 1)/2, × 400/200: 100 ± (j + 1), two of each sign.
    const misses = Array.from({ length: 9 }, (_, j) => [100 - (j + 1), 100 + (j + 1), 100 - (j + 1), 100 + (j + 1)]).flat().sort((a, b) => a - b);
    expect(result.calibration!.factors[0]).toBe(misses[29]);
    expect(misses[29]).toBe(106);
  });

  it('keeps the shape of asymmetric bands: each side scaled from its own distance', () => {
    const skewed: Forecast = { ...unit, levels: [80], lower: [[99, 99, 99, 99]], upper: [[103, 103, 103, 103]] };
    // Misses of +1 (above: 3 from the point, ratio 1/3) and −1 (below: 1 from it, ratio 1) alternating.
    const result = calibrateIntervals(values, skewed, (_, h) => Array.from({ length: h }, (_, i) => 100 - signs[i]), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    // 36 ratios, 18 of 1/3 and 18 of 1: the 30th is 1, the band unchanged on both sides.
    expect(result.upper[0]).toEqual([103, 103, 103, 103]);
    expect(result.lower[0]).toEqual([99, 99, 99, 99]);
  });

  it('calibrates from 3 errors (one origin of a window of 3), not from 2', () => {
    const nine = [100, 100, 100, 100, 100, 100, 101, 99, 101];
    // h = 3: window 3, one origin at 6 (the next, 4, leaves fewer than 6 to train on): misses 1, −1, 1.
    expect(calibrateIntervals(nine, flat(3), (_, h) => new Array(h).fill(100), { origins: 4, minimumTrain: 6, seasonLength: 1 }).calibration).toMatchObject({ origins: 1, errors: 3 });
    // h = 2: window 2, one origin at 7 (the next, 6, leaves fewer than 7): two errors only.
    const two = flat(2);
    expect(calibrateIntervals(nine, two, (_, h) => new Array(h).fill(100), { origins: 4, minimumTrain: 7, seasonLength: 1 })).toBe(two);
  });

  it('with two origins or more, leaves the in-sample errors out', () => {
    const badlyFitted = { ...unit, fitted: new Array<number>(40).fill(0) };
    const result = calibrateIntervals(values, badlyFitted, missing(() => 1), { origins: 9, minimumTrain: 8, seasonLength: 1 });
    expect(result.calibration).toEqual({ origins: 9, errors: 36, oneStepErrors: 0, factors: [8, 8], growth: [0, 0] });
  });

  it('where one origin fits, pools the one-step in-sample errors from the second season on with its misses', () => {
    const nine = [100, 100, 100, 100, 100, 100, 101, 99, 101];
    // Season 2: the errors at t = 0, 1 (100 each) are left out; t = 2…7 give 3, −3, 2, −2, 0.5, 4; t = 8 has no fit.
    const fitted = [0, 0, 97, 103, 98, 102, 100.5, 95, NaN];
    const result = calibrateIntervals(nine, flat(3, fitted), (_, h) => new Array(h).fill(100), { origins: 4, minimumTrain: 6, seasonLength: 2 });
    // One origin at 6 (misses 1, −1, 1). At 80 % (sides 1): ratios 0.5, 1, 1, 1, 2, 2, 3, 3, 4; the ⌈10 × 0.8⌉ = 8th is 3.
    // At 95 % (sides 2) the largest of 9, 2, stretched to 2 × z(0.975) / z(0.95) = 2.38, is below the 80 % factor: 3.
    expect(result.calibration).toEqual({ origins: 1, errors: 9, oneStepErrors: 6, factors: [3, 3], growth: [0, 0] });
    expect(result.upper[0]).toEqual([103, 103, 103]);
    expect(result.lower[1]).toEqual([94, 94, 94]);
  });

  it('where no origin fits, calibrates on the one-step in-sample errors alone, at the band\'s own growth', () => {
    // n = 5, h = 3: a window of 1 would train on 4 < 8 values. Errors from t = 1: 1, −1, 2, −2 (t = 0's 50 left out).
    const result = calibrateIntervals([100, 100, 100, 100, 100], flat(3, [50, 99, 101, 98, 102]), () => [0], { origins: 4, minimumTrain: 8, seasonLength: 1 });
    // 80 %: ratios 1, 1, 2, 2, the ⌈5 × 0.8⌉ = 4th is 2; 95 %: the largest of 0.5, 0.5, 1, 1 stretched, 1 × z(0.975) / z(0.9)
    // = 1.53, below 2.
    expect(result.calibration).toEqual({ origins: 0, errors: 4, oneStepErrors: 4, factors: [2, 2], growth: [0, 0] });
    expect(result.upper[1]).toEqual([104, 104, 104]);
  });

  it('oneStepErrors: y − fitted from the season length on, where finite', () => {
    expect(oneStepErrors([1, 2, 3, 4, 5], [9, 9, 2, NaN, 7], 2)).toEqual([1, -2]);
    expect(oneStepErrors([1, 2], [], 1)).toEqual([]);
  });

  it('leaves the bands alone when no origin fits or nothing was asked for', () => {
    expect(calibrateIntervals([1, 2, 3], unit, () => [0], { origins: 2, minimumTrain: 8, seasonLength: 1 })).toBe(unit);
    const none = { ...unit, levels: [], lower: [], upper: [] };
    expect(calibrateIntervals(new Array(40).fill(1), none, () => [0], { origins: 2, minimumTrain: 8, seasonLength: 1 })).toBe(none);
  });
});

describe('autoForecast intervals are calibrated on its own errors (issue 10 item 5)', () => {
  it('on 300 noisy level series, the 80 % band covers the next 12 values within 2 points of 80 %, the 95 % one between 93 % and the split-conformal bound', () => {
    // Theta's own bands here: 78.4 % and 93.8 %; calibrated (3 origins of 12: 36 ratios) 81.8 % and 97.1 % (this seed).
    // At 95 % the conformal rank ⌈37 × 0.95⌉ = 36 is the largest of 36 ratios, which covers 36/37 = 97.3 % of
    // exchangeable errors: split conformal guarantees p ≤ coverage ≤ p + 1/(n + 1) (Lei et al. 2018, Theorem 2.2).
    const random = seededRandom(5);
    let inside80 = 0;
    let inside95 = 0;
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const y = Array.from({ length: 72 }, () => 100 + 5 * normalDraw(random));
      const [train, test] = [y.slice(0, 60), y.slice(60)];
      const forecast = autoForecast(train, { seasonLength: 1, horizon: 12, method: 'theta' });
      test.forEach((value, step) => {
        if (value >= forecast.lower[0][step] && value <= forecast.upper[0][step]) inside80++;
        if (value >= forecast.lower[1][step] && value <= forecast.upper[1][step]) inside95++;
        total++;
      });
    }
    expect(Math.abs((100 * inside80) / total - 80)).toBeLessThan(2);
    expect((100 * inside95) / total).toBeGreaterThan(93);
    expect((100 * inside95) / total).toBeLessThan((100 * 36) / 37 + 0.5);
  });

  it('on a monthly history of 45 values (one origin: it must leave two seasons to train on), pools the in-sample one-step errors from month 13 on', () => {
    const y = Array.from({ length: 45 }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 12) + 0.5 * t + ((t * 7) % 5));
    const forecast = autoForecast(y, { seasonLength: 12, horizon: 18 });
    const uncalibrated = autoForecast(y, { seasonLength: 12, horizon: 18, calibrationOrigins: 0 });
    const finite = uncalibrated.fitted.slice(12).filter(Number.isFinite).length;
    // One window of ⌊45 / 3⌋ = 15 after 30 values; the next, 8 earlier, would leave 22 < 25.
    expect(forecast.calibration).toMatchObject({ origins: 1, oneStepErrors: finite, errors: 15 + finite });
    expect(finite).toBeGreaterThan(20);
  });

  it('with calibrationOrigins 0 the bands are the models\' own', () => {
    const y = Array.from({ length: 48 }, (_, t) => 50 + 10 * Math.sin(t) + t);
    const own = autoForecast(y, { seasonLength: 12, horizon: 6, method: 'theta', calibrationOrigins: 0 });
    const calibrated = autoForecast(y, { seasonLength: 12, horizon: 6, method: 'theta' });
    expect(calibrated.mean).toEqual(own.mean);
    expect(calibrated.upper[1]).not.toEqual(own.upper[1]);
  });
});

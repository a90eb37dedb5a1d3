import { autoForecast, DEFAULTS, type AutoForecastOptions } from '../../models/forecast/auto';
import { fitNaive, forecastBaseline } from '../../models/forecast/baselines';
import { fitEts, forecastEts } from '../../models/forecast/ets';
import { fitTsb, forecastIntermittent } from '../../models/forecast/intermittent';
import { fitOptimisedTheta, fitTheta, forecastOptimisedTheta, forecastTheta } from '../../models/forecast/theta';

/** Monthly, trending, seasonal, with fixed pseudo-noise (no generator needed). */
const monthly = Array.from({ length: 60 }, (_, t) => 200 + 2 * t + 40 * Math.sin((2 * Math.PI * t) / 12) + 8 * Math.sin(t * 2.9));
const intermittent = [0, 0, 3, 0, 0, 0, 1, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 6, 0, 0, 1, 0];
const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('autoForecast: choice by demand class', () => {
  it('forecasts zero with zero-width intervals for an all-zero history', () => {
    const forecast = autoForecast(new Array(20).fill(0), { seasonLength: 12, horizon: 4 });
    expect(forecast).toMatchObject({ demandClass: 'zero', selection: 'class', method: 'Zero', residualSd: 0 });
    expect([...forecast.mean, ...forecast.lower.flat(), ...forecast.upper.flat()]).toEqual(new Array(20).fill(0));
  });

  it.each([[[5]], [[5, 9]], [[5, 9, 7]]])('uses the mean for the short history %j', (values) => {
    const forecast = autoForecast(values, { seasonLength: 12, horizon: 3 });
    expect(forecast).toMatchObject({ demandClass: 'new', selection: 'class', method: 'Mean' });
    expect(forecast.mean).toEqual(new Array(3).fill(average(values)));
    expect(forecast.fitted).toHaveLength(values.length);
  });

  it('uses TSB when the history holds a single demand', () => {
    const values = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0];
    const forecast = autoForecast(values, { seasonLength: 12, horizon: 2 });
    expect(forecast).toMatchObject({ demandClass: 'short', selection: 'class' });
    expect(forecast.mean).toEqual(forecastIntermittent(fitTsb(values), 2).mean);
  });

  it('chooses among Croston, SBA, TSB and ADIDA the one with the lowest holdout MSE for intermittent demand', () => {
    const forecast = autoForecast(intermittent, { seasonLength: 12, horizon: 6 });
    expect(forecast.selection).toBe('holdout');
    expect(forecast.demandClass).toMatch(/intermittent|lumpy/);
    expect(forecast.candidates.map((c) => c.method)).toEqual(['croston', 'sba', 'tsb', 'adida']);
    const best = forecast.candidates.reduce((a, b) => (b.score < a.score ? b : a));
    expect(forecast.method).toBe(best.method);
  });

  it('scores the intermittent candidates by MSE over the rolling windows', () => {
    // Two origins (DEFAULTS), windows of min(6, n/3) = 6 periods ending at the last value and one period earlier.
    expect(DEFAULTS.intermittentHoldoutOrigins).toBe(2);
    const n = intermittent.length;
    const windows = [n - 6, n - 7];
    const squaredErrors = windows.flatMap((trainLength) => {
      const { rate } = fitTsb(intermittent.slice(0, trainLength));
      return intermittent.slice(trainLength, trainLength + 6).map((actual) => (actual - rate) ** 2);
    });
    const forecast = autoForecast(intermittent, { seasonLength: 12, horizon: 6 });
    expect(forecast.candidates.find((c) => c.method === 'tsb')!.score).toBeCloseTo(average(squaredErrors), 12);
  });

  it('clips negative values to zero for intermittent models', () => {
    const withReturns = intermittent.map((v, t) => (t === 4 || t === 11 ? -2 : v));
    expect(autoForecast(withReturns, { seasonLength: 12, horizon: 3 }).mean).toEqual(autoForecast(intermittent, { seasonLength: 12, horizon: 3 }).mean);
  });
});

describe('autoForecast: smooth series', () => {
  it('combines ETS, Theta, Optimised Theta and damped ETS by averaging their points and, uncalibrated, their interval bounds', () => {
    const levels = [80, 95];
    const forecast = autoForecast(monthly, { seasonLength: 12, horizon: 12, levels, calibrationOrigins: 0 });
    expect(forecast).toMatchObject({ selection: 'class', candidates: [] });
    expect(forecast.method).toMatch(/^Mean of ETS\(.*\), Theta, Optimised Theta, ETS\(.,Ad,.\)$/);
    const parts = [
      forecastEts(fitEts(monthly, { seasonLength: 12, maxEvaluations: 100 }), 12, levels),
      forecastTheta(fitTheta(monthly, 12), 12, levels),
      forecastOptimisedTheta(fitOptimisedTheta(monthly, 12), 12, levels),
      forecastEts(fitEts(monthly, { seasonLength: 12, model: 'ZAZ', damped: true, maxEvaluations: 100 }), 12, levels),
    ];
    forecast.mean.forEach((value, i) => expect(value).toBeCloseTo(average(parts.map((p) => p.mean[i])), 9));
    forecast.lower[1].forEach((value, i) => expect(value).toBeCloseTo(average(parts.map((p) => p.lower[1][i])), 9));
    forecast.upper[0].forEach((value, i) => expect(value).toBeCloseTo(average(parts.map((p) => p.upper[0][i])), 9));
  });

  it('calibrated (the default), scales the averaged bands about the point by the factors of its own rolling-origin errors', () => {
    const own = autoForecast(monthly, { seasonLength: 12, horizon: 12, calibrationOrigins: 0 });
    const calibrated = autoForecast(monthly, { seasonLength: 12, horizon: 12 });
    // Windows of 12: ⌈36 / 12⌉ = 3 origins.
    expect(calibrated.calibration).toMatchObject({ origins: 3, errors: 36 });
    const [factor80, factor95] = calibrated.calibration!.factors;
    const [growth80, growth95] = calibrated.calibration!.growth;
    calibrated.upper[0].forEach((value, i) => expect(value).toBeCloseTo(own.mean[i] + factor80 * (i + 1) ** growth80 * (own.upper[0][i] - own.mean[i]), 9));
    calibrated.lower[1].forEach((value, i) =>
      expect(value).toBeCloseTo(Math.max(0, Math.min(calibrated.lower[0][i], own.mean[i] - factor95 * (i + 1) ** growth95 * (own.mean[i] - own.lower[1][i]))), 9));
  });

  it('gives as residualSd the root mean square of the one-step in-sample errors', () => {
    const forecast = autoForecast(monthly, { seasonLength: 12, horizon: 6 });
    const errors = forecast.fitted.flatMap((f, t) => (Number.isFinite(f) ? [(monthly[t] - f) ** 2] : []));
    expect(forecast.residualSd).toBeGreaterThan(0);
    expect(forecast.residualSd).toBeCloseTo(Math.sqrt(average(errors)), 9);
  });

  it('with holdout origins, picks the candidate with the lowest holdout MAE among components and combinations', () => {
    const forecast = autoForecast(monthly, { seasonLength: 12, horizon: 6, holdoutOrigins: 2 });
    expect(forecast.selection).toBe('holdout');
    expect(forecast.candidates.map((c) => c.method)).toEqual(['ets', 'theta', 'optimised-theta', 'damped', 'combo-mean', 'combo-median']);
    expect(forecast.candidates.every((c) => Number.isFinite(c.score) && c.score >= 0)).toBe(true);
    const best = forecast.candidates.reduce((a, b) => (b.score < a.score ? b : a)).method;
    const expectedName = { ets: /^ETS/, theta: /^Theta$/, 'optimised-theta': /^Optimised Theta$/, damped: /^ETS\(.,Ad,.\)$/, 'combo-mean': /^Mean of/, 'combo-median': /^Median of/ }[best]!;
    expect(forecast.method).toMatch(expectedName);
  });

  it('interpolates gaps linearly (and carries the nearest value over the ends)', () => {
    const filled = monthly.slice(0, 36);
    const gappy = filled.map((v, t) => (t === 0 || t === 10 || t === 11 || t === 35 ? NaN : v));
    const expected = [...filled];
    expected[0] = filled[1];
    expected[10] = filled[9] + (filled[12] - filled[9]) / 3;
    expected[11] = filled[9] + (2 * (filled[12] - filled[9])) / 3;
    expected[35] = filled[34];
    const fromGaps = autoForecast(gappy, { seasonLength: 12, horizon: 4 });
    expect(fromGaps.mean).toEqual(autoForecast(expected, { seasonLength: 12, horizon: 4 }).mean);
    expect(fromGaps.fitted).toHaveLength(36);
  });

  it('keeps negative forecasts for a history with negative values, and clips at zero one without', () => {
    const falling = Array.from({ length: 30 }, (_, t) => 40 - 3 * t + 2 * Math.sin(t));
    expect(Math.min(...autoForecast(falling, { seasonLength: 1, horizon: 6 }).mean)).toBeLessThan(0);
    const fallingPositive = falling.slice(0, 14);
    const forecast = autoForecast(fallingPositive, { seasonLength: 1, horizon: 20 });
    expect(Math.min(...forecast.mean, ...forecast.lower.flat())).toBe(0);
  });

  it('treats an all-negative history as a smooth series, not as no demand', () => {
    const forecast = autoForecast(new Array(12).fill(0).map((_, t) => -10 - (t % 3)), { seasonLength: 1, horizon: 3 });
    expect(forecast.method).toMatch(/^Mean of/);
    forecast.mean.forEach((value) => expect(value).toBeLessThan(-9));
  });

  it('forecasts a constant series as that constant, with no spread', () => {
    const forecast = autoForecast(new Array(30).fill(12), { seasonLength: 12, horizon: 5 });
    forecast.mean.forEach((value) => expect(value).toBeCloseTo(12, 9));
    expect(forecast.residualSd).toBeLessThan(1e-6);
  });

  it('follows a 52-week season by modelling the seasonally adjusted series', () => {
    const season = (t: number) => 30 * Math.sin((2 * Math.PI * t) / 52);
    const weekly = Array.from({ length: 156 }, (_, t) => 100 + season(t) + 3 * Math.sin(t * 2.1));
    const forecast = autoForecast(weekly, { seasonLength: 52, horizon: 26 });
    expect(forecast.method).toMatch(/^Mean of ETS\(.*\), Theta, Optimised Theta, ETS\(.,Ad,.\) on multiplicative seasonally adjusted data \(m = 52\)$/);
    forecast.mean.forEach((value, i) => expect(Math.abs(value - (100 + season(156 + i)))).toBeLessThan(8));
  });

  it('leaves a 52-week series without a season unadjusted', () => {
    const flat = Array.from({ length: 156 }, (_, t) => 100 + 10 * Math.sin(t * 2.1) + 7 * Math.cos(t * 4.3));
    expect(autoForecast(flat, { seasonLength: 52, horizon: 4 }).method).toMatch(/^Mean of ETS\(.*\), Theta, Optimised Theta, ETS\(.,Ad,.\)$/);
  });
});

describe('autoForecast: fixed method and input checks', () => {
  it('fits only the named model when a method is given', () => {
    const forecast = autoForecast(monthly, { seasonLength: 12, horizon: 3, method: 'naive' });
    expect(forecast).toMatchObject({ selection: 'fixed', candidates: [] });
    expect(forecast.mean).toEqual(forecastBaseline(fitNaive(monthly), 3).mean);
  });

  it.each([
    [[], { horizon: 3 }, 'autoForecast: needs at least one value'],
    [[NaN, NaN], { horizon: 3 }, 'autoForecast: needs at least one value'],
    [[1, Infinity], { horizon: 3 }, 'autoForecast: value 2 is not finite'],
    [[1, 2], { horizon: 0 }, 'autoForecast: h must be a positive integer'],
    [[1, 2], { horizon: 2, seasonLength: 0 }, 'autoForecast: seasonLength must be a positive integer'],
    [[1, 2], { horizon: 2, levels: [100] }, 'autoForecast: levels must be percentages strictly between 0 and 100'],
    [[1, 2], { horizon: 2, holdoutOrigins: 1.5 }, 'autoForecast: holdoutOrigins must be a non-negative integer'],
    [[1, 2], { horizon: 2, method: 'magic' }, "autoForecast: unknown method 'magic'"],
  ])('rejects %j with %j', (values, options, message) => {
    expect(() => autoForecast(values as number[], { seasonLength: 1, ...(options as Partial<AutoForecastOptions>), horizon: options.horizon })).toThrow(message);
  });
});

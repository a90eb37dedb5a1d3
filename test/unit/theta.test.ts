import { readFileSync } from 'fs';
import { join } from 'path';
import {
  fitOptimisedTheta,
  fitSimpleExponentialSmoothing,
  fitTheta,
  forecastOptimisedTheta,
  forecastTheta,
} from '../../models/forecast/theta';
import type { Forecast } from '../../models/forecast/types';

interface ThetaGolden {
  source: string;
  seasonLength: number;
  h: number;
  levels: number[];
  values: number[];
  alpha: number;
  drift: number;
  sigma2: number;
  mean: number[];
  lower: number[][];
  upper: number[][];
  fitted: number[];
}

const golden = (name: string): ThetaGolden =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/golden', `theta-${name}.json`), 'utf8'));

function expectRelativelyClose(actual: number[], expected: number[], relativeTolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(Math.abs(value - expected[i])).toBeLessThanOrEqual(relativeTolerance * Math.abs(expected[i]));
  });
}

function expectForecastContract(forecast: Forecast, h: number, n: number): void {
  expect(forecast.mean).toHaveLength(h);
  expect(forecast.fitted).toHaveLength(n);
  forecast.levels.forEach((_, k) => {
    forecast.mean.forEach((m, i) => {
      expect(Number.isFinite(m)).toBe(true);
      expect(Number.isFinite(forecast.lower[k][i])).toBe(true);
      expect(Number.isFinite(forecast.upper[k][i])).toBe(true);
      expect(forecast.lower[k][i]).toBeLessThanOrEqual(m);
      expect(forecast.upper[k][i]).toBeGreaterThanOrEqual(m);
      if (k > 0) expect(forecast.upper[k][i]).toBeGreaterThanOrEqual(forecast.upper[k - 1][i]);
      if (i > 0) expect(forecast.upper[k][i] - m).toBeGreaterThanOrEqual(forecast.upper[k][i - 1] - forecast.mean[i - 1] - 1e-9);
    });
  });
}

describe('fitTheta matches R forecast::thetaf (forecast 8.20, relative 1e-6)', () => {
  it.each([
    ['airpassengers', true],
    ['nile', false],
    ['m3-n0054-yearly', false],
    ['m3-n0678-quarterly', true],
    ['m3-n1652-monthly', true],
  ])('%s: alpha, drift, sigma², forecasts, intervals and fitted values (seasonal: %p)', (name, seasonal) => {
    const g = golden(name);
    const fit = fitTheta(g.values, g.seasonLength);
    expect(fit.seasonalFigure !== null).toBe(seasonal);
    expectRelativelyClose([fit.alpha], [g.alpha], 1e-6);
    expectRelativelyClose([fit.drift], [g.drift], 1e-9);
    expectRelativelyClose([fit.residualVariance], [g.sigma2], 1e-6);
    const forecast = forecastTheta(fit, g.h, g.levels);
    expect(forecast.method).toBe('Theta');
    expectRelativelyClose(forecast.mean, g.mean, 1e-6);
    g.levels.forEach((_, k) => {
      expectRelativelyClose(forecast.lower[k], g.lower[k], 1e-6);
      expectRelativelyClose(forecast.upper[k], g.upper[k], 1e-6);
    });
    expectRelativelyClose(forecast.fitted, g.fitted, 1e-6);
  });
});

describe('fitSimpleExponentialSmoothing', () => {
  it('tracks a step change with alpha near its upper bound', () => {
    const fit = fitSimpleExponentialSmoothing([1, 1, 1, 1, 10, 10, 10, 10, 10, 10]);
    expect(fit.alpha).toBeGreaterThan(0.99);
    expect(fit.finalLevel).toBeCloseTo(10, 3);
  });

  it('chooses the initial level that makes a flat series fit exactly', () => {
    const fit = fitSimpleExponentialSmoothing([4, 4, 4, 4]);
    expect(fit.initialLevel).toBeCloseTo(4, 12);
    expect(fit.sumSquaredErrors).toBeCloseTo(0, 12);
  });
});

describe('Theta edge cases', () => {
  it.each([
    ['one value', [5]],
    ['two values', [5, 7]],
    ['three values', [1, -2, 4]],
    ['constant', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]],
    ['all zero', Array(30).fill(0)],
    ['negative seasonal-looking', Array.from({ length: 36 }, (_, t) => -100 + 20 * Math.sin((2 * Math.PI * t) / 12))],
  ])('standard and optimised Theta meet the forecast contract on %s', (_, values) => {
    expectForecastContract(forecastTheta(fitTheta(values, 12), 14, [80, 95]), 14, values.length);
    expectForecastContract(forecastOptimisedTheta(fitOptimisedTheta(values, 12), 14, [80, 95]), 14, values.length);
  });

  it('forecasts a constant series as that constant with zero-width intervals', () => {
    const forecast = forecastTheta(fitTheta([3, 3, 3, 3, 3, 3]), 3, [95]);
    forecast.mean.forEach((m) => expect(m).toBeCloseTo(3, 9));
    forecast.upper[0].forEach((u) => expect(u).toBeCloseTo(3, 6));
  });

  it('skips multiplicative seasonal adjustment when values are not all positive', () => {
    const values = Array.from({ length: 36 }, (_, t) => 50 * Math.sin((2 * Math.PI * t) / 12));
    expect(fitTheta(values, 12).seasonalFigure).toBeNull();
  });

  it('rejects bad input with named errors', () => {
    expect(() => fitTheta([])).toThrow('fitTheta: needs at least one value');
    expect(() => fitTheta([1, Infinity])).toThrow('fitTheta: values must be finite');
    expect(() => fitTheta([1, 2, 3], 1.5)).toThrow('fitTheta: seasonLength must be a positive integer');
    expect(() => forecastTheta(fitTheta([1, 2, 3]), -1)).toThrow('forecastTheta: h must be a positive integer');
  });
});

describe('fitOptimisedTheta (dynamic optimised Theta, Fiorucci et al. 2016)', () => {
  it('fits in-sample at least as well as standard Theta on AirPassengers (it nests it at θ = 2)', () => {
    const g = golden('airpassengers');
    const optimised = fitOptimisedTheta(g.values, 12);
    const standard = fitTheta(g.values, 12);
    expect(optimised.theta).toBeGreaterThanOrEqual(1);
    expect(optimised.theta).toBeLessThanOrEqual(1000);
    const sse = (fitted: number[]) => g.values.reduce((s, y, t) => s + (y - fitted[t]) ** 2, 0);
    expect(sse(optimised.fitted)).toBeLessThanOrEqual(sse(standard.fitted));
  });

  it('extrapolates an exact straight line', () => {
    const line = Array.from({ length: 20 }, (_, t) => 10 + 2 * t);
    const forecast = forecastOptimisedTheta(fitOptimisedTheta(line), 3);
    expectRelativelyClose(forecast.mean, [50, 52, 54], 1e-3);
  });
});

import { readFileSync } from 'fs';
import { join } from 'path';
import {
  fitDrift,
  fitMean,
  fitNaive,
  fitSeasonalNaive,
  forecastBaseline,
  studentTQuantile,
  type BaselineFit,
} from '../../models/forecast/baselines';
import type { Forecast } from '../../models/forecast/types';

interface Golden {
  source: string;
  seasonLength: number;
  h: number;
  levels: number[];
  values: number[];
  mean: number[];
  lower: number[][];
  upper: number[][];
  fitted: (number | null)[];
}

const golden = (name: string): Golden =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/golden', `naive-${name}.json`), 'utf8'));

function expectClose(actual: number[], expected: (number | null)[], relativeTolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    const target = expected[i];
    if (target === null) {
      expect(value).toBeNaN();
    } else {
      expect(Math.abs(value - target)).toBeLessThanOrEqual(relativeTolerance * Math.max(1, Math.abs(target)));
    }
  });
}

/** The contract every model meets: lengths, finite values, nested intervals. */
function expectForecastContract(forecast: Forecast, h: number, n: number): void {
  expect(forecast.mean).toHaveLength(h);
  expect(forecast.fitted).toHaveLength(n);
  forecast.levels.forEach((_, k) => {
    expect(forecast.lower[k]).toHaveLength(h);
    expect(forecast.upper[k]).toHaveLength(h);
    forecast.mean.forEach((m, i) => {
      expect(Number.isFinite(m)).toBe(true);
      expect(forecast.lower[k][i]).toBeLessThanOrEqual(m);
      expect(forecast.upper[k][i]).toBeGreaterThanOrEqual(m);
      if (k > 0) expect(forecast.upper[k][i]).toBeGreaterThanOrEqual(forecast.upper[k - 1][i]);
    });
  });
}

const fitters: Record<string, (values: number[], seasonLength: number) => BaselineFit> = {
  naive: (values) => fitNaive(values),
  snaive: (values, seasonLength) => fitSeasonalNaive(values, seasonLength),
  drift: (values) => fitDrift(values),
  mean: (values) => fitMean(values),
};

describe('baseline forecasts match R forecast 8.20 (relative 1e-9)', () => {
  it.each([
    ['naive', 'naive-short'],
    ['drift', 'drift-short'],
    ['mean', 'mean-short'],
    ['naive', 'naive-airpassengers'],
    ['snaive', 'snaive-airpassengers'],
    ['drift', 'drift-airpassengers'],
    ['mean', 'mean-airpassengers'],
  ])('%s reproduces golden %s: mean, intervals and fitted', (method, name) => {
    const g = golden(name);
    const forecast = forecastBaseline(fitters[method](g.values, g.seasonLength), g.h, g.levels);
    expectClose(forecast.mean, g.mean, 1e-9);
    g.levels.forEach((_, k) => {
      expectClose(forecast.lower[k], g.lower[k], 1e-9);
      expectClose(forecast.upper[k], g.upper[k], 1e-9);
    });
    expectClose(forecast.fitted, g.fitted, 1e-9);
  });
});

describe('baseline edge cases give finite forecasts', () => {
  it.each([
    ['one value', [5]],
    ['two values', [5, 7]],
    ['three values', [1, -2, 4]],
    ['constant', [3, 3, 3, 3, 3, 3]],
    ['all zero', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['negative', [-10, -12, -9, -15, -11, -13]],
  ])('every baseline meets the forecast contract on %s', (_, values) => {
    for (const fit of Object.values(fitters)) {
      expectForecastContract(forecastBaseline(fit(values, 4), 7, [50, 80, 95]), 7, values.length);
    }
  });

  it('seasonal naive with less than one season falls back to the naive forecast', () => {
    const forecast = forecastBaseline(fitSeasonalNaive([4, 6, 5], 12), 3);
    expect(forecast.method).toBe('Naive');
    expect(forecast.mean).toEqual([5, 5, 5]);
  });

  it('a constant series gets zero-width intervals on the constant', () => {
    const forecast = forecastBaseline(fitDrift([3, 3, 3, 3]), 2, [95]);
    expect(forecast.mean).toEqual([3, 3]);
    expect(forecast.lower[0]).toEqual([3, 3]);
    expect(forecast.upper[0]).toEqual([3, 3]);
  });

  it('rejects bad input with named errors', () => {
    expect(() => fitNaive([])).toThrow('fitNaive: needs at least one value');
    expect(() => fitMean([1, NaN])).toThrow('fitMean: values must be finite');
    expect(() => fitSeasonalNaive([1, 2], 0)).toThrow('fitSeasonalNaive: seasonLength must be a positive integer');
    expect(() => forecastBaseline(fitNaive([1, 2]), 0)).toThrow('forecastBaseline: h must be a positive integer');
    expect(() => forecastBaseline(fitNaive([1, 2]), 3, [100])).toThrow('forecastBaseline: levels must be percentages');
  });
});

describe('studentTQuantile', () => {
  // R: qt(c(0.9, 0.975, 0.995, 0.1), c(1, 7, 143, 3))
  it.each([
    [0.9, 1, 3.07768353717525],
    [0.975, 7, 2.36462425159278],
    [0.995, 143, 2.61064697611152],
    [0.1, 3, -1.63774435369621],
  ])('qt(%p, %p) matches R to 1e-10', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 10);
  });
});

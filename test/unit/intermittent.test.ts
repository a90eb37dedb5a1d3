import carpartsGolden from '../fixtures/golden/croston-carparts.json';
import handmadeGolden from '../fixtures/golden/croston-handmade.json';
import {
  fitAdida,
  fitCroston,
  fitIntermittent,
  fitSba,
  fitTsb,
  forecastIntermittent,
  intermittentQuantiles,
  periodDemandSampler,
  quantileOfSamples,
  type IntermittentFit,
  type IntermittentMethod,
} from '../../models/forecast/intermittent';
import { seededRandom } from '../../models/stats/random';

interface GoldenCase {
  name: string;
  alpha: number;
  values: number[];
  mean: number[];
  fitted: (number | null)[];
  sbaMean: number[];
}

const relativeTolerance = 1e-12;
function expectRelativelyClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relativeTolerance * Math.max(1, Math.abs(expected)));
}

function inSampleMse(values: number[], fitted: number[]): number {
  const errors = fitted.flatMap((value, index) => (Number.isFinite(value) ? [(values[index] - value) ** 2] : []));
  return errors.reduce((sum, error) => sum + error, 0) / errors.length;
}

const goldenCases: GoldenCase[] = [...carpartsGolden.cases, ...handmadeGolden.cases];
const methods: IntermittentMethod[] = ['croston', 'sba', 'tsb', 'adida'];

describe('Croston and SBA against R forecast::croston (goldens in test/fixtures/golden/croston-*.json)', () => {
  it.each(goldenCases.map((golden) => [`${golden.name}, alpha ${golden.alpha}`, golden] as const))(
    'fitCroston matches R croston() mean and fitted on %s',
    (_, golden) => {
      const fit = fitCroston(golden.values, { alpha: golden.alpha });
      const forecast = forecastIntermittent(fit, 3);
      forecast.mean.forEach((value, step) => expectRelativelyClose(value, golden.mean[step]));
      expect(fit.fitted).toHaveLength(golden.fitted.length);
      fit.fitted.forEach((value, index) => {
        const expected = golden.fitted[index];
        if (expected === null) expect(value).toBeNaN();
        else expectRelativelyClose(value, expected);
      });
    },
  );

  it.each(goldenCases.map((golden) => [`${golden.name}, alpha ${golden.alpha}`, golden] as const))(
    'fitSba is R croston() times (1 - alpha/2) on %s',
    (_, golden) => {
      expectRelativelyClose(fitSba(golden.values, { alpha: golden.alpha }).rate, golden.sbaMean[0]);
    },
  );

  it('SBA fitted values are the Croston fitted values times (1 - alpha/2)', () => {
    const values = handmadeGolden.cases[0].values;
    const croston = fitCroston(values, { alpha: 0.2 });
    const sba = fitSba(values, { alpha: 0.2 });
    sba.fitted.slice(1).forEach((value, index) => expect(value).toBeCloseTo(croston.fitted[index + 1] * 0.9, 12));
  });

  it('Croston with alpha optimized picks a constant from 0.05..0.3 with in-sample MSE no worse than alpha 0.1', () => {
    const values = carpartsGolden.cases.find((golden) => golden.name === 'carparts 21012378')!.values;
    const optimized = fitCroston(values, { alpha: 'optimize' });
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(optimized.parameters.alpha);
    expect(inSampleMse(values, optimized.fitted)).toBeLessThanOrEqual(inSampleMse(values, fitCroston(values).fitted));
  });

  it('Croston occurrence is one over the smoothed interval: a single demand at period 4 gives 1/4', () => {
    const fit = fitCroston([0, 0, 0, 8, 0]);
    expect(fit.occurrence).toBe(0.25);
    expect(fit.rate).toBe(2);
  });
});

describe('TSB', () => {
  // By hand, alpha = beta = 0.1: first demand 4 at period 2 gives z = 4, p = 1/2; then
  // p: 0.45, 0.405, 0.4645 (demand 2, z = 4 + 0.1(2 - 4) = 3.8), 0.41805; rate = 0.41805 * 3.8 = 1.58859.
  it('matches the hand-computed recursion on [0, 4, 0, 0, 2, 0]', () => {
    const fit = fitTsb([0, 4, 0, 0, 2, 0], { smoothing: { alpha: 0.1, beta: 0.1 } });
    expect(fit.rate).toBeCloseTo(1.58859, 12);
    expect(fit.occurrence).toBeCloseTo(0.41805, 12);
    expect(fit.fitted[0]).toBeNaN();
    [0, 2, 1.8, 1.62, 1.7651].forEach((expected, index) => expect(fit.fitted[index + 1]).toBeCloseTo(expected, 12));
  });

  it('forecasts an item that stopped selling down, where Croston keeps its old rate', () => {
    const values = [3, 2, 4, 3, 2, 3, ...new Array(20).fill(0)];
    expect(fitTsb(values).rate).toBeLessThan(fitCroston(values).rate / 5);
  });

  it('by default picks alpha and beta from the grid, with in-sample MSE no worse than fixed 0.1 and 0.1', () => {
    const values = carpartsGolden.cases.find((golden) => golden.name === 'carparts 21012378')!.values;
    const optimized = fitTsb(values);
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(optimized.parameters.alpha);
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(optimized.parameters.beta);
    expect(inSampleMse(values, optimized.fitted)).toBeLessThanOrEqual(inSampleMse(values, fitTsb(values, { smoothing: { alpha: 0.1, beta: 0.1 } }).fitted));
  });
});

describe('ADIDA', () => {
  // Demands at periods 3, 7, 9, 12: intervals 3, 4, 2, 3, mean 3, so buckets of 3: totals 3, 0, 6, 1.
  // SES alpha 0.2 from 3: 2.4, 3.12, 2.696; rate = 2.696 / 3.
  const values = [0, 0, 3, 0, 0, 0, 2, 0, 4, 0, 0, 1];

  it('aggregates into buckets of the mean interval, smooths them and spreads the forecast equally', () => {
    const fit = fitAdida(values, { alpha: 0.2 });
    expect(fit.parameters.bucketSize).toBe(3);
    expect(fit.rate).toBeCloseTo(2.696 / 3, 12);
    const expectedFitted = [NaN, NaN, NaN, 1, 1, 1, 0.8, 0.8, 0.8, 1.04, 1.04, 1.04];
    fit.fitted.forEach((value, index) => (Number.isNaN(expectedFitted[index]) ? expect(value).toBeNaN() : expect(value).toBeCloseTo(expectedFitted[index], 12)));
  });

  it('drops the oldest periods that do not fill a bucket, so buckets end at the last period', () => {
    // A demand in front: intervals 1, 3, 4, 2, 3 (mean 2.6, buckets of 3), 13 periods, the first one dropped.
    const fit = fitAdida([5, ...values], { alpha: 0.2 });
    expect(fit.parameters.bucketSize).toBe(3);
    expect(fit.rate).toBeCloseTo(2.696 / 3, 12);
    expect(fit.fitted[0]).toBeNaN();
  });

  it('is simple exponential smoothing when demand occurs every period', () => {
    expect(fitAdida([2, 3, 4], { alpha: 0.1 }).rate).toBeCloseTo(2.29, 12);
  });

  it('optimizes its SES constant on the bucket totals over the grid by default', () => {
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(fitAdida(values).parameters.alpha);
  });
});

describe('forecastIntermittent intervals from the simulated one-period demand', () => {
  const values = carpartsGolden.cases.find((golden) => golden.name === 'carparts 11107391')!.values;

  it.each(methods)('%s: bounds are non-negative whole numbers, nested by level, flat over the horizon', (method) => {
    const forecast = forecastIntermittent(fitIntermittent(values, method), 4, { levels: [50, 80, 95] });
    expect(forecast.method).toBe(method);
    for (const bounds of [...forecast.lower, ...forecast.upper]) {
      expect(bounds).toHaveLength(4);
      bounds.forEach((value) => {
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBe(bounds[0]);
      });
    }
    for (let level = 1; level < 3; level++) {
      expect(forecast.lower[level][0]).toBeLessThanOrEqual(forecast.lower[level - 1][0]);
      expect(forecast.upper[level][0]).toBeGreaterThanOrEqual(forecast.upper[level - 1][0]);
    }
    expect(forecast.upper[2][0]).toBeGreaterThan(0);
  });

  it('is repeatable: the same seed gives the same quantiles', () => {
    const fit = fitTsb(values);
    expect(intermittentQuantiles(fit, [0.5, 0.9, 0.99], { seed: 7 })).toEqual(intermittentQuantiles(fit, [0.5, 0.9, 0.99], { seed: 7 }));
  });

  it.each(methods)('%s: the simulated one-period demand has the point forecast as its mean (100000 draws, within 4 standard errors)', (method) => {
    const fit = fitIntermittent(values, method);
    const draw = periodDemandSampler(fit);
    const random = seededRandom(3);
    const draws = Array.from({ length: 100000 }, () => draw(random));
    const sampleMean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    const sampleSd = Math.sqrt(draws.reduce((sum, value) => sum + (value - sampleMean) ** 2, 0) / (draws.length - 1));
    expect(Math.abs(sampleMean - fit.rate)).toBeLessThan((4 * sampleSd) / Math.sqrt(draws.length));
  });

  it('keeps fractional sizes when the history is not whole numbers', () => {
    const quantiles = intermittentQuantiles(fitCroston([0, 1.5, 0, 2.25, 0, 0, 1.75, 0]), [0.99]);
    expect(Number.isInteger(quantiles[0])).toBe(false);
  });

  it('rejects a horizon that is not a positive integer and levels outside (0, 100)', () => {
    const fit = fitCroston(values);
    expect(() => forecastIntermittent(fit, 0)).toThrow('forecastIntermittent: h must be a positive integer');
    expect(() => forecastIntermittent(fit, 2, { levels: [100] })).toThrow('forecastIntermittent: levels must be in (0, 100)');
  });
});

describe('quantileOfSamples (inverse empirical distribution, R type 1)', () => {
  it.each([
    [0, 1],
    [0.25, 1],
    [0.5, 2],
    [0.51, 3],
    [1, 4],
  ])('p = %p of [1, 2, 3, 4] is %p', (p, expected) => {
    expect(quantileOfSamples([1, 2, 3, 4], p)).toBe(expected);
  });

  it('rejects no samples and p outside [0, 1]', () => {
    expect(() => quantileOfSamples([], 0.5)).toThrow('quantileOfSamples: needs at least one sample');
    expect(() => quantileOfSamples([1], 1.5)).toThrow('quantileOfSamples: p must be in [0, 1]');
  });
});

describe('every intermittent method on awkward input', () => {
  const awkward: [string, number[]][] = [
    ['empty', []],
    ['all zero', [0, 0, 0, 0]],
    ['one value', [5]],
    ['a single demand at the end', [0, 0, 7]],
    ['constant', [3, 3, 3, 3, 3]],
    ['negatives', [-2, 0, 4, -1, 3]],
  ];
  const cases = methods.flatMap((method) => awkward.map(([name, values]) => [method, name, values] as const));

  it.each(cases)('%s on %s: finite non-negative forecast, one fitted value per period, no throw', (method, _, values) => {
    const fit: IntermittentFit = fitIntermittent(values, method);
    const forecast = forecastIntermittent(fit, 3);
    expect(forecast.fitted).toHaveLength(values.length);
    for (const series of [forecast.mean, ...forecast.lower, ...forecast.upper]) {
      expect(series).toHaveLength(3);
      series.forEach((value) => {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      });
    }
  });

  it.each(methods)('%s forecasts zero for an all-zero history', (method) => {
    expect(fitIntermittent([0, 0, 0, 0], method).rate).toBe(0);
  });

  it.each(methods)('%s treats negative values as zero demand', (method) => {
    const withNegatives = fitIntermittent([-2, 0, 4, -1, 3, 0, 2], method);
    const withZeros = fitIntermittent([0, 0, 4, 0, 3, 0, 2], method);
    expect(withNegatives.rate).toBe(withZeros.rate);
    expect(withNegatives.sizes).toEqual([4, 3, 2]);
  });

  it('rejects non-finite values and smoothing constants outside (0, 1]', () => {
    expect(() => fitCroston([1, NaN, 2])).toThrow('fitCroston: values must be finite numbers');
    expect(() => fitTsb([1, 0, 2], { smoothing: { alpha: 0.1, beta: 0 } })).toThrow('fitTsb: smoothing constants must be in (0, 1]');
    expect(() => fitSba([1, 0, 2], { alpha: 1.5 })).toThrow('fitSba: smoothing constants must be in (0, 1]');
    expect(() => fitAdida([1, Infinity])).toThrow('fitAdida: values must be finite numbers');
  });
});

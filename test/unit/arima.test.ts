import { readFileSync } from 'fs';
import { join } from 'path';
import { differencingOrder, fitArima, forecastArima, kpssStatistic, type ArimaFit } from '../../models/forecast/arima';
import { smape } from '../../models/forecast/accuracy';
import type { Forecast } from '../../models/forecast/types';

const ndiffsGolden: { cases: { name: string; values: number[]; ndiffs: number; kpss: number }[] } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/golden/arima-ndiffs.json'), 'utf8'),
);
const airPassengers = ndiffsGolden.cases.find((c) => c.name === 'AirPassengers')!.values;
const quarterlyN0781 = ndiffsGolden.cases.find((c) => c.name === 'M3 N0781')!.values;

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
    });
  });
}

describe('differencing order matches R forecast::ndiffs (KPSS)', () => {
  it.each(ndiffsGolden.cases.map((c) => [c.name, c] as const))('%s: KPSS statistic to 1e-9 and ndiffs exactly', (_, c) => {
    expect(Math.abs(kpssStatistic(c.values) - c.kpss)).toBeLessThanOrEqual(1e-9 * c.kpss);
    expect(differencingOrder(c.values)).toBe(c.ndiffs);
  });
});

describe('fitArima', () => {
  it('forecasts AirPassengers 1960 from 1949–1959 within 10% sMAPE, on multiplicatively adjusted data', () => {
    const fit = fitArima(airPassengers.slice(0, 132), 12);
    expect(fit.seasonal.kind).toBe('multiplicative');
    const forecast = forecastArima(fit, 12, [80, 95]);
    expectForecastContract(forecast, 12, 132);
    expect(smape(airPassengers.slice(132), forecast.mean)).toBeLessThan(10);
  });

  it('models a weekly season (m = 52) with Fourier terms and follows it out of sample', () => {
    const pattern = (t: number) => 100 + 30 * Math.sin((2 * Math.PI * t) / 52) + 10 * Math.cos((4 * Math.PI * t) / 52);
    let noiseState = 7;
    const noise = () => {
      noiseState = (noiseState * 16807) % 2147483647;
      return noiseState / 2147483647 - 0.5;
    };
    const values = Array.from({ length: 156 }, (_, t) => pattern(t) + 4 * noise());
    const fit = fitArima(values, 52);
    expect(fit.seasonal.kind).toBe('fourier');
    const forecast = forecastArima(fit, 52);
    expectForecastContract(forecast, 52, 156);
    forecast.mean.forEach((m, i) => expect(Math.abs(m - pattern(156 + i))).toBeLessThan(8));
  });

  it('prints nothing although ctsa warns "non-stationary AR part" on this series', () => {
    // The same package files with a capturing print hook show that the raw package prints for ARIMA(2,1,2),
    // one of the orders fitArima tries here (KPSS gives d = 1).
    const folder = require.resolve('arima').replace(/index\.js$/, '');
    const printed: string[] = [];
    const module = require(`${folder}wasm/native-sync.js`)({
      wasmBinary: require(`${folder}wrapper/native.bin.js`),
      print: (line: string) => printed.push(line),
      printErr: (line: string) => printed.push(line),
    });
    const RawArima = require(`${folder}load.js`)(module);
    new RawArima({ p: 2, d: 1, q: 2 }).train(quarterlyN0781).destroy();
    expect(printed.join('')).toContain('non-stationary AR part');

    const stdout = jest.spyOn(process.stdout, 'write');
    const log = jest.spyOn(console, 'log');
    const fit = fitArima(quarterlyN0781, 1);
    forecastArima(fit, 8);
    expect(stdout).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    stdout.mockRestore();
    log.mockRestore();
  });

  it.each([
    ['one value', [5]],
    ['two values', [5, 7]],
    ['three values', [1, -2, 4]],
    ['constant', Array(30).fill(3)],
    ['all zero', Array(30).fill(0)],
    ['negative with a season', Array.from({ length: 40 }, (_, t) => -50 + 10 * Math.sin((2 * Math.PI * t) / 4) - 0.5 * t)],
  ])('meets the forecast contract on %s', (_, values) => {
    const forecast = forecastArima(fitArima(values, 4), 9, [80, 95]);
    expectForecastContract(forecast, 9, values.length);
  });

  it('falls back to the random walk, and says so, when the package cannot fit the chosen order', () => {
    const fit: ArimaFit = {
      method: 'ARIMA(2,1,2)',
      order: { p: 2, d: 1, q: 2, drift: false },
      aicc: 0,
      seasonal: { kind: 'none' },
      adjusted: [1, 2, 3, 4, 5],
      count: 5,
      fitted: Array(5).fill(NaN),
    };
    const forecast = forecastArima(fit, 3);
    expect(forecast.method).toBe('ARIMA(0,1,0) (fallback from ARIMA(2,1,2))');
    expect(forecast.mean).toEqual([5, 5, 5]);
  });

  it('rejects bad input with named errors', () => {
    expect(() => fitArima([])).toThrow('fitArima: needs at least one value');
    expect(() => fitArima([1, NaN])).toThrow('fitArima: values must be finite');
    expect(() => fitArima([1, 2, 3], 0)).toThrow('fitArima: seasonLength must be a positive integer');
    expect(() => forecastArima(fitArima([1, 2, 3]), 0)).toThrow('forecastArima: h must be a positive integer');
  });
});

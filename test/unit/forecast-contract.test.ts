/**
 * One contract over every forecasting model (as statsforecast's tests/test_models.py): forecast length = h,
 * fitted length = n, one interval per level, intervals nested (80 inside 95), widening with h for the smooth
 * models, and no NaN in the forecast on short, constant and all-zero input.
 */
import { autoForecast, forecastMethods } from '../../models/forecast/auto';
import { fitArima, forecastArima } from '../../models/forecast/arima';
import { fitDrift, fitMean, fitNaive, fitSeasonalNaive, forecastBaseline } from '../../models/forecast/baselines';
import { fitEts, forecastEts } from '../../models/forecast/ets';
import { fitAdida, fitCroston, fitSba, fitTsb, forecastIntermittent } from '../../models/forecast/intermittent';
import { fitOptimisedTheta, fitTheta, forecastOptimisedTheta, forecastTheta } from '../../models/forecast/theta';
import type { Forecast } from '../../models/forecast/types';

type Model = (values: number[], seasonLength: number, h: number, levels: number[]) => Forecast;

const smoothModels: Record<string, Model> = {
  ets: (y, m, h, levels) => forecastEts(fitEts(y, { seasonLength: m }), h, levels),
  theta: (y, m, h, levels) => forecastTheta(fitTheta(y, m), h, levels),
  'optimised theta': (y, m, h, levels) => forecastOptimisedTheta(fitOptimisedTheta(y, m), h, levels),
  arima: (y, m, h, levels) => forecastArima(fitArima(y, m), h, levels),
  naive: (y, _m, h, levels) => forecastBaseline(fitNaive(y), h, levels),
  'seasonal naive': (y, m, h, levels) => forecastBaseline(fitSeasonalNaive(y, m), h, levels),
  drift: (y, _m, h, levels) => forecastBaseline(fitDrift(y), h, levels),
  mean: (y, _m, h, levels) => forecastBaseline(fitMean(y), h, levels),
  'autoForecast (combination)': (y, m, h, levels) => autoForecast(y, { seasonLength: m, horizon: h, levels, method: 'combo' }),
  'autoForecast (auto)': (y, m, h, levels) => autoForecast(y, { seasonLength: m, horizon: h, levels }),
};

const intermittentModels: Record<string, Model> = {
  croston: (y, _m, h, levels) => forecastIntermittent(fitCroston(y), h, { levels }),
  sba: (y, _m, h, levels) => forecastIntermittent(fitSba(y), h, { levels }),
  tsb: (y, _m, h, levels) => forecastIntermittent(fitTsb(y), h, { levels }),
  adida: (y, _m, h, levels) => forecastIntermittent(fitAdida(y), h, { levels }),
};

const everyAutoMethod: Record<string, Model> = Object.fromEntries(
  forecastMethods.map((method) => [
    `autoForecast method '${method}'`,
    (y: number[], m: number, h: number, levels: number[]) => autoForecast(y, { seasonLength: m, horizon: h, levels, method }),
  ]),
);

const allModels = { ...smoothModels, ...intermittentModels, ...everyAutoMethod };

/** A trending, noisy, non-seasonal series (fixed numbers, no random generator needed). */
const trending = Array.from({ length: 40 }, (_, t) => 50 + 1.5 * t + 6 * Math.sin(t * 2.3) + 4 * Math.cos(t * 5.1));
/** Monthly with a season, positive. */
const seasonal = Array.from({ length: 48 }, (_, t) => 100 + t + 20 * Math.sin((2 * Math.PI * t) / 12) + 5 * Math.sin(t * 1.7));
const intermittent = [0, 0, 3, 0, 0, 0, 1, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 3, 0, 0, 2, 0];

const inputs: Record<string, { values: number[]; seasonLength: number }> = {
  'a trending series': { values: trending, seasonLength: 1 },
  'a seasonal monthly series': { values: seasonal, seasonLength: 12 },
  'an intermittent series': { values: intermittent, seasonLength: 12 },
  'a single value': { values: [7], seasonLength: 12 },
  'two values': { values: [7, 9], seasonLength: 12 },
  'three values': { values: [7, 9, 8], seasonLength: 1 },
  'a constant series': { values: new Array(24).fill(5), seasonLength: 12 },
  'an all-zero series': { values: new Array(24).fill(0), seasonLength: 12 },
};

const h = 8;
const levels = [80, 95];

describe.each(Object.entries(allModels))('%s', (_name, model) => {
  it.each(Object.entries(inputs))('on %s: h forecasts, n fitted values, finite nested intervals', (_inputName, { values, seasonLength }) => {
    const forecast = model(values, seasonLength, h, levels);
    expect(forecast.mean).toHaveLength(h);
    expect(forecast.fitted).toHaveLength(values.length);
    expect(forecast.levels).toEqual(levels);
    expect(forecast.lower).toHaveLength(levels.length);
    expect(forecast.upper).toHaveLength(levels.length);
    for (const row of [forecast.mean, ...forecast.lower, ...forecast.upper]) {
      expect(row).toHaveLength(h);
      expect(row.every(Number.isFinite)).toBe(true);
    }
    const [lower80, lower95] = forecast.lower;
    const [upper80, upper95] = forecast.upper;
    const slack = 1e-9 * Math.max(1, ...forecast.mean.map(Math.abs));
    for (let i = 0; i < h; i++) {
      expect(lower95[i]).toBeLessThanOrEqual(lower80[i] + slack);
      expect(lower80[i]).toBeLessThanOrEqual(upper80[i] + slack);
      expect(upper80[i]).toBeLessThanOrEqual(upper95[i] + slack);
    }
  });
});

describe.each(Object.entries(smoothModels))('%s (smooth model)', (_name, model) => {
  it('puts the point forecast inside its intervals and widens them with the horizon on a non-seasonal series', () => {
    const forecast = model(trending, 1, h, levels);
    const widths = forecast.upper[1].map((upper, i) => upper - forecast.lower[1][i]);
    for (let i = 0; i < h; i++) {
      expect(forecast.lower[0][i]).toBeLessThanOrEqual(forecast.mean[i] + 1e-9);
      expect(forecast.mean[i]).toBeLessThanOrEqual(forecast.upper[0][i] + 1e-9);
      if (i > 0) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1] * (1 - 1e-9));
    }
    expect(widths[h - 1]).toBeGreaterThan(0);
  });
});

import { harmonicSeasonalityTest } from '../../models/forecast/seasonality';
import { autoForecast } from '../../models/forecast/auto';
import { fisherUpperTail } from '../../models/stats/fisher';
import { normalDraw, seededRandom } from '../../models/stats/random';

describe('fisherUpperTail matches R (relative 1e-9)', () => {
  // R 4.2.2: sprintf("%.17g", pf(c(0.5, 1, 2.5, 4, 10), d1, d2, lower.tail = FALSE))
  const golden: [number, number, number[]][] = [
    [8, 94, [0.85342888556401875, 0.44142268805167817, 0.01656455655883815, 0.00040537688153957706, 5.5373947593003828e-10]],
    [8, 146, [0.85471230171030899, 0.4386698680186123, 0.014217965189828206, 0.00025739832021383368, 4.7231271517791804e-11]],
    [3, 10, [0.69062224553355733, 0.4323372030216972, 0.11903956265827811, 0.041347681036082599, 0.0023515793333149381]],
    [1, 1, [0.60817344796939288, 0.50000000000000044, 0.35901703597137596, 0.29516723530086642, 0.19498222904213663]],
    [20, 300, [0.96576252097908877, 0.46195011470725855, 0.00048292812216607146, 5.8760891624853559e-8, 2.1582638620545847e-23]],
  ];
  it.each(golden)('F(%i, %i)', (d1, d2, expected) => {
    [0.5, 1, 2.5, 4, 10].forEach((f, i) => expect(Math.abs(fisherUpperTail(f, d1, d2) / expected[i] - 1)).toBeLessThan(1e-9));
  });
  it('is 1 at and below 0', () => expect(fisherUpperTail(0, 3, 10)).toBe(1));
});

const whiteNoise = (length: number, random: () => number) => Array.from({ length }, () => 100 + 10 * normalDraw(random));
/** A yearly pattern of one noise standard deviation: a broad summer rise and a December peak. */
const yearly = (t: number) => 8 * Math.sin((2 * Math.PI * t) / 52) + 12 * Math.exp(-(((t % 52) - 49) ** 2) / 6);

describe('the 52-week season needs evidence (issue 10 item 3)', () => {
  it.each([104, 110, 130, 156])('white noise of %i weeks: the harmonic test finds no season in at least 95 %% of 200 series', (weeks) => {
    const random = seededRandom(weeks);
    const seasonal = Array.from({ length: 200 }, () => harmonicSeasonalityTest(whiteNoise(weeks, random), 52).seasonal).filter(Boolean);
    expect(seasonal.length).toBeLessThanOrEqual(10);
  });

  it.each([104])('white noise of %i weeks: autoForecast leaves at least 95 %% of 200 series unadjusted', (weeks) => {
    const random = seededRandom(1000 + weeks);
    const adjusted = Array.from({ length: 200 }, () => autoForecast(whiteNoise(weeks, random), { seasonLength: 52, horizon: 4, levels: [] }).method)
      .filter((method) => method.includes('seasonally adjusted'));
    expect(adjusted.length).toBeLessThanOrEqual(10);
  });

  it('a real yearly pattern with 2.2 years of history is found and forecast (200 of 200 noisy series found at least 190 times)', () => {
    const random = seededRandom(22);
    const weeks = Math.round(2.2 * 52);
    const series = Array.from({ length: 200 }, () => Array.from({ length: weeks }, (_, t) => 100 + yearly(t) + 8 * normalDraw(random)));
    expect(series.filter((y) => harmonicSeasonalityTest(y, 52).seasonal).length).toBeGreaterThanOrEqual(190);
    const forecast = autoForecast(series[0], { seasonLength: 52, horizon: 52, levels: [] });
    expect(forecast.method).toContain('seasonally adjusted data (m = 52)');
    // Week 49 of the third year (t = 153), the December peak (100 + 12 on the pattern), forecast above the yearly mean.
    expect(forecast.mean[153 - weeks]).toBeGreaterThan(105);
  });

  it('a wandering level (random walk) is not taken for a season in at least 90 % of 200 series', () => {
    const random = seededRandom(3);
    const walks = Array.from({ length: 200 }, () => {
      let level = 100;
      return Array.from({ length: 130 }, () => (level += 3 * normalDraw(random)));
    });
    expect(walks.filter((y) => harmonicSeasonalityTest(y, 52).seasonal).length).toBeLessThanOrEqual(20);
  });

  it('rejects a season length below 2 and reports a constant series as not seasonal', () => {
    expect(() => harmonicSeasonalityTest([1, 2, 3], 1)).toThrow('harmonicSeasonalityTest: seasonLength');
    expect(harmonicSeasonalityTest(new Array(120).fill(5), 52).seasonal).toBe(false);
  });
});

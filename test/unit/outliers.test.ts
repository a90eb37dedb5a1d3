import { readFileSync } from 'fs';
import { join } from 'path';
import { centredRunningMedian, cleanHistory, findLevelShift, findOutliers, interpolateGaps, superSmoother, trackingSignal } from '../../models/forecast/outliers';
import { cleanedForecast, RECENT_PERIODS_KEPT } from '../../models/forecast/cleaned-forecast';
import { autoForecast } from '../../models/forecast/auto';
import { seededRandom } from '../../models/stats/random';

interface OutlierCase {
  name: string;
  seasonLength: number;
  values: Array<number | null>;
  index: number[];
  replacements: number[];
}

// Made by test/fixtures/golden/r/outliers.R (forecast 8.20's tsoutliers, stats::supsmu).
const golden: { cases: OutlierCase[]; supsmu: Array<{ name: string; values: number[]; smooth: number[] }> } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/golden/outliers-tsoutliers.json'), 'utf8'),
);
const series = (name: string) => {
  const found = golden.cases.find((c) => c.name === name)!;
  return { ...found, values: found.values.map((value) => (value === null ? Number.NaN : value)) };
};

function expectRelativelyClose(actual: number[], expected: number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThanOrEqual(tolerance * Math.abs(expected[i])));
}

/** About 200 a week for three years with a yearly swing and fixed pseudo-noise. */
const weekly = Array.from({ length: 156 }, (_, t) => Math.round(200 + 30 * Math.sin((2 * Math.PI * t) / 52) + 12 * Math.sin(t * 2.9) + 7 * Math.cos(t * 1.3)));

describe('superSmoother', () => {
  it.each(golden.supsmu.map((c) => [c.name, c]))('matches R supsmu(seq_along(y), y) on %s', (_, c) => {
    expectRelativelyClose(superSmoother(c.values), c.smooth, 1e-9);
  });
});

describe('findOutliers, as forecast::tsoutliers', () => {
  it.each(['level-spike-dip', 'trend-two-week-promotion', 'level-with-gaps', 'gold', 'nile'])(
    'flags the weeks R flags and replaces them with R values on the non-seasonal series %s',
    (name) => {
      const c = series(name);
      const result = findOutliers(c.values, c.seasonLength);
      expect(result.index).toEqual(c.index);
      expectRelativelyClose(result.replacements, c.replacements, 1e-9);
    },
  );

  // R adjusts seasonal series with robust STL, this module with a robust classical decomposition: the injected
  // outlier is found by both and replaced within 15 % of R's value; R also flags some peaks of the season itself.
  it.each([
    ['weekly-seasonal-spike', 89],
    ['airpassengers-tripled', 49],
  ])('finds the injected outlier of the seasonal series %s, a subset of what R flags', (name, injected) => {
    const c = series(name);
    const result = findOutliers(c.values, c.seasonLength);
    expect(result.index).toContain(injected);
    expect(result.index.every((t) => c.index.includes(t))).toBe(true);
    const ours = result.replacements[result.index.indexOf(injected)];
    const theirs = c.replacements[c.index.indexOf(injected)];
    expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.15 * theirs);
  });

  it('finds nothing in a constant series or one with fewer than 4 values', () => {
    expect(findOutliers(new Array(20).fill(7), 1).index).toEqual([]);
    expect(findOutliers([1, 100, 1], 1).index).toEqual([]);
  });
});

describe('interpolateGaps', () => {
  it('interpolates linearly inside and carries the nearest value at the ends, as approx(rule = 2)', () => {
    expect(interpolateGaps([Number.NaN, 2, Number.NaN, Number.NaN, 8, Number.NaN])).toEqual([2, 2, 4, 6, 8, 8]);
  });
});

describe('findLevelShift', () => {
  it('finds where demand moved to a new level and stayed there', () => {
    const values = [...weekly.slice(0, 100), ...weekly.slice(100, 110).map((value) => value * 2)];
    expect(findLevelShift(values)).toBe(100);
  });

  it('finds none in a series that stays at its level, or after a single high week', () => {
    expect(findLevelShift(weekly)).toBeNull();
    expect(findLevelShift([...weekly.slice(0, 109), weekly[109] * 5])).toBeNull();
  });
});

describe('cleanHistory', () => {
  const spiked = weekly.map((value, t) => (t === 120 ? value * 5 : value));

  it('replaces a promotion week unless an event explains it', () => {
    expect(cleanHistory(spiked, { seasonLength: 52 }).outliers.index).toEqual([120]);
    const explained = spiked.map((_, t) => t === 120);
    const kept = cleanHistory(spiked, { seasonLength: 52, explained });
    expect(kept.outliers.index).toEqual([]);
    expect(kept.values).toEqual(spiked);
  });

  it('keeps the latest weeks and the weeks after a level shift', () => {
    const lastWeekHigh = weekly.map((value, t) => (t === 155 ? value * 5 : value));
    expect(findOutliers(lastWeekHigh, 52).index).toContain(155);
    expect(cleanHistory(lastWeekHigh, { seasonLength: 52, protectRecent: RECENT_PERIODS_KEPT }).outliers.index).toEqual([]);
    const doubled = weekly.map((value, t) => (t >= 146 ? value * 2 : value));
    const history = cleanHistory(doubled, { seasonLength: 52 });
    expect(history.levelShiftAt).toBe(146);
    expect(history.outliers.index.filter((t) => t >= 146)).toEqual([]);
  });
});

describe('cleanedForecast', () => {
  const options = { seasonLength: 52, horizon: 8 };
  const nextWeek = (values: number[], clean = true) => cleanedForecast(values, { ...options, clean }).mean[0];
  const spiked = weekly.map((value, t) => (t === 140 ? value * 5 : value));

  it('moves the next forecast by less than 10 % after a 5x one-week spike, and without cleaning by more', () => {
    const baseline = nextWeek(weekly);
    expect(Math.abs(nextWeek(spiked) - baseline) / baseline).toBeLessThan(0.1);
    // The same spike left in moves it about 9 % (0.07 % cleaned): the test would notice if cleaning did nothing.
    expect(Math.abs(nextWeek(spiked, false) - baseline) / baseline).toBeGreaterThan(0.05);
  });

  it('narrows the error spread the safety stock is built on', () => {
    expect(cleanedForecast(spiked, options).residualSd).toBeLessThan(0.5 * cleanedForecast(spiked, { ...options, clean: false }).residualSd);
  });

  it('reports the week it replaced, and forecasts exactly as autoForecast on the cleaned values', () => {
    const result = cleanedForecast(spiked, options);
    expect(result.cleaned.map(({ index, value }) => [index, value])).toEqual([[140, spiked[140]]]);
    const replaced = spiked.slice();
    replaced[140] = result.cleaned[0].replacement;
    expect(result.mean).toEqual(autoForecast(replaced, options).mean);
  });

  it('never replaces a week by less than zero, so the forecast of demand stays at or above zero', () => {
    // Weekly demand of demo item 248 at location 2 (seedDemoData seed 1, 10,000 SKUs, 156 weeks to 2026-06-30): a
    // slow erratic item with a 14 in week 16, which tsoutliers replaces by −0.3 on this season. With the −0.3 kept,
    // autoForecast took the history for one that may go negative: mean −0.16 at step 10, bounds down to −2.05, and
    // the nightly run failed in the plan stage (bench:pipeline, 10,000 SKUs).
    const slow = [10,0,1,2,0,0,1,0,7,2,3,1,0,0,0,0,14,0,0,3,1,0,1,0,0,6,4,4,4,0,5,9,1,2,10,3,5,2,7,5,2,0,0,1,2,0,1,2,1,1,3,0,3,3,1,1,1,3,1,4,0,12,1,2,2,1,9,3,0,1,1,4,2,2,2,3,0,5,8,1,4,1,2,1,5,22,6,1,3,0,9,9,4,13,4,0,1,2,6,3,1,0,2,1,1,0,0,0,0,2,4,1,0,2,0,5,1,1,0,1,2,2,3,0,1,1,4,1,1,2,8,8,1,1,5,1,4,3,2,8,5,1,5,1,0,1,2,4,1,2,1,3,0,2,5];
    expect(cleanHistory(slow, { seasonLength: 52, protectRecent: RECENT_PERIODS_KEPT }).outliers.replacements[0]).toBeCloseTo(-0.3, 12);
    const result = cleanedForecast(slow, { seasonLength: 52, horizon: 13, levels: [80, 95] });
    expect(result.cleaned[0]).toEqual({ index: 16, value: 14, replacement: 0 });
    for (const row of [result.mean, ...result.lower, ...result.upper]) expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
  });

  it('leaves intermittent demand as it is', () => {
    const intermittent = Array.from({ length: 60 }, (_, t) => (t % 5 === 0 ? 3 + (t % 3) : 0));
    intermittent[30] = 40;
    const result = cleanedForecast(intermittent, { seasonLength: 52, horizon: 4 });
    expect(result.cleaned).toEqual([]);
    expect(result.mean).toEqual(autoForecast(intermittent, { seasonLength: 52, horizon: 4 }).mean);
  });
});

describe('trackingSignal', () => {
  it('is the sum of the last errors over their mean absolute value (Silver, Pyke & Peterson §4.8)', () => {
    // Errors 2, −1, 3, 2: sum 6, mean absolute error 2 → 3.
    expect(trackingSignal([100, 2, -1, 3, 2], 4)).toBe(3);
    // Eight errors of one sign reach ±8, the bound.
    expect(trackingSignal(new Array(8).fill(-5))).toBe(-8);
    expect(trackingSignal([0, 0, 0])).toBe(0);
  });
});

describe('centredRunningMedian', () => {
  /** The median of each centred window, each sorted afresh (R: median(x[(t - half):(t + half)])). */
  const sortedEachTime = (values: number[], half: number) =>
    values.map((_, t) => {
      if (t - half < 0 || t + half >= values.length) return Number.NaN;
      const window = values.slice(t - half, t + half + 1).sort((a, b) => a - b);
      return window[half];
    });

  it('gives the median of every window, as sorting each one does, with ties, negatives and NaN off both ends', () => {
    const random = seededRandom(7);
    for (const [length, half, levels] of [[156, 26, 4], [156, 26, 1000], [40, 6, 3], [13, 1, 2], [53, 26, 10]] as const) {
      // Few levels: windows full of ties, where a value leaving must be found among its equals.
      const values = Array.from({ length }, () => Math.floor(random() * levels) - levels / 2);
      expect(centredRunningMedian(values, half)).toEqual(sortedEachTime(values, half));
    }
  });

  it('is NaN throughout when the window is longer than the series', () => {
    expect(centredRunningMedian([1, 2, 3], 2)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});

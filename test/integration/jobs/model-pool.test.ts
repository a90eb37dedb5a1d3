import type { WeeklySeries } from '../../../db/repositories/sales';
import { ModelPool } from '../../../jobs/model-pool';
import { forecastSeries } from '../../../src/services/forecast-series';
import { seededRandom } from '../../../models/stats/random';

const options = { horizonWeeks: 8, firstPeriodStart: '2026-06-29' };

/** Weekly series of 104 weeks: seasonal, flat and intermittent, with a few out-of-stock weeks. */
function makeSeries(count: number, seed: number): WeeklySeries[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => ({
    itemId: index + 1,
    locationId: 1,
    quantities: Array.from({ length: 104 }, (_, week) => {
      if (index % 3 === 2) return random() < 0.2 ? Math.round(1 + random() * 4) : 0;
      const season = index % 3 === 0 ? 10 * Math.sin((2 * Math.PI * week) / 52) : 0;
      return Math.max(0, Math.round(30 + season + 6 * (random() - 0.5)));
    }),
    outOfStockDays: Array.from({ length: 104 }, (_, week) => (week % 29 === 0 ? 3 : 0)),
  }));
}

describe('ModelPool (model fits on worker threads)', () => {
  let pool: ModelPool;

  beforeAll(() => {
    pool = new ModelPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('returns exactly the rows forecastSeries computes on the main thread', async () => {
    const series = makeSeries(9, 3);
    const rows = await pool.forecast(series, options);
    expect(rows).toEqual(forecastSeries(series, options));
    expect(rows.forecasts).toHaveLength(9 * 8);
    expect(rows.fits).toHaveLength(9);
  });

  it('runs more tasks than threads, queueing the extra ones, and answers each with its own series', async () => {
    const batches = [1, 2, 3, 4, 5].map((seed) => makeSeries(3, seed));
    const results = await Promise.all(batches.map((batch) => pool.forecast(batch, options)));
    results.forEach((rows, index) => expect(rows).toEqual(forecastSeries(batches[index], options)));
  });

  it('keeps the event loop of the calling thread free while the models run', async () => {
    const order: string[] = [];
    const done = pool.forecast(makeSeries(30, 9), options).then(() => order.push('forecast'));
    setImmediate(() => order.push('event loop'));
    await done;
    expect(order[0]).toBe('event loop');
  });

  it("lists a series whose models throw among the task's errors, with no rows; rejects a task that throws, and the thread keeps serving", async () => {
    const failed = await pool.forecast(makeSeries(1, 4), { ...options, horizonWeeks: 0 });
    expect(failed).toEqual({ forecasts: [], fits: [], errors: [{ itemId: 1, locationId: 1, reason: expect.stringMatching(/^forecast failed: .*h must be a positive integer/) }] });
    await expect(pool.forecast(null as never, options)).rejects.toThrow(/not iterable/);
    expect((await pool.forecast(makeSeries(1, 4), options)).fits).toHaveLength(1);
  });

  it('refuses a pool without threads', () => {
    expect(() => new ModelPool(0)).toThrow('ModelPool: size must be a positive integer, got 0');
  });
});

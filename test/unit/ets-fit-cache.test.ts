import { createEtsFitCache, fitEts } from '../../models/forecast/ets';

// A trending weekly-like series without season (the long season is removed before ETS sees weekly data).
const y = Array.from({ length: 80 }, (_, t) => 50 + 0.4 * t + 6 * Math.sin(t * 1.7) + 4 * Math.cos(t * 0.45));

describe('fitEts cache (the combination fits each damped form once)', () => {
  test('the ETS choice and the damped member give the same fits with and without the cache, the damped forms fitted once', () => {
    const cache = createEtsFitCache(y);
    const chosen = fitEts(y, { seasonLength: 1, maxEvaluations: 100, cache });
    const damped = fitEts(y, { seasonLength: 1, model: 'ZAZ', damped: true, maxEvaluations: 100, cache });
    expect(chosen).toEqual(fitEts(y, { seasonLength: 1, maxEvaluations: 100 }));
    expect(damped).toEqual(fitEts(y, { seasonLength: 1, model: 'ZAZ', damped: true, maxEvaluations: 100 }));
    // ZZZ on positive non-seasonal data: A/M error × N, A, Ad trend = 6 forms; ZAZ damped adds none.
    expect([...cache.fits.keys()].sort()).toEqual(['AAN/1/100', 'AAdN/1/100', 'ANN/1/100', 'MAN/1/100', 'MAdN/1/100', 'MNN/1/100']);
  });

  test('a cache made for other values is ignored', () => {
    const other = createEtsFitCache(y.map((v) => v + 1));
    expect(fitEts(y, { seasonLength: 1, maxEvaluations: 100, cache: other })).toEqual(fitEts(y, { seasonLength: 1, maxEvaluations: 100 }));
    expect(other.fits.size).toBe(0);
  });

});

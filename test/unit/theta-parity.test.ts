import { fitTheta, forecastTheta } from '../../models/forecast/theta';
import { largestRelativeDifference, numbers, readCompetitionSeries, readParityCsv } from '../fixtures/golden/r/parity';

// R's thetaf on every M1 and M3 series: test/fixtures/golden/r/theta-parity.R wrote the fixture (R 4.2.2, forecast 8.20).
// Tolerance: relative 1e-6 on every point forecast, the target. Measured: largest 3.3e-12, median 1e-15,
// because fitTheta follows R's own path (same test, same decomposition, same Nelder-Mead from ets's start).
const tolerance = 1e-6;
const { provenance, rows } = readParityCsv('theta-parity.csv.gz');
const series = readCompetitionSeries();

describe(`fitTheta against R on every M1 and M3 series (${provenance.slice(2)})`, () => {
  const results = rows.map((row) => {
    const s = series.get(row.id)!;
    const fit = fitTheta(s.x, Number(row.freq));
    return { row, fit, mean: forecastTheta(fit, Number(row.h)).mean };
  });

  it('has all 4004 series (1001 M1, 3003 M3)', () => {
    expect(results).toHaveLength(4004);
  });

  it('makes the same seasonality decision as thetaf on every series', () => {
    const disagreeing = results.filter(({ row, fit }) => (fit.seasonalFigure !== null) !== (row.seasonal === '1')).map(({ row }) => row.id);
    expect(disagreeing).toEqual([]);
    // Both decisions occur, so the comparison can fail either way.
    expect(results.filter(({ row }) => row.seasonal === '1').length).toBeGreaterThan(500);
  });

  it(`gives thetaf's point forecasts within relative ${tolerance} on every series`, () => {
    const outside = results
      .map(({ row, mean }) => ({ id: row.id, difference: largestRelativeDifference(mean, numbers(row.mean)) }))
      .filter(({ difference }) => !(difference <= tolerance));
    expect(outside).toEqual([]);
  });

  it(`gives thetaf's smoothing parameter, drift and variance within relative ${tolerance}`, () => {
    const outside = results
      .filter(({ row, fit }) => !(largestRelativeDifference(
        [fit.alpha, fit.drift, fit.residualVariance],
        [Number(row.alpha), Number(row.drift), Number(row.sigma2)],
      ) <= tolerance))
      .map(({ row }) => row.id);
    expect(outside).toEqual([]);
  });
});

import { fitEts, forecastEts } from '../../models/forecast/ets';
import { largestRelativeDifference, numbers, readCompetitionSeries, readParityCsv } from '../fixtures/golden/r/parity';

// R's ets() with every default on every 20th M1 and M3 series (200: 50 yearly, 48 quarterly, 102 monthly), written by
// `Rscript test/fixtures/golden/r/ets-parity.R 1 20` (R 4.2.2, forecast 8.20): R's chosen form, its loglik and AICc,
// and the point forecasts of that model. The same script without arguments covers all 4004 series (about 17 CPU
// minutes of R); that run did not finish on the shared machine in this session, so the sample stands in for it.
// Both sides maximise the same likelihood by Nelder-Mead from the same starting values, but not along the same path
// (fitEts optimises a rescaled series, searches beta/alpha and gamma/(1 - alpha), restarts, and allows 250
// evaluations per candidate when choosing against R's 2000), so they stop at different points of flat surfaces.
const { provenance, rows } = readParityCsv('ets-parity-sample.csv.gz');
const series = readCompetitionSeries();

/** R's form "MAdN" as fitEts's method name "ETS(M,Ad,N)". */
const methodName = (form: string): string => `ETS(${form[0]},${form.slice(1, -1)},${form.slice(-1)})`;

// Measured on the 200 series (log-likelihood differences ours − R's, in loglik units; forecasts relative):
// - automatic choice: ours ≥ R's − 0.1 on 187, worst −3.9 (QNI12: fitEts picks ETS(M,N,M), R ETS(M,A,M), whose
//   loglik is 2.4 higher but AICc 2.0 worse: R's own criterion prefers ours); AICc ≤ R's + 0.1 on 194, worst +10.6
//   (MRG10, where R's ETS(M,A,M) beats our ETS(M,Ad,M)); the same form as R's on 155.
// - R's form refitted: ours ≥ R's − 0.1 on 195, worst −3.9; forecasts within 1% on 143, within 10% on 189, worst 1.9
//   (a flat likelihood: two fits a loglik apart extrapolate different trends).
// The bounds sit a little beyond what was measured, so an optimiser change that loses fit shows up.
const chosenLoglikTolerance = 5;
const chosenLoglikCloseShare = 0.9; // of series within 0.1 of R's
const chosenAiccTolerance = 12;
const chosenAiccCloseShare = 0.95; // of series within 0.1 of R's
const sameFormShare = 0.75;
const formLoglikTolerance = 5;
const formLoglikCloseShare = 0.95; // of series within 0.1 of R's
const formForecastShares = [
  { tolerance: 0.01, share: 0.68 },
  { tolerance: 0.1, share: 0.92 },
];
const formForecastWorst = 2.5;

describe(`fitEts's automatic choice against R's ets() (${provenance.slice(2)})`, () => {
  const results = rows.map((row) => {
    const s = series.get(row.id)!;
    return { row, fit: fitEts(s.x, { seasonLength: Number(row.freq) }) };
  });

  it('has the 200 series of the sample', () => {
    expect(results).toHaveLength(200);
  });

  it(`chooses a model whose log-likelihood is at least R's minus ${chosenLoglikTolerance} on every series`, () => {
    const below = results
      .filter(({ row, fit }) => !(fit.loglik >= Number(row.loglik) - chosenLoglikTolerance))
      .map(({ row, fit }) => `${row.id}: ${fit.method} ${fit.loglik.toFixed(2)} against R's ${methodName(row.model)} ${Number(row.loglik).toFixed(2)}`);
    expect(below).toEqual([]);
    const close = results.filter(({ row, fit }) => fit.loglik >= Number(row.loglik) - 0.1).length;
    expect(close / results.length).toBeGreaterThanOrEqual(chosenLoglikCloseShare);
  });

  it(`reaches an AICc at most ${chosenAiccTolerance} above R's on every series`, () => {
    const above = results
      .filter(({ row, fit }) => !(fit.aicc <= Number(row.aicc) + chosenAiccTolerance))
      .map(({ row, fit }) => `${row.id}: ${fit.method} ${fit.aicc.toFixed(2)} against R's ${methodName(row.model)} ${Number(row.aicc).toFixed(2)}`);
    expect(above).toEqual([]);
    const close = results.filter(({ row, fit }) => fit.aicc <= Number(row.aicc) + 0.1).length;
    expect(close / results.length).toBeGreaterThanOrEqual(chosenAiccCloseShare);
  });

  it(`chooses R's model form on at least ${sameFormShare * 100}% of series`, () => {
    const same = results.filter(({ row, fit }) => fit.method === methodName(row.model)).length;
    expect(same / results.length).toBeGreaterThanOrEqual(sameFormShare);
  });
});

describe("fitEts on R's chosen model form against R's ets() on the same series", () => {
  const results = rows.map((row) => {
    const s = series.get(row.id)!;
    const fit = fitEts(s.x, { seasonLength: Number(row.freq), model: row.model });
    return { row, fit, mean: forecastEts(fit, Number(row.h), [80]).mean };
  });

  it(`reaches a log-likelihood at least R's minus ${formLoglikTolerance} on every series`, () => {
    const below = results
      .filter(({ row, fit }) => !(fit.loglik >= Number(row.loglik) - formLoglikTolerance))
      .map(({ row, fit }) => `${row.id} ${fit.method}: ${fit.loglik.toFixed(3)} against R's ${Number(row.loglik).toFixed(3)}`);
    expect(below).toEqual([]);
    const close = results.filter(({ row, fit }) => fit.loglik >= Number(row.loglik) - 0.1).length;
    expect(close / results.length).toBeGreaterThanOrEqual(formLoglikCloseShare);
  });

  it.each(formForecastShares)('forecasts within relative $tolerance of R on at least $share of series', ({ tolerance, share }) => {
    const within = results.filter(({ row, mean }) => largestRelativeDifference(mean, numbers(row.mean)) <= tolerance).length;
    expect(within / results.length).toBeGreaterThanOrEqual(share);
  });

  it(`forecasts within relative ${formForecastWorst} of R on every series`, () => {
    const outside = results.filter(({ row, mean }) => !(largestRelativeDifference(mean, numbers(row.mean)) <= formForecastWorst)).map(({ row }) => row.id);
    expect(outside).toEqual([]);
});
});

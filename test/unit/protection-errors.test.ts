import fc from 'fast-check';
import type { EtsFit } from '../../models/forecast/ets';
import { fitEts } from '../../models/forecast/ets';
import { normalQuantile } from '../../models/stats/normal';
import {
  conformalQuantile,
  errorQuantile,
  errorQuantileAt,
  protectionErrorProbabilities,
  protectionErrorsAt,
  summariseProtectionErrors,
  type ProtectionErrorSummary,
} from '../../models/forecast/protection-errors';

/**
 * Simple exponential smoothing with α = 1 is the naive forecast: the state after demand[0 … o − 1] is demand[o − 1]
 * (l0 before the first value), and the forecast total over H periods is H × that. Its errors can be written down by
 * hand. k = 2 estimated parameters (α and l0), so n errors are inflated by √((n + 2)/(n − 2)).
 */
function naiveFit(errorType: 'A' | 'M', initialLevel: number): EtsFit {
  return {
    method: `ETS(${errorType},N,N)`,
    errorType,
    trendType: 'N',
    seasonType: 'N',
    damped: false,
    seasonLength: 1,
    parameters: { alpha: 1, beta: null, gamma: null, phi: null },
    initialState: [initialLevel],
  } as EtsFit;
}

describe('summariseProtectionErrors: hand-made series under the naive model (α = 1)', () => {
  // One-period errors: 50 − l0 = 0, then the first differences 5, −3, 8, −1, 10, −6, 2, 7, −9, 4, 1.
  // Sorted: −9, −6, −3, −1, 0, 1, 2, 4, 5, 7, 8, 10 (n = 12); inflation √(14/10) = 1.183216.
  const demand = [50, 55, 52, 60, 59, 69, 63, 65, 72, 63, 67, 68];
  const summary = summariseProtectionErrors(demand, naiveFit('A', 50), 3) as ProtectionErrorSummary;

  it('keeps horizons 1, 2, 3 with absolute errors', () => {
    expect(summary.scale).toBe('absolute');
    expect(summary.horizons).toEqual([1, 2, 3]);
  });

  it('H = 1: root mean square √(386/12)·1.183216 = 6.711; conformal ranks ⌈13p⌉ up to 80 %: 7th (2), 11th (8) smallest × 1.183216', () => {
    const [rootMeanSquare, q50, q80] = summary.rows[0];
    expect(rootMeanSquare).toBe(6.711);
    expect(q50).toBe(2.366);
    expect(q80).toBe(9.466);
  });

  it('H = 1 above 80 %: the exponential tail past the 80 % quantile 8, whose one excess (10) gives β = 2: 8 + 2·ln(0.2/(1 − p)), × 1.183216', () => {
    // p = 0.85: 8 + 2·ln(4/3) = 8.5754 → 10.15; 0.9: 8 + 2·ln 2 → 11.11; 0.95: 8 + 2·ln 4 → 12.75; 0.975: ln 8 → 14.39;
    // 0.98: ln 10 → 14.91; 0.99: ln 20 → 16.55; 0.995: ln 40 → 18.2. The conformal rank would be the largest error (11.83) from 90 % on.
    expect(summary.rows[0].slice(3)).toEqual([10.15, 11.11, 12.75, 14.39, 14.91, 16.55, 18.2]);
  });

  it('H = 2: errors demand[o] + demand[o + 1] − 2·demand[o − 1] (o = 0: against 2·l0) from 11 origins, × √(13/9) = 1.20185', () => {
    // 105 − 100 = 5, 107 − 100 = 7, 112 − 110 = 2, 119 − 104 = 15, 128 − 120 = 8, 132 − 118 = 14, 128 − 138 = −10,
    // 137 − 126 = 11, 135 − 130 = 5, 130 − 144 = −14, 135 − 126 = 9; sorted −14, −10, 2, 5, 5, 7, 8, 9, 11, 14, 15.
    // Σe² = 1086 → √(1086/11)·1.20185 = 11.94; ranks ⌈12p⌉: 6th (7), 10th (14); at 85 % the tail past 14 (one
    // excess, 15: β = 1): 14 + ln(4/3) = 14.2877 → 17.17.
    expect(summary.rows[1].slice(0, 4)).toEqual([11.94, 8.413, 16.83, 17.17]);
  });

  it('stores errors too small to matter (and for PostgreSQL\'s real, which rejects ~1e-38 and below) as 0', () => {
    // The same series scaled by 1e-170: every error is ~1e-170 and would fail the insert into forecast_fits (a 100k-SKU
    // bench run did); the 1-period root mean square of the unscaled series stays what it was.
    const tiny = summariseProtectionErrors(demand.map((value) => value * 1e-170), naiveFit('A', 50e-170), 3) as ProtectionErrorSummary;
    expect(tiny.rows.flat().every((value) => value === 0)).toBe(true);
    expect(summary.rows[0][0]).toBe(6.711);
  });

  it('multiplicative error: errors relative to the forecast total (scale relative)', () => {
    // Naive from l0 = 10 over 10, 12, 9, 12, 15, 12, 16, 20: one-period errors 0, 0.2, −0.25, 1/3, 0.25, −0.2, 1/3, 0.25;
    // n = 8, inflation √(10/6) = 1.290994; ⌈9 × 0.5⌉ = 5th smallest 0.25 → 0.3227; ⌈9 × 0.8⌉ = 8th, 1/3 → 0.4303.
    const relative = summariseProtectionErrors([10, 12, 9, 12, 15, 12, 16, 20], naiveFit('M', 10), 2) as ProtectionErrorSummary;
    expect(relative.scale).toBe('relative');
    expect(relative.rows[0].slice(1, 3)).toEqual([0.3227, 0.4303]);
  });

  it('measures the errors against `actual` when given: the state still follows `demand` (the cleaned history the model saw)', () => {
    // Week 6 (69) cleaned to 61 for the fit; it still happened. The naive state follows the cleaned series, the errors
    // the demand as it was: the one-period error at origin 5 is 69 − 59 = 10 against the cleaned 61 − 59 = 2.
    const cleaned = [...demand];
    cleaned[5] = 61;
    const asFitted = summariseProtectionErrors(cleaned, naiveFit('A', 50), 1) as ProtectionErrorSummary;
    const asItWas = summariseProtectionErrors(cleaned, naiveFit('A', 50), 1, demand) as ProtectionErrorSummary;
    // One-period errors as it was: 0, 5, −3, 8, −1, 10, −2 (63 − 61 from the cleaned state), 2, 7, −9, 4, 1; Σe² = 354.
    expect(asItWas.rows[0][0]).toBe(Number((Math.sqrt(354 / 12) * Math.sqrt(14 / 10)).toPrecision(4)));
    expect(asItWas.rows[0][0]).toBeGreaterThan(asFitted.rows[0][0]);
    expect(() => summariseProtectionErrors(cleaned, naiveFit('A', 50), 1, demand.slice(1))).toThrow('summariseProtectionErrors: actual must be 12 finite numbers, as many as demand');
  });

  it('keeps a horizon only while it has more errors than estimated parameters; null when even H = 1 has not', () => {
    // 3 values: 3 errors at H = 1, 2 at H = 2 (not more than k = 2).
    expect(summariseProtectionErrors([5, 6, 7], naiveFit('A', 5), 4)?.horizons).toEqual([1]);
    expect(summariseProtectionErrors([5, 6], naiveFit('A', 5), 4)).toBeNull();
  });

  it('horizons 1, 2, 3, 4, 6, 8, 12, 16, 24 below the largest, and the largest itself', () => {
    const long = Array.from({ length: 156 }, (_, t) => 100 + 10 * Math.sin(t / 3) + (t % 7));
    expect(summariseProtectionErrors(long, naiveFit('A', 100), 26)?.horizons).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 24, 26]);
  });

  it('rejects a horizon that is not a whole number ≥ 1', () => {
    expect(() => summariseProtectionErrors(demand, naiveFit('A', 50), 0)).toThrow('summariseProtectionErrors: maxHorizon must be a whole number ≥ 1, got 0');
  });
});

describe('errorQuantile: conformal up to 80 %, an exponential tail above', () => {
  const grid = (n: number, quantile: (u: number) => number) => Float64Array.from({ length: n }, (_, i) => quantile((i + 1) / (n + 1)));

  it('is the conformal quantile at and below 80 %', () => {
    const sorted = grid(99, (u) => u);
    for (const p of [0.5, 0.7, 0.8]) expect(errorQuantile(sorted, p)).toBe(conformalQuantile(sorted, p));
  });

  it('recovers an exponential distribution\'s quantiles: −ln(1 − p) at 95 / 99 / 99.5 % (2.996 / 4.605 / 5.298) within 2 % on 9,999 evenly spread errors', () => {
    const sorted = grid(9999, (u) => -Math.log(1 - u));
    expect(errorQuantile(sorted, 0.95)).toBeCloseTo(2.996, 1);
    for (const p of [0.95, 0.99, 0.995]) expect(Math.abs(errorQuantile(sorted, p) / -Math.log(1 - p) - 1)).toBeLessThan(0.02);
  });

  it('on normal errors gives about 2.51 σ at 99 % (exact 2.326): u = 0.8416, mean excess φ(u)/0.2 − u = 0.5582', () => {
    const sorted = grid(9999, (u) => normalQuantile(u));
    expect(errorQuantile(sorted, 0.99)).toBeCloseTo(0.8416 + 0.5582 * Math.log(20), 2);
  });

  it('keeps rising past the largest error, where an order statistic would stop: 98 % and 99 % differ on 60 errors', () => {
    const sorted = grid(60, (u) => -Math.log(1 - u));
    expect(conformalQuantile(sorted, 0.98)).toBe(conformalQuantile(sorted, 0.99));
    expect(errorQuantile(sorted, 0.99)).toBeGreaterThan(errorQuantile(sorted, 0.98));
    expect(errorQuantile(sorted, 0.98)).toBeGreaterThan(errorQuantile(sorted, 0.95));
  });

  it('is the threshold itself when no error lies beyond it', () => {
    expect(errorQuantile(Float64Array.from([1, 2, 3, 3, 3, 3, 3, 3, 3, 3]), 0.99)).toBe(3);
  });
});

describe('protectionErrorsAt and errorQuantileAt: reading the summary between its points', () => {
  const probabilities = protectionErrorProbabilities.length;
  const row = (scale: number) => [scale, ...Array.from({ length: probabilities }, (_, j) => scale * (j + 1))];
  const summary: ProtectionErrorSummary = { scale: 'absolute', horizons: [1, 2, 4], rows: [row(1), row(2), row(6)] };

  it('linear between horizons: H = 3 is halfway between rows 2 and 6 → 4', () => {
    const errors = protectionErrorsAt(summary, 3);
    expect(errors.rootMeanSquare).toBe(4);
    expect(errors.quantiles[0]).toBe(4);
    expect(errors.extrapolated).toBe(false);
  });

  it('√H below one period (H = 0.25 → half of row 1) and past the last horizon (H = 16 → 2 × row 4, flagged)', () => {
    expect(protectionErrorsAt(summary, 0.25).rootMeanSquare).toBe(0.5);
    const beyond = protectionErrorsAt(summary, 16);
    expect(beyond.rootMeanSquare).toBe(12);
    expect(beyond.extrapolated).toBe(true);
  });

  it('linear between grid probabilities: 0.96 is 2/5 of the way from 0.95 (5th) to 0.975 (6th); null outside 0.5 … 0.995', () => {
    const errors = protectionErrorsAt(summary, 1);
    expect(errorQuantileAt(errors, 0.95)).toBe(5);
    expect(errorQuantileAt(errors, 0.96)).toBeCloseTo(5.4, 12);
    expect(errorQuantileAt(errors, 0.5)).toBe(1);
    expect(errorQuantileAt(errors, 0.999)).toBeNull();
    expect(errorQuantileAt(errors, 0.4)).toBeNull();
  });
});

describe('summariseProtectionErrors: properties', () => {
  it('quantiles rise with the probability, and the root mean square is ≥ 0, on any positive series', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 8, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (values, horizon) => {
        const summary = summariseProtectionErrors(values, naiveFit('A', values[0]), horizon);
        if (summary === null) return;
        for (const [rootMeanSquare, ...quantiles] of summary.rows) {
          expect(rootMeanSquare).toBeGreaterThanOrEqual(0);
          for (let j = 1; j < quantiles.length; j++) expect(quantiles[j]).toBeGreaterThanOrEqual(quantiles[j - 1]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a constant series under the naive model has no error at any horizon', () => {
    const summary = summariseProtectionErrors(new Array(20).fill(7), naiveFit('A', 7), 4) as ProtectionErrorSummary;
    expect(summary.rows.flat().every((value) => value === 0)).toBe(true);
  });

  it('stays a few hundred bytes for 3 years of weekly history and a 26-week horizon (a fitted ETS)', () => {
    const weekly = Array.from({ length: 156 }, (_, t) => 200 + 40 * Math.sin((2 * Math.PI * t) / 13) + ((t * 37) % 23));
    const fit = fitEts(weekly, { seasonLength: 1 });
    const summary = summariseProtectionErrors(weekly, fit, 26) as ProtectionErrorSummary;
    expect(summary.rows).toHaveLength(10);
    expect(JSON.stringify(summary).length).toBeLessThan(800);
  });
});

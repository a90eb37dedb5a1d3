import fc from 'fast-check';
import type { EtsFit } from '../../models/forecast/ets';
import { fitEts } from '../../models/forecast/ets';
import {
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

  it('H = 1: root mean square √(386/12)·1.183216 = 6.711; conformal ranks ⌈13p⌉: 7th (2), 11th (8), 12th (10) smallest × 1.183216', () => {
    const [rootMeanSquare, q50, q80, q85, q90, ...upper] = summary.rows[0];
    expect(rootMeanSquare).toBe(6.711);
    expect(q50).toBe(2.366);
    expect(q80).toBe(9.466);
    expect(q85).toBe(11.83);
    // ⌈13 × 0.9⌉ = 12 and beyond: the largest error, 10.
    expect([q90, ...upper]).toEqual(new Array(6).fill(11.83));
  });

  it('H = 2: errors demand[o] + demand[o + 1] − 2·demand[o − 1] (o = 0: against 2·l0) from 11 origins, × √(13/9) = 1.20185', () => {
    // 105 − 100 = 5, 107 − 100 = 7, 112 − 110 = 2, 119 − 104 = 15, 128 − 120 = 8, 132 − 118 = 14, 128 − 138 = −10,
    // 137 − 126 = 11, 135 − 130 = 5, 130 − 144 = −14, 135 − 126 = 9; sorted −14, −10, 2, 5, 5, 7, 8, 9, 11, 14, 15.
    // Σe² = 1086 → √(1086/11)·1.20185 = 11.94; ranks ⌈12p⌉: 6th (7), 10th (14), 11th (15).
    expect(summary.rows[1].slice(0, 4)).toEqual([11.94, 8.413, 16.83, 18.03]);
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

import { autoForecast, type PinnedModel } from '../../models/forecast/auto';
import { cleanedForecast } from '../../models/forecast/cleaned-forecast';
import { fitEts } from '../../models/forecast/ets';
import { fitCroston, forecastIntermittent } from '../../models/forecast/intermittent';

/** 84 months, trending and seasonal, with fixed pseudo-noise; the first 80 are what the earlier selection saw. */
const history = Array.from({ length: 84 }, (_, t) => 200 + 2 * t + 40 * Math.sin((2 * Math.PI * t) / 12) + 8 * Math.sin(t * 2.9));
const earlier = history.slice(0, 80);
const sparsePattern = [0, 0, 3, 0, 0, 0, 1, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 6, 0, 0, 1, 0];
const sparse = [...sparsePattern, ...sparsePattern.slice(0, 24)];
const options = { seasonLength: 12, horizon: 6 };

describe('autoForecast with a pinned model (weekly re-selection)', () => {
  it('refits the pinned smooth model: same candidate and ETS form, parameters re-estimated on the new history', () => {
    const chosen = autoForecast(earlier, options);
    expect(chosen.pin).toEqual({
      family: 'smooth', model: 'combo-mean', etsModel: expect.stringMatching(/^[AM][NA]d?[NAM]$/), dampedModel: expect.stringMatching(/^[AM]Ad[NAM]$/), longSeason: false,
      calibration: { ...chosen.calibration, levels: [80, 95] },
    });

    const refit = autoForecast(history, { ...options, pinned: chosen.pin });
    expect(refit.selection).toBe('pinned');
    expect(refit.pin).toEqual(chosen.pin);
    expect(refit.method).toBe(chosen.method);
    // The refit's ETS is that one form fitted to all 84 values (100 evaluations: etsEvaluations in auto.ts).
    const form = chosen.pin!.etsModel!;
    const direct = fitEts(history, { seasonLength: 12, model: form, damped: form.includes('d'), maxEvaluations: 100 });
    expect(refit.ets!.fit.method).toBe(direct.method);
    expect(refit.ets!.fit.parameters).toEqual(direct.parameters);
    expect(refit.ets!.fit.parameters).not.toEqual(chosen.ets!.fit.parameters);
  });

  it("applies the selection's band calibration to the refit's own bands instead of refitting at every origin", () => {
    const chosen = autoForecast(earlier, options);
    expect(chosen.calibration!.origins).toBeGreaterThan(0);
    const refit = autoForecast(history, { ...options, pinned: chosen.pin });
    expect(refit.calibration).toEqual(chosen.calibration);
    // The same refit with its bands uncalibrated, scaled by hand about the mean: mean + factor × step^growth × (bound − mean).
    const uncalibrated = autoForecast(history, { ...options, pinned: chosen.pin, calibrationOrigins: 0 });
    const { factors, growth } = chosen.calibration!;
    expect(uncalibrated.mean).toEqual(refit.mean);
    uncalibrated.upper.forEach((row, level) =>
      row.forEach((bound, i) => expect(refit.upper[level][i]).toBeCloseTo(refit.mean[i] + factors[level] * (i + 1) ** growth[level] * (bound - refit.mean[i]), 9)),
    );
    // A pin without a usable calibration (an older pin, other levels, a factor stored as null) calibrates afresh.
    const { calibration: _dropped, ...bare } = chosen.pin!;
    const fresh = autoForecast(history, { ...options, pinned: bare });
    expect(fresh.calibration!.origins).toBeGreaterThan(0);
    expect(fresh.calibration).not.toEqual(chosen.calibration);
    expect(autoForecast(history, { ...options, levels: [50, 80, 95], pinned: chosen.pin }).calibration).not.toEqual(chosen.calibration);
    const corrupt = { ...chosen.pin!, calibration: { ...chosen.pin!.calibration!, factors: [null as unknown as number, 1] } };
    expect(autoForecast(history, { ...options, pinned: corrupt }).calibration).toEqual(fresh.calibration);
  });

  it('keeps the pinned ETS form even where choosing afresh would pick another', () => {
    const pinned: PinnedModel = { family: 'smooth', model: 'ets', etsModel: 'ANN', longSeason: false };
    const fresh = autoForecast(history, options);
    expect(fresh.ets!.fit.method).not.toBe('ETS(A,N,N)');
    const refit = autoForecast(history, { ...options, pinned });
    expect(refit).toMatchObject({ selection: 'pinned', method: 'ETS(A,N,N)', candidates: [], pin: pinned });
  });

  it('refits the pinned intermittent method without the holdout', () => {
    const chosen = autoForecast(sparse, options);
    expect(chosen.selection).toBe('holdout');
    expect(chosen.pin).toEqual({ family: 'intermittent', model: chosen.method });

    const refit = autoForecast(sparse, { ...options, pinned: { family: 'intermittent', model: 'croston' } });
    expect(refit).toMatchObject({ selection: 'pinned', method: 'croston', candidates: [] });
    expect(refit.mean).toEqual(forecastIntermittent(fitCroston(sparse), 6).mean);
  });

  it('chooses again when the series left the family, the history is short, or the pinned form no longer fits', () => {
    const smoothPin = autoForecast(earlier, options).pin;
    expect(autoForecast(sparse, { ...options, pinned: smoothPin }).selection).toBe('holdout');
    expect(autoForecast(history.slice(0, 40), { ...options, pinned: smoothPin }).selection).toBe('class');

    // Multiplicative errors need positive data: after a zero, the pinned candidate is refitted with its ETS form chosen again.
    const withZero = history.map((value, t) => (t === 82 ? 0 : value));
    const pinned: PinnedModel = { family: 'smooth', model: 'combo-mean', etsModel: 'MNN', longSeason: false };
    const result = autoForecast(withZero, { ...options, pinned });
    expect(result.selection).toBe('pinned');
    expect(result.pin!.etsModel).toMatch(/^A/);
  });

  it('refits on a calibration window with zeros a damped form chosen with multiplicative error on seasonally adjusted data', () => {
    // Demo-catalogue SKU 80 (db/seeds/demo.ts, seed 1), weekly totals of its first location: the 104-week warm-up of
    // `replen replay --warmup 104` that failed with "fitEts: multiplicative error needs strictly positive data". Cleaned
    // and seasonally adjusted (m = 52) it is strictly positive and the damped member picks M,Ad,N; the calibration
    // origins, shorter than two seasons, refit it on unadjusted weeks that hold the zeros of weeks 21 and 45.
    const sku80 = [
      86, 98, 76, 98, 81, 56, 82, 97, 94, 77, 76, 101, 181, 157, 100, 134, 123, 94, 69, 37, 0, 61, 88, 82, 80, 80, 81, 68, 60, 53, 70, 49, 45, 35, 65, 40,
      52, 43, 80, 100, 68, 35, 51, 12, 0, 80, 47, 53, 48, 69, 59, 70, 64, 103, 79, 86, 82, 80, 83, 87, 99, 85, 99, 70, 99, 84, 103, 199, 189, 100, 70, 87,
      87, 74, 81, 69, 63, 62, 60, 98, 55, 46, 54, 1, 50, 50, 49, 53, 158, 186, 52, 34, 47, 51, 53, 68, 58, 30, 43, 63, 50, 75, 83, 62,
    ];
    const result = cleanedForecast(sku80, { seasonLength: 52, horizon: 26, levels: [80, 95] });
    expect(result.pin).toMatchObject({ family: 'smooth', longSeason: true, dampedModel: 'MAdN' });
    expect(result.method).toContain('ETS(M,Ad,N)');
    // The bands were calibrated on those windows (the refits there chose additive errors), not left uncalibrated.
    expect(result.calibration).toBeDefined();
    for (const row of [result.mean, ...result.lower, ...result.upper]) for (const value of row) expect(Number.isFinite(value) && value >= 0).toBe(true);
  });
});

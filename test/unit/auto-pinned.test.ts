import { autoForecast, type PinnedModel } from '../../models/forecast/auto';
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

    // Multiplicative errors need positive data: after a zero, the pin cannot be refitted.
    const withZero = history.map((value, t) => (t === 82 ? 0 : value));
    const pinned: PinnedModel = { family: 'smooth', model: 'combo-mean', etsModel: 'MNN', longSeason: false };
    const result = autoForecast(withZero, { ...options, pinned });
    expect(result.selection).toBe('class');
    expect(result.pin!.etsModel).toMatch(/^A/);
  });
});

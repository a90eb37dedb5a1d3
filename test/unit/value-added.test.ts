/**
 * Forecast value added of buyers' overrides (models/forecast/value-added.ts) on a hand-worked example:
 * buyer A: weeks (actual 100, statistical 80, override 95) and (50, 60, 70):
 *   statistical errors 20, 10 → MAE 15, APE 20 %, 20 % → MAPE 20; override errors 5, 20 → MAE 12.5,
 *   APE 5 %, 40 % → MAPE 22.5; FVA = 15 − 12.5 = 2.5; the override closer in 1 week of 2.
 * buyer B: one week (0, 10, 0): MAE 10 and 0, no MAPE (no demand), FVA 10, closer in 1.
 */
import { forecastValueAdded, overriddenWeek } from '../../models/forecast/value-added';

describe('forecast value added', () => {
  it('compares the overridden and the statistical forecast with the actual demand per group (hand-worked)', () => {
    const result = forecastValueAdded([
      { group: 'A', actual: 100, statistical: 80, override: 95 },
      { group: 'B', actual: 0, statistical: 10, override: 0 },
      { group: 'A', actual: 50, statistical: 60, override: 70 },
    ]);
    expect(result).toEqual([
      { group: 'A', weeks: 2, statisticalMae: 15, overrideMae: 12.5, statisticalMape: 20, overrideMape: 22.5, valueAdded: 2.5, overrideCloser: 1 },
      { group: 'B', weeks: 1, statisticalMae: 10, overrideMae: 0, statisticalMape: null, overrideMape: null, valueAdded: 10, overrideCloser: 1 },
    ]);
  });

  it('overrides a week with absolute units or a percentage of the statistical forecast, never below zero', () => {
    expect(overriddenWeek(80, { mode: 'absolute', value: 120 })).toBe(120);
    expect(overriddenWeek(80, { mode: 'percent', value: 25 })).toBe(100);
    expect(overriddenWeek(80, { mode: 'percent', value: -50 })).toBe(40);
    expect(overriddenWeek(-5, { mode: 'percent', value: 10 })).toBe(0);
  });
});

import type { ItemForecast } from '../../../db/repositories/forecasts';
import type { ForecastOverride } from '../../../db/repositories/overrides';
import { overriddenForecast } from '../../../src/services/planning/forecast-overrides';

const forecast: ItemForecast = {
  itemId: 1,
  locationId: 1,
  method: 'ets',
  demandClass: 'smooth',
  errorSd: 5,
  protectionErrors: null,
  mean: [100, 100, 100, 100],
  periodStarts: ['2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28'],
};
const override = (fields: Partial<ForecastOverride>): ForecastOverride => ({
  id: 1,
  itemId: 1,
  sku: 'A',
  locationId: 1,
  locationCode: 'L',
  startDate: '2026-12-10',
  endDate: '2026-12-15',
  mode: 'absolute',
  value: 250,
  reason: 'promotion',
  note: '',
  expiresOn: '2026-12-31',
  createdBy: 'ann',
  createdAt: '',
  updatedAt: '',
  cancelledAt: null,
  cancelledBy: null,
  version: 1,
  ...fields,
});

describe('overriddenForecast (the plan stage step for buyers overrides)', () => {
  it('overrides every week that overlaps the range, leaves the others and says so', () => {
    const { forecast: planned, note } = overriddenForecast(forecast, [override({})]);
    expect(planned.mean).toEqual([250, 250, 100, 100]);
    expect(note).toBe('buyer override 1 (promotion, by ann): 2 weeks from 2026-12-07 planned at 250 per week');
  });

  it('lets the newest of two overlapping overrides win, each named in the note', () => {
    const older = override({ id: 3, mode: 'percent', value: -20, startDate: '2026-12-14', endDate: '2027-01-03', reason: 'lost-customer' });
    const newer = override({ id: 7, startDate: '2026-12-21', endDate: '2026-12-21' });
    const { forecast: planned, note } = overriddenForecast(forecast, [older, newer]);
    expect(planned.mean).toEqual([100, 80, 250, 80]);
    expect(note).toBe(
      'buyer override 3 (lost-customer, by ann): 2 weeks from 2026-12-14 planned at the forecast -20 %; buyer override 7 (promotion, by ann): 1 week from 2026-12-21 planned at 250 per week',
    );
  });

  it('changes nothing without an override in the horizon', () => {
    expect(overriddenForecast(forecast, undefined)).toEqual({ forecast });
    expect(overriddenForecast(forecast, [override({ startDate: '2027-02-01', endDate: '2027-02-07' })])).toEqual({ forecast });
  });
});

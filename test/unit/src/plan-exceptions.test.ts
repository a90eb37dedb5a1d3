import { planExceptions, type PlannedPair } from '../../../src/services/planning/plan-exceptions';

const steady = new Array(26).fill(100);
const pair = (overrides: Partial<PlannedPair>): PlannedPair => ({
  itemId: 1,
  locationId: 2,
  forecastMean: new Array(8).fill(100),
  leadTimeDays: 14,
  history: steady,
  order: null,
  ...overrides,
});

describe('planExceptions', () => {
  it('flags a forecast over the lead time above twice the last 13 weeks rate, with the numbers', () => {
    // 14 days = 2 weeks: forecast 250 + 250 = 500 against 2 × 100 = 200 → 2.5x.
    const [jump] = planExceptions(pair({ forecastMean: [250, 250, 250] }));
    expect(jump).toMatchObject({
      kind: 'forecast-jump',
      details: { forecastOverLeadTime: 500, recentWeeklyRate: 100, recentRateOverLeadTime: 200, ratio: 2.5 },
    });
    expect(planExceptions(pair({ forecastMean: [200, 200, 200] }))).toEqual([]);
  });

  it('counts a part week of lead time in part', () => {
    // 17.5 days = 2.5 weeks: 300 + 300 + 0.5 × 300 = 750 against 250 → 3x.
    expect(planExceptions(pair({ forecastMean: [300, 300, 300], leadTimeDays: 17.5 }))[0].details).toMatchObject({ forecastOverLeadTime: 750, ratio: 3 });
  });

  it('flags an order worth more than 26 weeks of recent demand', () => {
    const order = { quantity: 2700, unitCost: 4, currency: 'EUR' };
    const [jump] = planExceptions(pair({ order }));
    expect(jump).toMatchObject({ kind: 'order-value-jump', details: { orderValue: 10800, weeksOfRecentDemand: 27, currency: 'EUR' } });
    expect(planExceptions(pair({ order: { ...order, quantity: 2600 } }))).toEqual([]);
  });

  it('judges nothing on fewer than 13 weeks or no recent demand', () => {
    const big = { forecastMean: [1000, 1000], order: { quantity: 1e6, unitCost: 1, currency: 'EUR' } };
    expect(planExceptions(pair({ ...big, history: new Array(12).fill(100) }))).toEqual([]);
    expect(planExceptions(pair({ ...big, history: new Array(20).fill(0) }))).toEqual([]);
    expect(planExceptions(pair({ ...big, history: undefined }))).toEqual([]);
  });
});

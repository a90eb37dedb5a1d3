/**
 * Events in a weekly series (models/forecast/events.ts) on one hand-worked example, every figure worked out below:
 *
 * weekly demand 100, 100, 100, 100, 160, 100, 100, 100, 120 (weeks 0–8, days 0–62), a promotion on all of week 4
 * (days 28–34) and one on 3 days of week 8 (days 56–58).
 * - week 4: baseline = mean of weeks 0–3 = 100; extra = 160 − 100 = 60; exposure = 100 × 7/7 = 100.
 * - week 8: baseline = mean of weeks 7, 6, 5, 3 (the 4 uncovered weeks before it; week 4 skipped) = 100;
 *   extra = 120 − 100 = 20; exposure = 100 × 3/7 = 42.857.
 * - pooled uplift = (60 + 20) / (100 + 42.857) = 80 / 142.857 = 0.56.
 * A future promotion without an uplift on 3 days of forecast week 0 (days 63–65) lifts it by 0.56 × 3/7 = 0.24;
 * a price change given at −0.1 over all of week 1 (days 70–76) lowers it to 0.9.
 */
import { chooseUplift, coveredDays, eventAdjustment, measuredUplift, measureUplift, poolEvidence, upliftFactors } from '../../models/forecast/events';
import { cleanHistory } from '../../models/forecast/outliers';

const demand = [100, 100, 100, 100, 160, 100, 100, 100, 120];
const promotions = [
  { kind: 'promotion', firstDay: 28, lastDay: 34, uplift: null },
  { kind: 'promotion', firstDay: 56, lastDay: 58, uplift: null },
];

describe('events in a weekly series', () => {
  it('counts the days each week an event covers, a day of two overlapping events once', () => {
    expect(coveredDays(promotions, 0, 9, 7)).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 3]);
    expect(coveredDays([{ firstDay: 5, lastDay: 9 }, { firstDay: 8, lastDay: 12 }, { firstDay: -20, lastDay: 1 }], 0, 2, 7)).toEqual([4, 6]);
  });

  it('measures the uplift of past events against the weeks just before each (hand-worked: 80 / 142.857 = 0.56)', () => {
    const evidence = measureUplift(demand, coveredDays(promotions, 0, 9, 7), { daysPerPeriod: 7 });
    expect(evidence.events).toBe(2);
    expect(evidence.extra).toBeCloseTo(80, 10);
    expect(evidence.exposure).toBeCloseTo(100 + 300 / 7, 10);
    expect(measuredUplift(evidence)).toBeCloseTo(0.56, 10);
  });

  it('skips an event with no week before it or a zero baseline, and says null without evidence', () => {
    expect(measureUplift([50, 10, 10], [7, 0, 0], { daysPerPeriod: 7 }).events).toBe(0);
    expect(measureUplift([0, 0, 40], [0, 0, 7], { daysPerPeriod: 7 }).events).toBe(0);
    expect(measuredUplift(measureUplift([10, 10], [0, 0], { daysPerPeriod: 7 }))).toBeNull();
  });

  it('pools the evidence of several items: a category uplift is their total extra over their total exposure', () => {
    const pooled = poolEvidence([
      { extra: 60, exposure: 100, events: 1 },
      { extra: 10, exposure: 100, events: 1 },
    ]);
    expect(measuredUplift(pooled)).toBeCloseTo(0.35, 12);
  });

  it('prefers the given uplift, then the item measured, then the category', () => {
    expect(chooseUplift(0.2, 0.5, 0.9)).toEqual({ uplift: 0.2, source: 'given' });
    expect(chooseUplift(null, 0.5, 0.9)).toEqual({ uplift: 0.5, source: 'item' });
    expect(chooseUplift(null, null, 0.9)).toEqual({ uplift: 0.9, source: 'category' });
    expect(chooseUplift(null, null, null)).toBeNull();
    expect(upliftFactors(2, [{ covered: [7, 0], uplift: -2 }], 7)).toEqual([0, 1]);
  });

  it('explains the past event weeks and lifts the future ones (hand-worked: 1.24 and 0.9)', () => {
    const adjustment = eventAdjustment({
      history: demand,
      historyFirstDay: 0,
      horizon: 3,
      daysPerPeriod: 7,
      spans: [...promotions, { kind: 'promotion', firstDay: 63, lastDay: 65, uplift: null }, { kind: 'price-change', firstDay: 70, lastDay: 76, uplift: -0.1 }],
      categoryUplifts: { promotion: 3 },
    });
    expect(adjustment.explained).toEqual([false, false, false, false, true, false, false, false, true]);
    expect(adjustment.factors[0]).toBeCloseTo(1.24, 10);
    expect(adjustment.factors[1]).toBeCloseTo(0.9, 10);
    expect(adjustment.factors[2]).toBe(1);
    expect(adjustment.applied).toEqual([
      { kind: 'promotion', uplift: expect.closeTo(0.56, 10), source: 'item', periods: [0] },
      { kind: 'price-change', uplift: -0.1, source: 'given', periods: [1] },
    ]);
  });

  it("takes the category's uplift for a kind the item has no past event of, and lifts nothing when none is known", () => {
    const future = [{ kind: 'promotion', firstDay: 21, lastDay: 27, uplift: null }];
    const withCategory = eventAdjustment({ history: [10, 10, 10], historyFirstDay: 0, horizon: 1, daysPerPeriod: 7, spans: future, categoryUplifts: { promotion: 0.5 } });
    expect(withCategory.factors).toEqual([1.5]);
    expect(withCategory.applied[0]).toMatchObject({ source: 'category', uplift: 0.5 });
    const unknown = eventAdjustment({ history: [10, 10, 10], historyFirstDay: 0, horizon: 1, daysPerPeriod: 7, spans: future });
    expect(unknown.factors).toEqual([1]);
    expect(unknown.applied[0]).toMatchObject({ source: null, uplift: null });
  });

  it('keeps an explained promotion week in the history cleanHistory returns, where an unexplained one is cleaned', () => {
    const values = [100, 104, 98, 101, 99, 102, 97, 100, 103, 99, 500, 101, 98, 102, 100, 99, 101, 100, 98, 102];
    const explained = values.map((_, t) => t === 10);
    expect(cleanHistory(values, { seasonLength: 52 }).outliers.index).toEqual([10]);
    const kept = cleanHistory(values, { seasonLength: 52, explained });
    expect(kept.outliers.index).toEqual([]);
    expect(kept.values[10]).toBe(500);
  });
});

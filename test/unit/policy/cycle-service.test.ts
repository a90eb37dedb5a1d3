import { cycleServiceLevel } from '../../../models/policy/cycle-service';

describe('cycleServiceLevel: replenishment cycles from one arrival to the next', () => {
  const options = { nominalLeadTimeDays: 14, reviewPeriodDays: 7, lastDay: 69 };

  it('fixed lead times: cycles are the weeks t + 2 after each review, as a week window counts them', () => {
    // Reviews on days 0, 7, 14, 21, 28 with orders arriving 14 days later: cycles [14, 21), [21, 28), [28, 35), [35, 42),
    // and the last [42, 49) (next nominal arrival 28 + 7 + 14). A short day 30 fails the third.
    const reviews = [0, 7, 14, 21, 28].map((reviewDay) => ({ reviewDay, arrivalDay: reviewDay + 14 }));
    expect(cycleServiceLevel(reviews, new Set([30]), options)).toEqual({ cycles: 5, served: 4, level: 0.8 });
  });

  it('a late order: its stock-out days 22 and 23 belong to one cycle, the one that waited for it, not to two weeks', () => {
    // The review at 7 orders for day 24 (three days late): cycle of review 0 is [14, 24), of review 7 [24, 28).
    // A window per week would count days 22 and 23 in week [21, 28) of review 7, whose own stock had not arrived yet.
    const reviews = [
      { reviewDay: 0, arrivalDay: 14 },
      { reviewDay: 7, arrivalDay: 24 },
      { reviewDay: 14, arrivalDay: 28 },
    ];
    expect(cycleServiceLevel(reviews, new Set([22, 23]), options)).toEqual({ cycles: 3, served: 2, level: 2 / 3 });
  });

  it('a review without an order starts its cycle at the nominal arrival; crossed orders leave an empty cycle uncounted', () => {
    const reviews = [
      { reviewDay: 0, arrivalDay: 20 },
      { reviewDay: 7, arrivalDay: 19 },
      { reviewDay: 14, arrivalDay: null },
    ];
    // Cycles: [20, 19) none; [19, 28) served; [28, 35) (14 + 14 to 14 + 7 + 14) served.
    expect(cycleServiceLevel(reviews, new Set([5]), options)).toEqual({ cycles: 2, served: 2, level: 1 });
  });

  it('does not count a cycle that ends after the last day replayed; null without any', () => {
    expect(cycleServiceLevel([{ reviewDay: 56, arrivalDay: 70 }], new Set(), options)).toEqual({ cycles: 0, served: 0, level: null });
  });

  it('rejects reviews out of order and a negative lead time', () => {
    expect(() => cycleServiceLevel([{ reviewDay: 7, arrivalDay: 21 }, { reviewDay: 0, arrivalDay: 14 }], new Set(), options)).toThrow('cycleServiceLevel: reviews must be in ascending order of review day');
    expect(() => cycleServiceLevel([], new Set(), { ...options, nominalLeadTimeDays: -1 })).toThrow('cycleServiceLevel: nominalLeadTimeDays must be a finite number ≥ 0, got -1');
  });
});

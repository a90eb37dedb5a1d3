import { addDays, daysBetween } from '../../../models/policy/dates';
import { empiricalQuantile, learnLeadTimes, matureLeadTimeReceipts, type Receipt } from '../../../models/policy/lead-time';

/** Receipts for one supplier × item, one order a week from `start`, each arriving after the given number of days. */
function receipts(supplierId: string, sku: string, days: number[], start = '2026-01-05'): Receipt[] {
  return days.map((d, i) => ({ supplierId, sku, orderDate: addDays(start, 7 * i), receivedDate: addDays(start, 7 * i + d) }));
}

describe('dates: whole-day differences without a clock', () => {
  it('counts across a leap day and a year end', () => {
    expect(daysBetween('2024-02-27', '2024-03-02')).toBe(4);
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('accepts a timestamp by its date part and rejects impossible days by name', () => {
    expect(daysBetween('2026-11-27T23:59:00Z', '2026-11-28')).toBe(1);
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow('dayNumber: no such calendar day');
    expect(() => daysBetween('27/11/2026', '2026-11-28')).toThrow('dayNumber: not an ISO date');
  });

  it('reads a date again from its cache as it read it the first time, and an impossible day is rejected every time', () => {
    const dates = Array.from({ length: 1_000 }, (_, index) => addDays('2020-01-01', 37 * index));
    const first = dates.map((date) => daysBetween('1970-01-01', date));
    expect(first.slice(0, 3)).toEqual([18262, 18299, 18336]); // 2020-01-01 is day 18,262 of the Unix epoch
    expect(dates.map((date) => daysBetween('1970-01-01', date))).toEqual(first);
    for (let attempt = 0; attempt < 2; attempt++) expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow('dayNumber: no such calendar day');
  });
});

describe('empiricalQuantile (R type 7)', () => {
  // R 4.2.2: quantile(c(10, 12, 14, 20), c(0.5, 0.9, 0.95)) → 13.0 18.2 19.1
  it('matches R quantile() on a hand-made sample', () => {
    expect([0.5, 0.9, 0.95].map((p) => empiricalQuantile([10, 12, 14, 20], p))).toEqual([13, expect.closeTo(18.2, 12), expect.closeTo(19.1, 12)]);
  });
});

describe('learnLeadTimes', () => {
  it('reports count, mean, standard deviation, quantiles, lateness and on-time rate of one supplier × item', () => {
    // Actual 10, 12, 14, 20 days against a 12-day promise: lateness −2, 0, 2, 8 → mean 2; on time 2 of 4.
    // s = √((16 + 4 + 0 + 36) / 3) = √(56/3).
    const [stats] = learnLeadTimes(receipts('S', 'A', [10, 12, 14, 20]), [{ supplierId: 'S', sku: 'A', promisedDays: 12 }]);
    expect(stats.observed).toEqual({
      receiptCount: 4,
      meanDays: 14,
      stdDevDays: expect.closeTo(Math.sqrt(56 / 3), 12),
      p50Days: 13,
      p90Days: expect.closeTo(18.2, 12),
      p95Days: expect.closeTo(19.1, 12),
      meanLatenessDays: 2,
      onTimeRate: 0.5,
    });
  });

  it('plans a supplier that promises 28 days and delivers in 42 at 42 days, its spread shrunk from 1.15 toward the 7-day default', () => {
    // 10 receipts: 40 41 42 42 43 44 42 41 43 42 → mean 42, sum of squares 12, s² = 12/9.
    // Prior mean = 28 + mean lateness 14 = 42, so the plan is 42 whatever the weight.
    // Prior variance = 9/14 · 12/9 + 5/14 · (0.25 · 28)² = 0.857143 + 17.5 = 18.357143;
    // planned variance = 9/14 · 12/9 + 5/14 · 18.357143 = 7.413265 → 2.7227 days.
    const [stats] = learnLeadTimes(receipts('S1', 'A', [40, 41, 42, 42, 43, 44, 42, 41, 43, 42]), [{ supplierId: 'S1', sku: 'A', promisedDays: 28 }]);
    expect(stats.plannedMeanDays).toBeCloseTo(42, 10);
    expect(stats.plannedStdDevDays).toBeCloseTo(Math.sqrt(7.413265306), 6);
    expect(stats.observed.meanLatenessDays).toBe(14);
    expect(stats.observed.onTimeRate).toBe(0);
  });

  describe('shrinkage toward the supplier, then toward the promise', () => {
    // Supplier S2: item X 10 receipts around its 10-day promise (sum of squares 12), item Y one receipt at 20 days
    // (promise 10), item Z only promised (14 days). Supplier S3: only a promise (20 days) for X.
    // Supplier lateness over its 11 receipts = 10/11; pooled within-item variance = 12 / (11 − 2) with df 9.
    const learned = learnLeadTimes(
      [...receipts('S2', 'X', [9, 10, 11, 10, 12, 10, 9, 11, 10, 8]), ...receipts('S2', 'Y', [20])],
      [
        { supplierId: 'S2', sku: 'X', promisedDays: 10 },
        { supplierId: 'S2', sku: 'Y', promisedDays: 10 },
        { supplierId: 'S2', sku: 'Z', promisedDays: 14 },
        { supplierId: 'S3', sku: 'X', promisedDays: 20 },
      ],
    );
    const find = (supplierId: string, sku: string) => learned.find((s) => s.supplierId === supplierId && s.sku === sku)!;

    it('pulls an item with one slow receipt most of the way to the supplier figure (weight 1/6)', () => {
      // 1/6 · 20 + 5/6 · (10 + 10/11) = 12.424242; variance from the prior alone: 9/14 · 12/9 + 5/14 · 2.5² = 3.089286.
      const y = find('S2', 'Y');
      expect(y.source).toBe('blended');
      expect(y.itemWeight).toBeCloseTo(1 / 6, 12);
      expect(y.plannedMeanDays).toBeCloseTo(12.424242424, 8);
      expect(y.plannedStdDevDays).toBeCloseTo(Math.sqrt(3.089285714), 8);
    });

    it('gives an item without receipts the supplier figures on its own promise', () => {
      // 14 + 10/11 = 14.909091; variance 9/14 · 12/9 + 5/14 · 3.5² = 5.232143.
      const z = find('S2', 'Z');
      expect(z.source).toBe('supplier');
      expect(z.plannedMeanDays).toBeCloseTo(14.909090909, 8);
      expect(z.plannedStdDevDays).toBeCloseTo(Math.sqrt(5.232142857), 8);
    });

    it('plans a supplier with no receipts at its promise, with a spread of 25% of it', () => {
      const x3 = find('S3', 'X');
      expect(x3).toMatchObject({ source: 'promised', plannedMeanDays: 20, plannedStdDevDays: 5, itemWeight: 0 });
      expect(x3.observed.receiptCount).toBe(0);
    });

    it('returns one entry per supplier × item, sorted', () => {
      expect(learned.map((s) => `${s.supplierId}/${s.sku}`)).toEqual(['S2/X', 'S2/Y', 'S2/Z', 'S3/X']);
    });
  });

  it('uses only the item’s own receipts when the credibility constant is 0', () => {
    const learned = learnLeadTimes([...receipts('S', 'X', [10, 10, 10]), ...receipts('S', 'Y', [20, 22])], [], { credibility: 0 });
    const y = learned.find((s) => s.sku === 'Y')!;
    expect(y).toMatchObject({ source: 'item', plannedMeanDays: 21, itemWeight: 1 });
    expect(y.plannedStdDevDays).toBeCloseTo(Math.SQRT2, 12);
  });

  it('takes a receipt’s own promised date over the quoted lead time for its lateness', () => {
    const [stats] = learnLeadTimes(
      [{ supplierId: 'S', sku: 'A', orderDate: '2026-03-01', promisedDate: '2026-03-21', receivedDate: '2026-03-25' }],
      [{ supplierId: 'S', sku: 'A', promisedDays: 10 }],
    );
    expect(stats.observed.meanLatenessDays).toBe(4);
  });

  it('plans from actual days when no promise is known at all', () => {
    const [stats] = learnLeadTimes(receipts('S', 'A', [30]));
    expect(stats.promisedDays).toBeNull();
    expect(stats.observed.meanLatenessDays).toBeNull();
    // 1/6 · 30 + 5/6 · 30; spread from the default 25 % of the prior mean.
    expect(stats.plannedMeanDays).toBeCloseTo(30, 12);
    expect(stats.plannedStdDevDays).toBeCloseTo(7.5, 12);
  });

  it('rejects a receipt received before it was ordered, by name', () => {
    expect(() => learnLeadTimes([{ supplierId: 'S', sku: 'A', orderDate: '2026-03-10', receivedDate: '2026-03-01' }])).toThrow(
      'learnLeadTimes: receipt received before it was ordered',
    );
  });
});

describe('matureLeadTimeReceipts: lead times free of the early arrivals\' bias', () => {
  // Promised 14 days. As of 2026-03-01: orders of 2026-02-23 (6 days old) and 2026-02-16 (13 days) are younger than
  // their promise; those of 2026-02-09 (20 days) and 2026-02-02 (27 days) are not.
  const promised = [{ supplierId: 'S', sku: 'A', promisedDays: 14 }];
  const asOf = '2026-03-01';
  const receipt = (orderDate: string, days: number, promisedDate?: string): Receipt => ({ supplierId: 'S', sku: 'A', orderDate, receivedDate: addDays(orderDate, days), ...(promisedDate && { promisedDate }) });

  it('drops receipts of orders younger than their promise, keeps the rest, and counts mature open orders at their age', () => {
    const receipts = [receipt('2026-02-23', 5), receipt('2026-02-16', 10), receipt('2026-02-09', 12), receipt('2026-02-02', 15)];
    const open = [
      { supplierId: 'S', sku: 'A', orderDate: '2026-02-23' },
      { supplierId: 'S', sku: 'A', orderDate: '2026-02-09' },
    ];
    const kept = matureLeadTimeReceipts(receipts, open, promised, asOf);
    // The 5- and 10-day receipts are early arrivals among orders mostly still on the way: left out. The open order of
    // 2026-02-09 is 20 days old, past its 14-day promise: at least 20 days, counted as received today.
    expect(kept.map((r) => daysBetween(r.orderDate, r.receivedDate))).toEqual([12, 15, 20]);
    // Learned from all receipts the mean would be (5 + 10 + 12 + 15) / 4 = 10.5 days; from the mature ones (12 + 15 + 20) / 3.
    expect(learnLeadTimes(kept, promised, { credibility: 0 })[0].observed.meanDays).toBeCloseTo(47 / 3, 12);
  });

  it('reads an order\'s own promised date before the item\'s promised lead time', () => {
    // Promised on the order in 5 days (2026-02-28, one day before asOf): mature after 5 days, though the item quotes 14.
    const early = receipt('2026-02-23', 4, '2026-02-28');
    const open = { supplierId: 'S', sku: 'A', orderDate: '2026-02-23', promisedDate: '2026-02-28' };
    expect(matureLeadTimeReceipts([early], [open], promised, asOf)).toEqual([early, { ...open, receivedDate: asOf }]);
  });

  it('keeps receipts whose promise is unknown, and leaves out open orders without one', () => {
    const unknown = { supplierId: 'S', sku: 'B', orderDate: '2026-02-27', receivedDate: '2026-02-28' };
    expect(matureLeadTimeReceipts([unknown], [{ supplierId: 'S', sku: 'B', orderDate: '2026-01-01' }], promised, asOf)).toEqual([unknown]);
  });
});

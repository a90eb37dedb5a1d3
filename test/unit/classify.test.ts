import { classifyDemand } from '../../models/forecast/classify';

// Worked examples, by hand. ADI = position of the last demand / number of demands (intervals counted from the start);
// CV² = (sample sd / mean)² of the non-zero sizes, sd with n − 1. Cut-offs ADI 1.32, CV² 0.49.
describe('classifyDemand (Syntetos, Boylan and Croston 2005)', () => {
  it('smooth: [3, 4, 5, 4, 3, 5] has ADI 6/6 = 1 and CV² = (4/5) / 4² = 0.05', () => {
    expect(classifyDemand([3, 4, 5, 4, 3, 5])).toEqual({ demandClass: 'smooth', adi: 1, cv2: 0.05, nonZeroCount: 6 });
  });

  it('erratic: [1, 10, 2, 8, 1, 9] has ADI 1 and CV² = (109/6) / (31/6)² = 654/961', () => {
    const result = classifyDemand([1, 10, 2, 8, 1, 9]);
    expect(result.demandClass).toBe('erratic');
    expect(result.adi).toBe(1);
    expect(result.cv2).toBeCloseTo(654 / 961, 12);
  });

  it('intermittent: [0, 5, 0, 0, 4, 0, 6, 0] has demands at 2, 5, 7, ADI 7/3, sizes 5, 4, 6 with CV² = 1 / 25', () => {
    const result = classifyDemand([0, 5, 0, 0, 4, 0, 6, 0]);
    expect(result.demandClass).toBe('intermittent');
    expect(result.adi).toBeCloseTo(7 / 3, 12);
    expect(result.cv2).toBeCloseTo(0.04, 12);
    expect(result.nonZeroCount).toBe(3);
  });

  it('lumpy: [0, 0, 1, 0, 0, 0, 9, 0, 2, 0, 0, 0] has intervals 3, 4, 2 (ADI 3) and sizes 1, 9, 2 with CV² = 19 / 16', () => {
    const result = classifyDemand([0, 0, 1, 0, 0, 0, 9, 0, 2, 0, 0, 0]);
    expect(result.demandClass).toBe('lumpy');
    expect(result.adi).toBe(3);
    expect(result.cv2).toBeCloseTo(19 / 16, 12);
  });

  it('an ADI of exactly 1.32 is not yet intermittent (25 equal demands, the last at period 33)', () => {
    const values = [...new Array(8).fill(0), ...new Array(25).fill(2)];
    const result = classifyDemand(values);
    expect(result.adi).toBe(1.32);
    expect(result.demandClass).toBe('smooth');
  });

  it('zero: an all-zero history of enough periods, with no ADI or CV²', () => {
    expect(classifyDemand([0, 0, 0, 0, 0, 0])).toEqual({ demandClass: 'zero', adi: null, cv2: null, nonZeroCount: 0 });
  });

  it('new: fewer periods than minimumPeriods (default 6), whatever the values', () => {
    expect(classifyDemand([]).demandClass).toBe('new');
    expect(classifyDemand([3, 4, 5, 4, 3]).demandClass).toBe('new');
    expect(classifyDemand([3, 4, 5], { minimumPeriods: 3 }).demandClass).toBe('smooth');
  });

  it('short: a single demand gives an ADI (its position) but no CV²', () => {
    expect(classifyDemand([0, 0, 0, 7, 0, 0])).toEqual({ demandClass: 'short', adi: 4, cv2: null, nonZeroCount: 1 });
  });

  it('counts negative values as zero demand', () => {
    expect(classifyDemand([0, -5, 0, 0, 4, 0, 6, 0, 5, 0])).toEqual(classifyDemand([0, 0, 0, 0, 4, 0, 6, 0, 5, 0]));
    expect(classifyDemand([0, -5, 0, 0, 4, 0, 6, 0, 5, 0]).nonZeroCount).toBe(3);
  });

  it('rejects non-finite values and a minimumPeriods that is not a positive integer', () => {
    expect(() => classifyDemand([1, NaN, 2, 3, 4, 5])).toThrow('classifyDemand: values must be finite numbers');
    expect(() => classifyDemand([1, 2], { minimumPeriods: 0 })).toThrow('classifyDemand: minimumPeriods must be a positive integer');
  });
});

describe('classifyDemand: an item whose sales stopped', () => {
  it('counts the run since the last demand once it is longer than every interval: 30 × 10 then 40 zeros → ADI 70/30, intermittent', () => {
    const dying = [...new Array(30).fill(10), ...new Array(40).fill(0)];
    expect(classifyDemand(dying)).toMatchObject({ demandClass: 'intermittent', adi: 70 / 30 });
  });
  it('leaves a run no longer than the longest interval out (one zero after a demand every period: ADI 1, smooth)', () => {
    expect(classifyDemand([...new Array(30).fill(10), 0])).toMatchObject({ demandClass: 'smooth', adi: 1 });
  });
});

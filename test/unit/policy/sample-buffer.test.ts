import { classifyDemand } from '../../../models/forecast/classify';
import { buffersFromSamples, sampleBufferReason, slowMoverUnits } from '../../../models/policy/sample-buffer';

/** The rule on a history classified as the backtest classifies its warm-up. */
const reasonFor = (history: number[], protectionPeriods: number) =>
  sampleBufferReason({ demandClass: classifyDemand(history).demandClass, history, protectionPeriods });

describe('sampleBufferReason: which items are buffered from demand samples (planner and backtest)', () => {
  // 2, 3, 2, 3, 2, 3: a demand every period, sizes CV² = 0.3 / 2.5² = 0.048 → smooth; 2.5 units per period.
  const smooth = [2, 3, 2, 3, 2, 3];

  it('takes a whole-unit smooth series below 10 units over L + R as a slow mover, and at 10 as none', () => {
    expect(classifyDemand(smooth).demandClass).toBe('smooth');
    expect(slowMoverUnits).toBe(10);
    expect(reasonFor(smooth, 3.99)).toBe('slow-mover'); // 2.5 × 3.99 = 9.975 < 10
    expect(reasonFor(smooth, 4)).toBeNull(); // 2.5 × 4 = 10: not fewer than 10
    expect(buffersFromSamples({ demandClass: 'smooth', history: smooth, protectionPeriods: 3.99 })).toBe(true);
    expect(buffersFromSamples({ demandClass: 'smooth', history: smooth, protectionPeriods: 4 })).toBe(false);
  });

  it('counts a fractional planner interval (days / 7) as it is', () => {
    // 1 unit a week over 9 weeks + 6 days = 9.857 weeks → 9.857 units: slow; 10 weeks → 10 units: not.
    const weekly = Array(12).fill(1);
    expect(reasonFor(weekly, 69 / 7)).toBe('slow-mover');
    expect(reasonFor(weekly, 70 / 7)).toBeNull();
  });

  it('leaves fractional demand to the error quantile however slow: it is not counted in whole units', () => {
    const fractional = [0.5, 0.75, 0.5, 0.75, 0.5, 0.75];
    expect(classifyDemand(fractional).demandClass).toBe('smooth');
    expect(reasonFor(fractional, 2)).toBeNull();
  });

  it('samples the intermittent, lumpy, single-demand and all-zero classes whatever their volume', () => {
    const intermittent = [0, 0, 40, 0, 0, 40, 0, 0, 42, 0, 0, 40];
    const lumpy = [0, 0, 5, 0, 0, 90, 0, 0, 20, 0, 0, 60];
    const single = [0, 0, 0, 0, 0, 500, 0, 0];
    const zero = [0, 0, 0, 0, 0, 0];
    expect([intermittent, lumpy, single, zero].map((history) => classifyDemand(history).demandClass)).toEqual(['intermittent', 'lumpy', 'short', 'zero']);
    for (const history of [intermittent, lumpy, single, zero]) expect(reasonFor(history, 100)).toBe('demand-class');
  });

  it('takes a new item (under 6 periods) by its volume like any other class, and an empty history as no slow mover', () => {
    expect(reasonFor([1, 2, 1], 3)).toBe('slow-mover');
    expect(classifyDemand([1, 2, 1]).demandClass).toBe('new');
    expect(reasonFor([5, 6, 5], 3)).toBeNull();
    expect(sampleBufferReason({ demandClass: 'new', history: [], protectionPeriods: 3 })).toBeNull();
  });

  it('refuses a protection interval that is not a finite number ≥ 0', () => {
    expect(() => reasonFor(smooth, Number.NaN)).toThrow('sampleBufferReason: protectionPeriods must be finite and ≥ 0');
    expect(() => reasonFor(smooth, -1)).toThrow('sampleBufferReason: protectionPeriods must be finite and ≥ 0');
  });
});

import carpartsGolden from '../fixtures/golden/croston-carparts.json';
import { expectedLeadTimeDemand, leadTimeDemandSamples, protectionDemandSamples, quantileOfSamples, type LeadTime, type LeadTimeDemandMethod } from '../../models/forecast/lead-time-demand';

const history = carpartsGolden.cases.find((golden) => golden.name === 'carparts 11107391')!.values;
const lumpy = [0, 0, 6, 0, 0, 0, 1, 0, 12, 0, 0, 2, 0, 0, 0, 0, 5, 0, 1, 0, 0, 9, 0, 0];

function meanAndStandardError(samples: number[]) {
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const variance = samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (samples.length - 1);
  return { mean, standardError: Math.sqrt(variance / samples.length) };
}

describe('leadTimeDemandSamples', () => {
  const methods: LeadTimeDemandMethod[] = ['tsb', 'croston', 'sba', 'adida', 'empirical'];
  const horizons: [string, LeadTime][] = [
    ['4 periods', 4],
    ['4.3 periods', 4.3],
    ['gamma lead time, mean 4 sd 1.5', { mean: 4, sd: 1.5 }],
    ['observed lead times 2, 3, 7', { samples: [2, 3, 7] }],
  ];
  const cases = methods.flatMap((method) => horizons.map(([name, horizon]) => [method, name, horizon] as const));

  it.each(cases)('%s over %s: sample mean matches the analytic mean within 4 standard errors', (method, _, horizon) => {
    const samples = leadTimeDemandSamples(lumpy, { horizon, method, samples: 40000 });
    const { mean, standardError } = meanAndStandardError(samples);
    const expected = expectedLeadTimeDemand(lumpy, { horizon, method });
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * standardError);
  });

  it('the analytic mean of a 4.3-period lead time is 4.3 times the per-period rate', () => {
    expect(expectedLeadTimeDemand(lumpy, { horizon: 4.3 })).toBeCloseTo((4.3 / 4) * expectedLeadTimeDemand(lumpy, { horizon: 4 }), 12);
  });

  it.each(methods)('%s: samples are sorted, non-negative whole numbers for whole-number history', (method) => {
    const samples = leadTimeDemandSamples(history, { horizon: 3.5, method });
    expect(samples).toHaveLength(10000);
    expect(samples.filter((value) => !Number.isInteger(value) || value < 0)).toEqual([]);
    expect(samples.filter((value, index) => index > 0 && value < samples[index - 1])).toEqual([]);
    expect(samples[samples.length - 1]).toBeGreaterThan(0);
  });

  it('quantiles are non-decreasing in p and the 99.9% quantile is not absurd (at most lead time × largest demand)', () => {
    const samples = leadTimeDemandSamples(lumpy, { horizon: 6 });
    const quantiles = Array.from({ length: 101 }, (_, index) => quantileOfSamples(samples, index / 100));
    quantiles.slice(1).forEach((value, index) => expect(value).toBeGreaterThanOrEqual(quantiles[index]));
    expect(quantileOfSamples(samples, 0.999)).toBeLessThanOrEqual(6 * Math.max(...lumpy));
    expect(quantileOfSamples(samples, 0.95)).toBeGreaterThan(quantileOfSamples(samples, 0.5));
  });

  it('with a one-period lead time, empirical draws are zero or an observed size', () => {
    const observed = new Set([0, ...lumpy]);
    const samples = leadTimeDemandSamples(lumpy, { horizon: 1, method: 'empirical' });
    expect(samples.filter((value) => !observed.has(value))).toEqual([]);
    expect(new Set(samples).size).toBeGreaterThan(2);
  });

  it('a variable lead time widens the upper tail compared with a fixed one of the same mean', () => {
    const fixed = leadTimeDemandSamples(lumpy, { horizon: 4 });
    const variable = leadTimeDemandSamples(lumpy, { horizon: { mean: 4, sd: 2 } });
    expect(quantileOfSamples(variable, 0.99)).toBeGreaterThan(quantileOfSamples(fixed, 0.99));
  });

  it('gives only zeros for an all-zero or empty history and for a zero lead time', () => {
    expect(new Set(leadTimeDemandSamples([0, 0, 0, 0], { horizon: 5 }))).toEqual(new Set([0]));
    expect(new Set(leadTimeDemandSamples([], { horizon: 5, method: 'empirical' }))).toEqual(new Set([0]));
    expect(new Set(leadTimeDemandSamples(lumpy, { horizon: 0 }))).toEqual(new Set([0]));
  });

  it('is repeatable with a seed and changes with it', () => {
    const first = leadTimeDemandSamples(lumpy, { horizon: 3, seed: 11, samples: 500 });
    expect(leadTimeDemandSamples(lumpy, { horizon: 3, seed: 11, samples: 500 })).toEqual(first);
    expect(leadTimeDemandSamples(lumpy, { horizon: 3, seed: 12, samples: 500 })).not.toEqual(first);
  });

  it('rejects a negative or non-finite lead time, an sd without a mean, no lead-time samples, and a bad sample count', () => {
    expect(() => leadTimeDemandSamples(lumpy, { horizon: -1 })).toThrow('leadTimeDemandSamples: horizon must be a finite number ≥ 0');
    expect(() => leadTimeDemandSamples(lumpy, { horizon: NaN })).toThrow('leadTimeDemandSamples: horizon must be a finite number ≥ 0');
    expect(() => leadTimeDemandSamples(lumpy, { horizon: { mean: 0, sd: 1 } })).toThrow('leadTimeDemandSamples: a lead time with mean 0 cannot have sd > 0');
    expect(() => leadTimeDemandSamples(lumpy, { horizon: { samples: [] } })).toThrow('leadTimeDemandSamples: horizon.samples needs at least one lead time');
    expect(() => leadTimeDemandSamples(lumpy, { horizon: 2, samples: 0 })).toThrow('leadTimeDemandSamples: samples must be a positive integer');
  });
});

describe('protectionDemandSamples (the demand a replenishment cycle can miss)', () => {
  // One unit in half the periods ('empirical': occurrence = share of periods with demand, sizes as observed), over a fixed
  // L + R = 3 periods of which the last (R = 1) is the cycle. Totals are Binomial(3, 0.5): P(≤ 0, 1, 2, 3) = 0.125, 0.5,
  // 0.875, 1 (R: pbinom(0:3, 3, 0.5)). At risk: 0 when the cycle has no demand (probability 0.5), else the total, 1 +
  // Binomial(2, 0.5): P(≤ 0, 1, 2, 3) = 0.5, 0.625, 0.875, 1 (R: cumsum(c(0.5, 0.5 * dbinom(0:2, 2, 0.5)))).
  const alternating = Array.from({ length: 40 }, (_, index) => index % 2);
  const { totals, atRisk } = protectionDemandSamples(alternating, { horizon: 3, method: 'empirical', samples: 20000, seed: 3, cyclePeriods: 1 });
  const share = (samples: number[], atMost: number) => samples.filter((value) => value <= atMost).length / samples.length;

  it('totals are leadTimeDemandSamples\' own draws', () => {
    expect(totals).toEqual(leadTimeDemandSamples(alternating, { horizon: 3, method: 'empirical', samples: 20000, seed: 3 }));
  });

  it.each([
    [0, 0.125, 0.5],
    [1, 0.5, 0.625],
    [2, 0.875, 0.875],
  ])('P(≤ %d): totals %d, at risk %d (binomial, ± 0.015)', (atMost, totalShare, atRiskShare) => {
    expect(Math.abs(share(totals, atMost) - totalShare)).toBeLessThan(0.015);
    expect(Math.abs(share(atRisk, atMost) - atRiskShare)).toBeLessThan(0.015);
  });

  it('the 60 % level: the totals need 2 units, the cycle 1 (quantiles of the distributions above)', () => {
    expect(quantileOfSamples(totals, 0.6)).toBe(2);
    expect(quantileOfSamples(atRisk, 0.6)).toBe(1);
  });

  it('without a cycle (continuous review, cyclePeriods 0) at risk is every total', () => {
    const continuous = protectionDemandSamples(alternating, { horizon: 3, method: 'empirical', samples: 500, cyclePeriods: 0 });
    expect(continuous.atRisk).toEqual(continuous.totals);
  });

  it('demand every period: at risk is the totals (the cycle always has demand)', () => {
    const steady = protectionDemandSamples([3, 4, 5, 4, 3, 5, 4, 4], { horizon: { mean: 3, sd: 0.5 }, samples: 2000, cyclePeriods: 1 });
    expect(steady.atRisk).toEqual(steady.totals);
  });
});

import { replanFactors, senseDemand, SENSING_DAYS, type SensingInput } from '../../models/forecast/sensing';

// A week's forecast of 700 with a 95 % upper bound of 700 + 1.96 × 70: σ per week 70, per day 70 / √7.
const Z_975 = 1.959963984540054;
const Z_99 = 2.3263478740408408;
const base = { weekMean: 700, weekUpper95: 700 + Z_975 * 70, steady: true };
const days = (quantities: number[], outOfStock: number[] = []) => quantities.map((quantity, i) => ({ quantity, outOfStock: outOfStock.includes(i) }));
const steadyDays = (value = 100) => days(new Array(SENSING_DAYS).fill(value));
const sense = (input: Partial<SensingInput>) => senseDemand({ ...base, days: steadyDays(), ...input });

describe('senseDemand', () => {
  it('finds nothing when sales run at the forecast', () => {
    expect(sense({})).toEqual([]);
  });

  it('calls a spike when today alone passes the 99 % quantile of a day: 100 + 2.326 × 70/√7 ≈ 161.5', () => {
    const upper = 100 + (Z_99 * 70) / Math.sqrt(7);
    expect(sense({ days: days([...new Array(8).fill(100), Math.floor(upper)]) })).toEqual([]);
    const [spike] = sense({ days: days([...new Array(8).fill(100), Math.ceil(upper)]) });
    expect(spike).toMatchObject({ kind: 'spike', details: { days: 1, sales: 162, forecast: 100, upper99: Number(upper.toFixed(3)) } });
    expect(spike.ratio).toBeCloseTo(1.62, 10);
  });

  it('calls a spike over the last 7 days against 700 + 2.326 × 70 ≈ 862.8, not one day over', () => {
    const [spike] = sense({ days: days([100, 100, 125, 125, 125, 125, 125, 125, 125]) });
    expect(spike).toMatchObject({ kind: 'spike', details: { days: 7, sales: 875, forecast: 700 } });
  });

  it('judges a slow mover’s spike over the 7 days only', () => {
    // Forecast 0.2 a week, 95 % bound 1.5: σ 0.66; the 99 % quantile of a day 0.61, of 7 days 1.74.
    const slow = { weekMean: 0.2, weekUpper95: 1.5 };
    const oneToday = days([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(senseDemand({ ...slow, steady: true, days: oneToday })[0]).toMatchObject({ kind: 'spike', details: { days: 1, sales: 1 } });
    expect(senseDemand({ ...slow, steady: false, days: oneToday })).toEqual([]);
    expect(senseDemand({ ...slow, steady: false, days: days([0, 0, 0, 0, 0, 0, 0, 1, 1]) })).toMatchObject([{ kind: 'spike', details: { days: 7, sales: 2 } }]);
  });

  it('calls a drop when the last 7 complete days fall below 700 − 162.8, on steady demand in stock only', () => {
    const low = days([100, 70, 70, 70, 70, 70, 70, 70, 0]);
    const changes = sense({ days: low });
    expect(changes.map((change) => change.kind)).toContain('drop');
    expect(changes.find((change) => change.kind === 'drop')!.details).toMatchObject({ sales: 490, forecast: 700 });
    expect(sense({ days: low, steady: false })).toEqual([]);
    expect(sense({ days: days([100, 70, 70, 70, 70, 70, 70, 70, 0], [3]) })).toEqual([]);
  });

  it('calls a bias when the 8 complete days err one way: tracking signal beyond 4', () => {
    // Errors of +20, +20, … (8 of them): tracking signal 8; sales 960 against 800.
    const [bias] = sense({ days: days([...new Array(8).fill(120), 100]) });
    expect(bias).toMatchObject({ kind: 'bias', details: { days: 8, trackingSignal: 8, sales: 960, forecast: 800 } });
    expect(bias.ratio).toBeCloseTo(1.2, 10);
    // Errors alternating in sign stay near 0.
    expect(sense({ days: days([120, 80, 120, 80, 120, 80, 120, 80, 100]) })).toEqual([]);
  });

  it('measures each change by its units beyond the quantile crossed', () => {
    const upperDay = 100 + (Z_99 * 70) / Math.sqrt(7);
    // Today 170 against 161.5 (the 7 days' 770 stay under 862.8): 8.5 beyond, judged on one day.
    const [today] = sense({ days: days([...new Array(8).fill(100), 170]) });
    expect(today).toMatchObject({ kind: 'spike', days: 1 });
    expect(today.excess).toBeCloseTo(170 - upperDay, 9);
    // Today 500: the 7 days' 1,100 pass 862.8 too, and the week is what is judged.
    expect(sense({ days: days([...new Array(8).fill(100), 500]) })[0]).toMatchObject({ kind: 'spike', days: 7, excess: expect.closeTo(1100 - (700 + Z_99 * 70), 9) });
    // 875 over 7 days against 700 + 2.326 × 70.
    expect(sense({ days: days([100, 100, 125, 125, 125, 125, 125, 125, 125]) })[0].excess).toBeCloseTo(875 - (700 + Z_99 * 70), 9);
    // 490 over 7 days against 700 − 2.326 × 70 = 537.2: 47.2 short.
    const drop = sense({ days: days([100, 70, 70, 70, 70, 70, 70, 70, 0]) }).find((change) => change.kind === 'drop')!;
    expect(drop.excess).toBeCloseTo(490 - (700 - Z_99 * 70), 9);
    // A bias of 960 over 8 days stays inside 800 + 2.326 × 70 × √(8/7) = 974.1: nothing to re-plan by.
    const [bias] = sense({ days: days([...new Array(8).fill(120), 100]) });
    expect(bias).toMatchObject({ kind: 'bias', days: 8, excess: 0 });
    const [strongBias] = sense({ days: days([...new Array(8).fill(140), 100]) });
    expect(strongBias.kind).toBe('spike');
  });

  it('needs the last 9 days', () => {
    expect(() => senseDemand({ ...base, days: days([1, 2]) })).toThrow('senseDemand: needs the last 9 days, got 2');
  });
});

describe('replanFactors', () => {
  const expectFactors = (factors: number[] | null, expected: number[]) => {
    expect(factors).toHaveLength(expected.length);
    factors!.forEach((factor, week) => expect(factor).toBeCloseTo(expected[week], 12));
  };
  it('adds the excess as a weekly rate to the first week, half of it the next, a quarter the one after', () => {
    // 340 units beyond the quantile on one day: 2,380 a week against a forecast of 700 → 1 + 3.4 = 4.4, held at 4;
    // then 1 + 1.7, 1 + 0.85.
    expectFactors(replanFactors({ days: 1, excess: 340 }, 700, 3), [4, 2.7, 1.85]);
    // 175 beyond over 7 days: 175 a week → 1.25, 1.125.
    expectFactors(replanFactors({ days: 7, excess: 175 }, 700, 2), [1.25, 1.125]);
    // Part weeks count whole: 2.5 weeks → 3.
    expect(replanFactors({ days: 7, excess: 175 }, 700, 2.5)).toHaveLength(3);
  });

  it('lowers the near weeks after a drop, never below a quarter of the forecast', () => {
    expectFactors(replanFactors({ days: 7, excess: -70 }, 700, 2), [0.9, 0.95]);
    expectFactors(replanFactors({ days: 7, excess: -7000 }, 700, 2), [0.25, 0.25]);
  });

  it('re-plans nothing without an excess or without a forecast to scale', () => {
    expect(replanFactors({ days: 8, excess: 0 }, 700, 3)).toBeNull();
    // A dying item: forecast zero.
    expect(replanFactors({ days: 7, excess: 3 }, 0, 3)).toBeNull();
    expect(replanFactors({ days: 7, excess: 3 }, 700, 0)).toBeNull();
  });
});

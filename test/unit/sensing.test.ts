import { senseDemand, SENSING_DAYS, type SensingInput } from '../../models/forecast/sensing';

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

  it('needs the last 9 days', () => {
    expect(() => senseDemand({ ...base, days: days([1, 2]) })).toThrow('senseDemand: needs the last 9 days, got 2');
  });
});
